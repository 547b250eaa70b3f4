"""WorkCalendar: real Chinese holiday dates, the fallback for unknown years, no crashes."""

from __future__ import annotations

import sys
from pathlib import Path

# make the project importable when pytest runs without an installed package
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import time
from datetime import date, timedelta

import pytest

from generator.workdays import WorkCalendar, unknown_year_warning

D = date.fromisoformat


def weekday_only_add(start: date, n: int) -> date:
    """Naive Monday–Friday count (what a calendar without 调休 would give)."""
    d = start
    while n:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


# -- 2025 National Day week: 10-01…10-08 off, Sun 09-28 and Sat 10-11 worked --------


@pytest.mark.parametrize("day", [f"2025-10-0{i}" for i in range(1, 9)])
def test_national_day_2025_is_off(day):
    assert WorkCalendar().is_workday(D(day)) is False


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2025-09-27", False),  # ordinary Saturday
        ("2025-09-28", True),  # Sunday, 调休 working day
        ("2025-09-29", True),
        ("2025-09-30", True),
        ("2025-10-09", True),
        ("2025-10-10", True),
        ("2025-10-11", True),  # Saturday, 调休 working day
        ("2025-10-12", False),
        ("2025-10-13", True),
    ],
)
def test_adjusted_days_around_national_day(day, expected):
    assert WorkCalendar().is_workday(D(day)) is expected


def test_ten_working_days_from_2025_09_26_cross_national_day():
    cal = WorkCalendar()
    end = cal.add_workdays(D("2025-09-26"), 10)
    # 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13, 10-14, 10-15, 10-16
    assert end == D("2025-10-16")
    naive = weekday_only_add(D("2025-09-26"), 10)
    assert naive == D("2025-10-10")
    assert naive != end
    assert cal.unknown_years == ()
    assert cal.warnings() == []


def test_start_day_is_not_counted():
    cal = WorkCalendar()
    assert cal.add_workdays(D("2025-09-26"), 0) == D("2025-09-26")
    # the first working day after Friday 09-26 is the 调休 Sunday 09-28
    assert cal.add_workdays(D("2025-09-26"), 1) == D("2025-09-28")
    # starting on a holiday: the next working day
    assert cal.add_workdays(D("2025-10-01"), 1) == D("2025-10-09")


def test_negative_counts_go_backwards():
    cal = WorkCalendar()
    assert cal.add_workdays(D("2025-10-09"), -1) == D("2025-09-30")
    assert cal.add_workdays(D("2025-10-16"), -10) == D("2025-09-26")


def test_workdays_between_is_half_open():
    cal = WorkCalendar()
    assert cal.workdays_between(D("2025-09-26"), D("2025-10-16")) == 10
    assert cal.workdays_between(D("2025-09-30"), D("2025-10-08")) == 0
    assert cal.workdays_between(D("2025-09-30"), D("2025-10-09")) == 1
    assert cal.workdays_between(D("2025-10-16"), D("2025-09-26")) == 0
    assert cal.workdays_between(D("2025-10-16"), D("2025-10-16")) == 0


def test_add_and_between_agree_across_years():
    cal = WorkCalendar()
    start = D("2024-12-20")
    for n in (1, 5, 20, 60, 250, 400):
        end = cal.add_workdays(start, n)
        assert cal.workdays_between(start, end) == n
        assert cal.is_workday(end)


def test_add_workdays_matches_day_by_day_walk():
    cal = WorkCalendar()
    start = D("2025-01-01")
    d, n = start, 0
    while n < 300:
        d += timedelta(days=1)
        if cal.is_workday(d):
            n += 1
            if n % 37 == 0 or n in (1, 2, 299, 300):
                assert cal.add_workdays(start, n) == d


def test_fast_for_hundreds_of_days():
    cal = WorkCalendar()
    cal.add_workdays(D("2025-01-01"), 500)  # warm the cache
    t0 = time.perf_counter()
    for i in range(2000):
        cal.add_workdays(D("2025-01-01") + timedelta(days=i % 300), 300)
    assert time.perf_counter() - t0 < 1.0


