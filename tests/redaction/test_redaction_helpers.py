from datetime import date

from redaction import age_on, birth_date_from_id, is_valid_id_number, normalize_width


def test_normalize_width_maps_fullwidth_ascii_one_to_one():
    s = "电话：１３９－００００（ＡＢｃ）＋\u3000x"
    out = normalize_width(s)
    assert out == "电话:139-0000(ABc)+ x"
    assert len(out) == len(s)


def test_normalize_width_leaves_chinese_punctuation_alone():
    assert normalize_width("李某，。、《》〔〕") == "李某,。、《》〔〕"


def test_valid_id_numbers(ids):
    i = ids.make_id()
    assert is_valid_id_number(i)
    assert is_valid_id_number(i.replace("X", "x"))
    assert is_valid_id_number(ids.spaced(i))
    assert is_valid_id_number(ids.to_fullwidth(i))
    assert is_valid_id_number("650102900307123")  # 15-digit legacy


def test_invalid_id_numbers(ids):
    i = ids.make_id()
    assert not is_valid_id_number(ids.wrong_check(i))
    assert not is_valid_id_number(ids.make_id(birth="19900230"))  # no 30 February
    assert not is_valid_id_number(ids.make_id(birth="18991231"))
    assert not is_valid_id_number("650102901307123")  # month 13
    assert not is_valid_id_number("31050224019")
    assert not is_valid_id_number("")
    assert not is_valid_id_number("abc")


def test_birth_date_from_id(ids):
    assert birth_date_from_id(ids.make_id(birth="20070615")) == date(2007, 6, 15)
    # a wrong check digit must not hide a minor's birth date
    assert birth_date_from_id(ids.wrong_check(ids.make_id(birth="20070615"))) == date(2007, 6, 15)
    assert birth_date_from_id("650102 900307 123") == date(1990, 3, 7)
    assert birth_date_from_id(ids.to_fullwidth(ids.make_id(birth="20000229"))) == date(2000, 2, 29)
    assert birth_date_from_id(ids.make_id(birth="20010229")) is None
    assert birth_date_from_id("12345") is None


def test_age_on_completed_years():
    b = date(2005, 12, 8)
    assert age_on(b, date(2023, 12, 7)) == 17
    # the birthday itself still counts as 17 (period counted from the next day)
    assert age_on(b, date(2023, 12, 8)) == 17
    assert age_on(b, date(2023, 12, 9)) == 18
    assert age_on(b, date(2030, 1, 1)) == 24
    assert age_on(b, b) == 0
    assert age_on(b, date(2000, 1, 1)) == 0


def test_age_on_leap_day_birthday():
    b = date(2004, 2, 29)
    assert age_on(b, date(2022, 2, 28)) == 17
    assert age_on(b, date(2022, 3, 1)) == 18
    assert age_on(b, date(2024, 2, 29)) == 19
    assert age_on(b, date(2024, 3, 1)) == 20
