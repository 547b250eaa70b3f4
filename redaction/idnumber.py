"""Resident identity card numbers (GB 11643-1999) and ages."""

from __future__ import annotations

import calendar
import re
from datetime import date

from ._text import fold

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

# First two digits of a real address code (provinces, plus 81/82/83 used by the
# residence permits of Hong Kong, Macao and Taiwan residents).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

_STRIP = re.compile(r"[\s\-]+")
_SHAPE18 = re.compile(r"[0-9]{17}[0-9X]")
_SHAPE15 = re.compile(r"[0-9]{15}")


def check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def checksum_ok(id18: str) -> bool:
    """True when an 18-character id (17 digits + digit/X, upper case) has a valid check char."""
    return check_char(id18[:17]) == id18[17]


def parse_birth(yyyymmdd: str) -> date | None:
    """A real calendar date between 1900-01-01 and 2099-12-31, else None."""
    if len(yyyymmdd) != 8 or not yyyymmdd.isascii() or not yyyymmdd.isdigit():
        return None
    y, m, d = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])
    if not 1900 <= y <= 2099 or not 1 <= m <= 12:
        return None
    if not 1 <= d <= calendar.monthrange(y, m)[1]:
        return None
    return date(y, m, d)


def _clean(s: str) -> str:
    return _STRIP.sub("", fold(str(s))).upper()


def is_valid_id_number(s: str) -> bool:
    """18 digits with a correct GB 11643 check character and a valid birth date,
    or a legacy 15-digit number with a valid birth date (19YYMMDD).

    Spaces, hyphens, full-width digits and a lower-case x are tolerated.
    """
    c = _clean(s)
    if _SHAPE18.fullmatch(c):
        return checksum_ok(c) and parse_birth(c[6:14]) is not None
    if _SHAPE15.fullmatch(c):
        return parse_birth("19" + c[6:12]) is not None
    return False


def birth_date_from_id(s: str) -> date | None:
    """Birth date encoded in an 18- or 15-digit id number, or None.

    The check character is deliberately not required: this is used to decide
    whether a party is a minor, and a typo in the last digit must not make a
    minor's record public.
    """
    c = _clean(s)
    if _SHAPE18.fullmatch(c):
        return parse_birth(c[6:14])
    if _SHAPE15.fullmatch(c):
        return parse_birth("19" + c[6:12])
    return None


def age_on(birth: date, on: date) -> int:
    """Completed years (周岁) of a person born on `birth`, on the date `on`.

    Chinese law counts a period from the day after its start (民法典 第二百零一条;
    最高人民法院 on 周岁: "从周岁生日的第二天起算"), so a person becomes N years
    old on the day *after* the N-th birthday, and someone born on 29 February
    reaches a birthday at the end of 28 February in common years (第二百零二条).
    On the 18th birthday itself a person is therefore still 17, which is also the
    safe side for the minor-withholding rule. Never negative.
    """
    years = on.year - birth.year
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(on.year):
        anniversary = date(on.year, 2, 28)
    else:
        anniversary = date(on.year, birth.month, birth.day)
    if on <= anniversary:
        years -= 1
    return max(years, 0)
