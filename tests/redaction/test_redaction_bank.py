"""Bank card (Luhn) and bank-context recognizers."""

import pytest

from redaction import Redactor

HIDDEN = "［银行账号已隐去］"


def red(text, **kw):
    return Redactor(**kw).redact(text)


@pytest.mark.parametrize("length", [16, 17, 18, 19])
def test_luhn_card_contiguous(ids, length):
    card = ids.make_luhn("62220202", length)
    res = red(f"卡{card}。")
    assert res.text == f"卡{HIDDEN}。"
    assert res.findings[0].rule in ("luhn", "id18")  # an 18-digit Luhn number may look like an ID


def test_luhn_card_in_groups_of_four(ids):
    card = ids.make_luhn("622202020000123", 19)
    grouped = " ".join(card[i : i + 4] for i in range(0, 19, 4))  # 6222 0202 0000 1234 565-style
    res = red(f"退款至{grouped}。")
    assert res.text == f"退款至{HIDDEN}。"
    assert res.findings[0].rule == "luhn"
    card16 = ids.make_luhn("6222020200001234", 16)
    assert red("-".join(card16[i : i + 4] for i in range(0, 16, 4))).text == HIDDEN


def test_non_luhn_16_digits_without_context_not_hidden(ids):
    card = ids.make_luhn("62220202", 16)
    bad = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert red(f"编号{bad}").findings == ()


def test_account_after_keyword_is_hidden_whatever_the_checksum():
    res = red("开户行账号：1234567890123，")
    assert res.text == f"开户行账号：{HIDDEN}，"
    assert res.findings[0].rule == "bank_context"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("银行卡号 6222 0202 0000", f"银行卡号 {HIDDEN}"),
        ("账户：3001-2345-6789", f"账户：{HIDDEN}"),
        ("开户银行：中国农业银行阜康支行，账号30012345678", f"开户银行：中国农业银行阜康支行，账号{HIDDEN}"),
        ("帐号１２３４５６７８９", f"帐号{HIDDEN}"),
    ],
)
def test_bank_context_forms(text, expected):
    assert red(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "银行贷款12345678元",  # an amount
        "银行1234567",  # fewer than 8 digits
        "账号" + "一" * 14 + "12345678",  # too far from the keyword
        "中国工商银行阜康支行于2023年开户",
    ],
)
def test_bank_context_negatives(text):
    assert red(text).findings == ()
