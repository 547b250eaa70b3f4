"""find_review_names: undeclared possible personal names for staff review."""

from redaction import find_review_names


def test_finds_undeclared_name_after_role_word():
    assert find_review_names("现场负责人张伟未佩戴安全帽") == ["张伟"]


def test_known_names_aliases_and_public_values_are_not_listed():
    text = "现场负责人张伟未佩戴安全帽，李小明在王强五金店，检查人员马宏斌，当事人李某。"
    got = find_review_names(text, known=["张伟", "李小明", "王强五金店", "马宏斌"])
    assert got == []


def test_order_of_appearance_and_deduplication():
    text = "都炳锋13709904269，张凯15276683557，都炳锋再次到场，欧阳娜娜在场"
    assert find_review_names(text) == ["都炳锋", "张凯", "欧阳娜娜"]


def test_masked_forms_are_not_listed():
    assert find_review_names("外包单位员工李某、徐某、谭某佩戴的安全帽不符合规范") == []


def test_empty_text():
    assert find_review_names("") == []


def test_common_words_jieba_tags_as_names_are_not_listed():
    text = "申请人应当提交许可证申请书，陈述申辩材料齐全，依据《安全生产许可法》。"
    assert find_review_names(text) == []


def test_s004_inspection_table_lists_the_contacts_not_the_officers():
    text = (
        "克拉玛依市富城天然气有限责任公司T1006站\t都炳锋13709904269\t依职权\t"
        "马宏斌 31050224019 朱恒：31050224018 张学新： 31050224004\n"
        "新疆康义化学股份有限公司\t张凯15276683557\t依职权\t张宇轩：31050224027\n"
        "阜康市柏杨河砂石料厂\t孔令超15292581825\t依职权\t蔡万卿 ：31050224005"
    )
    officers = ["马宏斌", "朱恒", "张学新", "张宇轩", "蔡万卿"]
    got = find_review_names(text, known=officers)
    assert {"都炳锋", "张凯", "孔令超"} <= set(got)
    assert not set(officers) & set(got)
