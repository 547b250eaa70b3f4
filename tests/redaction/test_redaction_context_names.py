"""Names after role words (负责人张伟…): masked and reported."""

import pytest

from redaction import Redactor


def red(text, **kw):
    return Redactor(**kw).redact(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("现场负责人张伟未佩戴安全帽。", "现场负责人张某未佩戴安全帽。"),
        ("经查，驾驶员王小明驾驶叉车时未持证。", "经查，驾驶员王某驾驶叉车时未持证。"),
        ("联系人：孔令超，", "联系人：孔某，"),
        ("施工人员赵刚、钱强未持证上岗。", "施工人员赵某、钱强未持证上岗。"),
        ("证人欧阳娜娜称其在场。", "证人欧阳某称其在场。"),
        ("项目经理李明在现场指挥。", "项目经理李某在现场指挥。"),
        ("监护人王芳同意公开。", "监护人王某同意公开。"),
        ("户主姓名：张三，", "户主姓名：张某，"),
        ("负责人王正华未到场。", "负责人王某未到场。"),
        ("联系人李家明称", "联系人李某称"),
    ],
)
def test_context_names_are_masked(text, expected):
    res = red(text)
    assert res.text == expected
    assert [(f.kind, f.rule) for f in res.findings] == [("name", "context_name")]


@pytest.mark.parametrize(
    "text",
    [
        "外包单位员工李某正在施工现场开展焊接作业",  # already masked
        "证人刘某某到场",
        "当事人陈述申辩",
        "作业人员安全帽不符合规范",
        "负责人签字确认",
        "负责人应当履行职责",
        "当事人于当日到场",
        "当事人向本机关申请听证",
        "员工都未佩戴安全帽",
        "当事人乌鲁木齐市庆余年建设工程有限公司作为施工单位",
        "当事人张家港市某公司",
        "职工人数30人",
        "施工人员进场前",
    ],
)
def test_context_negatives(text):
    assert red(text).text == text


def test_public_name_after_role_word_stays():
    text = "负责人王正达在场"
    assert red(text, public=["王正达"]).text == text


def test_discovered_name_hidden_elsewhere_and_in_later_texts():
    r = Redactor()
    res = r.redact("现场负责人张伟未佩戴安全帽。张伟表示认可。")
    assert res.text == "现场负责人张某未佩戴安全帽。张某表示认可。"
    assert r.redact("张伟签字").text == "张某签字"
    assert r.aliases == {"张伟": "张某"}


def test_prime_hides_names_in_texts_redacted_first():
    r = Redactor()
    r.prime("正文：现场负责人张伟未佩戴安全帽。")
    assert r.redact("张伟未佩戴安全帽案").text == "张某未佩戴安全帽案"


def test_context_alias_respects_existing_aliases():
    r = Redactor(names=["张小明"])
    res = r.redact("张小明与现场负责人张伟未佩戴安全帽。")
    assert res.text == "张某与现场负责人张某甲未佩戴安全帽。"
    assert r.aliases == {"张小明": "张某", "张伟": "张某甲"}


def test_declared_name_after_role_word_uses_declared_alias():
    r = Redactor(names=["李小明", "李大明"])
    assert r.redact("负责人李大明未到场").text == "负责人李某乙未到场"


def test_detect_false_disables_context_names():
    assert Redactor(detect=False).redact("负责人张伟未到场").text == "负责人张伟未到场"


def test_context_name_that_is_a_prefix_of_a_declared_name_is_another_person():
    r = Redactor(names=["张伟明"])
    res = r.redact("张伟明在场，负责人张伟未到场。")
    assert res.text == "张某在场，负责人张某甲未到场。"


def test_declared_name_after_role_word_is_not_rediscovered():
    r = Redactor(names=["王小明"])
    assert r.redact("负责人王小明驾驶叉车").text == "负责人王某驾驶叉车"
    assert r.aliases == {"王小明": "王某"}
