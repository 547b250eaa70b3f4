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
