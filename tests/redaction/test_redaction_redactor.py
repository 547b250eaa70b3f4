"""Redactor behaviour: declared values, precedence, merging, counts (S004 examples)."""

import pytest

from redaction import REPLACEMENTS, Finding, Kind, RedactionResult, Redactor

PHONE = REPLACEMENTS["phone"]
IDN = REPLACEMENTS["id_number"]

S004_PENALTY = (
    "一、行政处罚决定书文号：阜应急罚字〔2023〕40号\n"
    "五、作出行政处罚的日期：2023年12月8日\n"
    "依据《中华人民共和国安全生产法》第九十七条第七项的规定，"
    "建议对乌鲁木齐市庆余年建设工程有限公司处人民币共计26000元（贰万陆仟元）罚款的行政处罚。"
    "统一社会信用代码91652302MA77Q1XJ3B，受理时间2024.1.20，送达2024-01-20。"
)

S004_INSPECTION = (
    "克拉玛依市富城天然气有限责任公司T1006站 都炳锋13709904269 依职权 安全生产检查 "
    "马宏斌 31050224019 朱恒：31050224018 张学新： 31050224004"
)


def test_kind_and_replacements():
    assert Kind.PHONE == "phone" and str(Kind.ID_NUMBER) == "id_number"
    assert REPLACEMENTS[Kind.ADDRESS] == "［住址已隐去］"
    assert set(REPLACEMENTS) == {k.value for k in Kind} - {"name"}
    assert REPLACEMENTS["other"] == "［已隐去］"


def test_public_decision_text_is_untouched():
    r = Redactor()
    res = r.redact(S004_PENALTY)
    assert res == RedactionResult(S004_PENALTY, ())
    assert r.counts == {}


def test_s004_inspection_row_without_declarations():
    res = Redactor().redact(S004_INSPECTION)
    assert res.text == S004_INSPECTION.replace("13709904269", PHONE)


def test_s004_inspection_row_with_declarations():
    r = Redactor(
        protected=[("phone", "13709904269")],
        names=["都炳锋"],
        public=["马宏斌", "31050224019", "朱恒", "31050224018", "张学新", "31050224004"],
    )
    res = r.redact(S004_INSPECTION)
    assert "都某［电话号码已隐去］" in res.text
    assert "马宏斌 31050224019 朱恒：31050224018 张学新： 31050224004" in res.text
    assert r.counts == {"phone": 1, "name": 1}


def test_findings_spans_point_into_the_input():
    text = "联系人都炳锋，电话13709904269。"
    res = Redactor(names=["都炳锋"]).redact(text)
    assert res.findings == (
        Finding("name", 3, 6, "person_name"),
        Finding("phone", 9, 20, "mobile"),
    )
    for f in res.findings:
        assert text[f.start : f.end] in ("都炳锋", "13709904269")


@pytest.mark.parametrize(
    "shown",
    [
        "650102199003071234",
        "650102 19900307 1234",
        "650102-1990-0307-1234",
        "６５０１０２１９９００３０７１２３４",
        "6501 0219 9003 0712 34",
        "650102—19900307—1234",
    ],
)
def test_declared_id_in_any_spacing(shown):
    # 650102199003071234 has a wrong check digit on purpose: declared values are
    # hidden whatever the detectors think of them.
    r = Redactor(protected=[("id_number", "650102199003071234")], detect=False)
    res = r.redact(f"身份证{shown}，")
    assert res.text == f"身份证{IDN}，"
    assert res.findings[0].rule == "declared"


def test_declared_value_spans_cover_the_spaced_form_exactly():
    text = "证号：６５０１０２ 1990-0307 1234。"
    res = Redactor(protected=[("id_number", "650102199003071234")], detect=False).redact(text)
    (f,) = res.findings
    assert text[f.start : f.end] == "６５０１０２ 1990-0307 1234"


def test_declared_value_with_x_case_insensitive():
    r = Redactor(protected=[("id_number", "11010519491231002X")], detect=False)
    assert r.redact("11010519491231002x").text == IDN


def test_declared_values_of_every_kind():
    r = Redactor(
        protected=[
            ("bank_account", "6222 0202 0000 1234"),
            ("property_cert", "阜房权证字第0012号"),
            ("plate", "新A12345"),
            ("address", "阜康市某某路12号"),
            ("other", "家庭经济困难"),
            (Kind.PHONE, "0994-1234567"),
        ],
        detect=False,
    )
    text = "账户6222020200001234，证号阜房权证字第0012号，车新Ａ１２３４５，住阜康市某某路 12 号，家庭经济困难，电话(0994)1234567"
    assert r.redact(text).text == (
        "账户［银行账号已隐去］，证号［权属证书编号已隐去］，车［车牌号码已隐去］，"
        "住［住址已隐去］，［已隐去］，电话［电话号码已隐去］"
    )
    assert r.counts == {
        "phone": 1, "bank_account": 1, "property_cert": 1, "plate": 1, "address": 1, "other": 1
    }


