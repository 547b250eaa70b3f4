"""ID-number recognizer (GB 11643 check digit, birth date, 15-digit legacy)."""

import pytest

from redaction import Redactor

HIDDEN = "［身份证号码已隐去］"


def red(text, **kw):
    return Redactor(**kw).redact(text)


def test_valid_18_digit_id_is_hidden(ids):
    i = ids.make_id()
    res = red(f"当事人身份证号码{i}，男。")
    assert res.text == f"当事人身份证号码{HIDDEN}，男。"
    assert [(f.kind, f.rule) for f in res.findings] == [("id_number", "id18")]


def test_x_check_character():
    # 11010519491231002X is the textbook example of an X check character
    res = red("身份证11010519491231002X，身份证11010519491231002x")
    assert res.text == f"身份证{HIDDEN}，身份证{HIDDEN}"


@pytest.mark.parametrize(
    "fmt",
    [
        lambda s, h: h.spaced(s, (6, 8, 4), " "),
        lambda s, h: h.spaced(s, (6, 8, 4), "-"),
        lambda s, h: h.spaced(s, (6, 4, 4, 4), " "),
        lambda s, h: h.to_fullwidth(s),
        lambda s, h: h.to_fullwidth(h.spaced(s, (6, 8, 4), "\u3000")),
        lambda s, h: h.spaced(s, (6, 8, 4), "－"),
    ],
)
def test_spaced_hyphenated_and_fullwidth_forms(ids, fmt):
    shown = fmt(ids.make_id(), ids)
    res = red(f"身份证：{shown}。")
    assert res.text == f"身份证：{HIDDEN}。"


def test_wrong_check_digit_with_valid_date_still_hidden(ids):
    bad = ids.wrong_check(ids.make_id())
    res = red(f"身份证号{bad}")
    assert res.text == f"身份证号{HIDDEN}"
    assert res.findings[0].rule == "id18_unchecked"


def test_wrong_check_digit_and_invalid_date_not_an_id(ids):
    bad = ids.wrong_check(ids.make_id(birth="19901332"))
    assert red(f"编号{bad}").findings == ()


def test_legacy_15_digit_id():
    res = red("老身份证650102900307123。")
    assert res.text == f"老身份证{HIDDEN}。"
    assert res.findings[0].rule == "id15"


def test_15_digits_with_impossible_date_not_hidden():
    assert red("流水号650102901399123").findings == ()


def test_not_inside_longer_digit_run(ids):
    i = ids.make_id()
    assert red(f"编号9{i}").findings == ()
    assert red(f"编号{i}7").findings == ()


def test_unrelated_18_digit_number_not_hidden(ids):
    # valid date, but check digit wrong and no real province code (99)
    number = ids.wrong_check(ids.make_id(area="991234", birth="19900101"))
    assert red(f"订单号{number}").findings == ()


def test_officer_certificate_and_dates_untouched():
    text = "马宏斌 31050224019 朱恒：31050224018，2023年12月8日，2024-01-20"
    assert red(text).text == text


def test_generic_grouping_needs_a_correct_check_digit(ids):
    i = ids.make_id()
    odd = " ".join(i[k : k + 3] for k in range(0, 18, 3))  # 3-3-3-3-3-3
    assert red(f"证号{odd}").text == f"证号{HIDDEN}"
    assert red(f"证号{' '.join(ids.wrong_check(i)[k:k+3] for k in range(0, 18, 3))}").findings == ()
