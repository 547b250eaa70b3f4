"""Mobile and landline recognizers."""

import pytest

from redaction import Redactor

HIDDEN = "［电话号码已隐去］"


def red(text, **kw):
    return Redactor(**kw).redact(text)


def test_seed_contact_cell_phone_hidden_name_not_declared():
    res = red("都炳锋13709904269")
    assert res.text == f"都炳锋{HIDDEN}"
    assert [(f.kind, f.rule) for f in res.findings] == [("phone", "mobile")]


def test_seed_contact_cell_with_declared_name():
    assert red("都炳锋13709904269", names=["都炳锋"]).text == f"都某{HIDDEN}"


@pytest.mark.parametrize(
    "number",
    [
        "+86 139-0000-1234",
        "0086 13900001234",
        "8613900001234",
        "(+86)13900001234",
        "（＋86）139 0000 1234",
        "１３９００００１２３４",
        "139 0000 1234",
        "139-0000-1234",
        "1390 000 1234",
        "１３９－００００－１２３４",
        "+86-139-0000-1234",
    ],
)
def test_mobile_forms(number):
    assert red(f"电话：{number}。").text == f"电话：{HIDDEN}。"


@pytest.mark.parametrize(
    "text",
    [
        "编号213900001234",  # inside a longer digit run
        "编号139000012345",
        "12900001234",  # 12x is not a mobile prefix
        "罚款13900000000元",  # an amount, not a phone
        "执法证号31050224019",
    ],
)
def test_mobile_negatives(text):
    assert red(text).findings == ()


@pytest.mark.parametrize(
    "number",
    [
        "0994-3220270",
        "0994－3220270",
        "0994 3220270",
        "(0994)3220270",
        "（0994）3220270",
        "010-65521234",
        "021-6552 1234",
        "09943220270",
        "0994-3220270转123",
        "0994-3220270-8",
        "+86 994 3220270",
    ],
)
def test_landline_forms(number):
    assert red(f"举报电话{number}。").text == f"举报电话{HIDDEN}。"


def test_landline_hidden_unless_public():
    text = "电话举报：0994-3235169( 法定工作日)、0994-3220270（24小时）"
    res = red(text, public=["0994-3235169"])
    assert res.text == f"电话举报：0994-3235169( 法定工作日)、{HIDDEN}（24小时）"
    both = red(text, public=["0994-3235169", "0994-3220270"])
    assert both.text == text


def test_public_phone_in_other_spelling_stays_visible():
    assert red("电话（0994）3235169", public=["0994-3235169"]).text == "电话（0994）3235169"


@pytest.mark.parametrize(
    "text",
    [
        "邮编：831500",
        "2024-01-20至2024-01-26",
        "12345热线",
        "0994-32",  # too short
        "编号009943220270",  # inside a longer run
        "2994-3220270",  # no area code starting with 0
    ],
)
def test_landline_negatives(text):
    assert red(text).findings == ()