def test_unknown_kind_is_other_and_name_kind_is_a_name():
    r = Redactor(protected=[("weird", "秘密词"), ("name", "李小明")], detect=False)
    assert r.redact("秘密词李小明").text == "［已隐去］李某"


def test_declared_value_wins_over_public():
    r = Redactor(protected=[("phone", "0994-3235169")], public=["0994-3235169"])
    assert r.redact("电话0994-3235169").text == f"电话{PHONE}"


def test_public_wins_over_detectors():
    r = Redactor(public=["13709904269", "0994 3235169"])
    assert r.redact("13709904269；0994-3235169").text == "13709904269；0994-3235169"


def test_public_value_does_not_unmask_a_longer_number():
    r = Redactor(public=["0994-3235169"])
    assert r.redact("账号0994323516912345").text == "账号［银行账号已隐去］"


def test_officer_certificate_numbers_never_detected():
    text = "执法证号31050224019、31050224002、31050224028"
    assert Redactor().redact(text).text == text


def test_overlapping_findings_merge_longest_wins():
    # the address contains a phone number: one replacement, kind of the longest
    r = Redactor()
    res = r.redact("住址：阜康市某路12号13900001234室，")
    assert res.text == "住址：［住址已隐去］，"
    assert [f.kind for f in res.findings] == ["address"]
    assert r.counts == {"address": 1}


def test_counts_accumulate_over_calls():
    r = Redactor(names=["李小明"])
    r.redact("李小明 13900001234")
    r.redact("李小明 家住阜康市某路1号，")
    assert r.counts == {"phone": 1, "address": 1, "name": 2}


def test_detect_false_only_declared():
    r = Redactor(names=["李小明"], detect=False)
    assert r.redact("李小明 13900001234").text == "李某 13900001234"


def test_empty_and_plain_texts():
    r = Redactor(protected=[("phone", "")], names=["", None], public=[""])
    assert r.redact("").text == ""
    assert r.redact("普通文字").findings == ()


def test_redaction_is_idempotent():
    r = Redactor(names=["李小明"], protected=[("other", "家庭经济困难")])
    once = r.redact("李小明，家住阜康市某路1号，电话13900001234，家庭经济困难。").text
    assert Redactor(names=["李小明"]).redact(once).text == once


def test_markdown_body_structure_survives():
    body = "## 案件事实\n\n- 当事人：李小明\n- 电话：13900001234\n\n| 姓名 | 电话 |\n|---|---|\n| 李小明 | 13900001234 |\n"
    out = Redactor(names=["李小明"]).redact(body).text
    assert out == body.replace("李小明", "李某").replace("13900001234", PHONE)


def test_line_breaks_inside_a_match_are_kept():
    r = Redactor(protected=[("phone", "13709904269")], detect=False)
    assert r.redact("| 1370990\n4269 |").text == "| ［电话号码已隐去］\n |"


SHARED_TEXTS = [
    S004_PENALTY,
    S004_INSPECTION,
    "投诉电话：0994-3235169，办公地址：阜康市博峰街74号，执法人员马宏斌（31050224019）。",
    "现场负责人张伟未佩戴安全帽；负责人马宏斌在场。联系人都炳锋13709904269。",
    "王强五金店负责人王强，住址阜康市天池街12号3单元。",
    "马宏斌",  # the same text twice: the shared object keeps no state between texts
    "马宏斌",
]


@pytest.mark.parametrize("split", [0, 2, 5])
def test_shared_public_values_act_exactly_like_public(split):
    from redaction import PublicValues

    public = ["0994-3235169", "马宏斌", "31050224019", "朱恒", "31050224018", "王强五金店",
              "阜康市博峰街74号", "乌鲁木齐市庆余年建设工程有限公司", "91652302MA77Q1XJ3B"]
    declared = dict(protected=[("phone", "13709904269")], names=["王强"])
    shared = PublicValues(public[split:])

    def run(rd):
        for t in SHARED_TEXTS[:3]:
            rd.prime(t)
        return [rd.redact(t) for t in SHARED_TEXTS], rd.aliases, rd.counts

    plain = run(Redactor(public=public, **declared))
    # the same shared object serves several records in turn
    for _ in range(2):
        assert run(Redactor(public=public[:split], shared=shared, **declared)) == plain
    results = plain[0]
    assert "0994-3235169" in results[2].text and "马宏斌" in results[2].text
    assert "张伟" not in results[3].text and "马宏斌" in results[3].text  # a public name is not "discovered"
    assert "13709904269" not in results[3].text
