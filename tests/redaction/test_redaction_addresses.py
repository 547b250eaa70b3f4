"""Address-after-keyword recognizer."""

import pytest

from redaction import Redactor

ADDR = "［住址已隐去］"


def red(text, **kw):
    return Redactor(**kw).redact(text)


def test_home_address_hidden_up_to_comma():
    res = red("李某，家住阜康市某某路12号3单元，于当日到场。")
    assert res.text == f"李某，家住{ADDR}，于当日到场。"
    assert res.findings[0].rule == "address_after_keyword"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("住址：阜康市博峰街1号。", f"住址：{ADDR}。"),
        ("家庭住址为阜康市城关镇12号；", f"家庭住址为{ADDR}；"),
        ("现住址: 阜康市天池路5号\n下一行", f"现住址: {ADDR}\n下一行"),
        ("户籍地新疆阜康市上户沟乡", f"户籍地{ADDR}"),
        ("（现住阜康市北京路8号）", f"（现住{ADDR}）"),
        ("住址阜康市某路（老城区）12号，", f"住址{ADDR}，"),
        ("住址：阜康市某路12号 电话：略", f"住址：{ADDR} 电话：略"),
        ("| 住址 | 阜康市某路12号 |", f"| 住址 | {ADDR} |"),
        ("**住址**：阜康市某路12号。", f"**住址**：{ADDR}。"),
    ],
)
def test_address_forms(text, expected):
    assert red(text).text == expected


def test_address_capped_at_60_characters():
    long = "阜" * 100
    res = red(f"住址{long}")
    assert res.findings[0].end - res.findings[0].start == 60


@pytest.mark.parametrize(
    "text",
    [
        "自然人的家庭住址、身份证号码、通讯方式",
        "以留置送达方式将执法文书留置在当事人的收发部门或者住所；",
        "住所等信息",
        "住址：［住址已隐去］",  # already redacted: idempotent
    ],
)
def test_address_negatives(text):
    assert red(text).text == text


def test_organisation_premises_declared_public_stay_visible():
    text = "住所：阜康市准噶尔路3188号，"
    assert red(text, public=["阜康市准噶尔路3188号"]).text == text


@pytest.mark.parametrize("text", ["家住阜康市某某路12号3单元，", "家住阜康市城关镇，", "住址：马宏斌家隔壁，"])
def test_public_value_inside_an_address_does_not_unmask_it(text):
    # the region or an officer's name inside a home address must not unmask it
    res = red(text, public=["阜康市", "马宏斌"])
    assert res.text.endswith(f"{ADDR}，")