# -- years the package does not know ----------------------------------------------


def test_2027_falls_back_to_monday_to_friday_with_one_warning():
    cal = WorkCalendar()
    assert cal.is_workday(D("2027-01-01")) is True  # a Friday: unknown holiday
    assert cal.is_workday(D("2027-01-02")) is False  # Saturday
    cal.is_workday(D("2027-05-03"))
    cal.add_workdays(D("2026-12-24"), 10)
    assert cal.unknown_years == (2027,)
    assert cal.warnings() == [
        "警告：2027年的法定节假日和调休安排不在节假日日历中，按周一至周五计算工作日"
        "（可在 pelicanconf.py 的 GONGSHI_EXTRA_HOLIDAYS 中补充）"
    ]
    assert cal.warnings() == [unknown_year_warning(2027)]


def test_notice_span_2026_to_2027_and_extra_holiday_moves_the_end():
    # Thu 2026-12-24 + 10 working days: 12-25, 28, 29, 30, 31, 01-01(Fri, unknown), 01-04…01-07
    plain = WorkCalendar()
    assert plain.add_workdays(D("2026-12-24"), 10) == D("2027-01-07")
    with_new_year = WorkCalendar(extra_holidays=[D("2027-01-01")])
    assert with_new_year.add_workdays(D("2026-12-24"), 10) == D("2027-01-08")
    assert with_new_year.unknown_years == (2027,)


def test_extra_workdays_for_unknown_year_and_iso_strings():
    cal = WorkCalendar(extra_holidays=["2027-02-08"], extra_workdays=["2027-02-06"])
    assert cal.is_workday(D("2027-02-06")) is True  # 调休 Saturday
    assert cal.is_workday(D("2027-02-08")) is False  # Monday holiday
    assert cal.workdays_between(D("2027-02-05"), D("2027-02-09")) == 2  # 02-06, 02-09


def test_extras_override_known_years():
    cal = WorkCalendar(extra_holidays=[D("2025-10-13")], extra_workdays=[D("2025-10-12")])
    assert cal.is_workday(D("2025-10-13")) is False
    assert cal.is_workday(D("2025-10-12")) is True
    assert cal.unknown_years == ()


def test_date_in_both_extras_counts_as_holiday():
    cal = WorkCalendar(extra_holidays=[D("2027-03-01")], extra_workdays=[D("2027-03-01")])
    assert cal.is_workday(D("2027-03-01")) is False


def test_bad_extra_setting_is_a_clear_error():
    with pytest.raises(ValueError, match="GONGSHI_EXTRA_HOLIDAYS"):
        WorkCalendar(extra_holidays=["2027-13-01"])


def test_from_policy():
    from generator.policy import Policy

    cal = WorkCalendar.from_policy(Policy(extra_holidays=(D("2027-01-01"),)))
    assert cal.is_workday(D("2027-01-01")) is False


def test_years_before_the_package_are_unknown_too():
    cal = WorkCalendar()
    assert cal.is_workday(D("2003-12-31")) is True
    assert cal.unknown_years == (2003,)


@pytest.mark.parametrize(
    "probe",
    [date.min, date(1, 1, 7), date(2099, 12, 31), date(9999, 12, 20), date.max],
)
def test_never_crashes(probe):
    cal = WorkCalendar()
    cal.is_workday(probe)
    assert cal.add_workdays(probe, 3) >= probe
    assert cal.add_workdays(probe, -3) <= probe
    assert cal.workdays_between(probe - timedelta(days=3) if probe > date(1, 1, 5) else probe, probe) >= 0
    assert len(cal.warnings()) == len(cal.unknown_years)


def test_saturates_at_the_end_of_time():
    cal = WorkCalendar()
    assert cal.add_workdays(date.max, 1) == date.max
    assert cal.add_workdays(date.min, -1) == date.min
