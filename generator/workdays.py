"""Chinese working-day calendar behind one small interface.

Backed by the ``chinesecalendar`` package (``import chinese_calendar``), which
knows the official holidays and 调休 working days of the years it ships
(2004–2026 in 1.11.0) and raises NotImplementedError for any other year.

For years the package does not know, Monday–Friday are working days, minus
``extra_holidays`` and plus ``extra_workdays`` (调休 Saturdays/Sundays); both
come from pelicanconf.py (GONGSHI_EXTRA_HOLIDAYS / GONGSHI_EXTRA_WORKDAYS) and
also override known years. Every unknown year that was asked about is
remembered, so the build can print one warning per year. No date ever makes
this module raise (the daily rebuild on 2027-01-01 must not crash).

Counting follows 民法典 第二百零一条: the day on which a period starts is not
counted, so ``add_workdays(start, n)`` is the n-th working day *after* start and
``workdays_between(a, b)`` counts the working days in (a, b].
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Iterator

try:  # the package is a declared dependency; the fallback only keeps us alive
    import chinese_calendar as _cc
except Exception:  # pragma: no cover - exercised only without the package
    _cc = None

__all__ = ["WorkCalendar", "unknown_year_warning"]

_MIN_YEAR = date.min.year
_MAX_YEAR = date.max.year


def unknown_year_warning(year: int) -> str:
    """The Chinese warning printed once per year the holiday calendar does not know."""
    return (
        f"警告：{year}年的法定节假日和调休安排不在节假日日历中，按周一至周五计算工作日"
        "（可在 pelicanconf.py 的 GONGSHI_EXTRA_HOLIDAYS 中补充）"
    )


def _as_date(value: Any, setting: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{setting}：{value!r} 不是 YYYY-MM-DD 格式的日期")


class WorkCalendar:
    """Working days in mainland China (official calendar with 调休)."""

    def __init__(
        self,
        extra_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
    ) -> None:
        # A date listed in both settings is treated as a holiday.
        self._extra_holidays = frozenset(
            _as_date(d, "GONGSHI_EXTRA_HOLIDAYS") for d in (extra_holidays or ())
        )
        self._extra_workdays = frozenset(
            _as_date(d, "GONGSHI_EXTRA_WORKDAYS") for d in (extra_workdays or ())
        )
        self._days: dict[date, bool] = {}  # per-date cache
        self._years: dict[int, list[int]] = {}  # year -> sorted ordinals of its working days
        self._known: dict[int, bool] = {}  # year -> does the package know it
        self._unknown: set[int] = set()  # unknown years that were asked about
        self._asked: set[int] | None = None  # years asked about while noting (note_years)

    @classmethod
    def from_policy(cls, policy: Any) -> "WorkCalendar":
        """Build from a generator.policy.Policy (its extra_holidays / extra_workdays)."""
        return cls(
            getattr(policy, "extra_holidays", ()) or (),
            getattr(policy, "extra_workdays", ()) or (),
        )

    # -- the package -------------------------------------------------------
    def _year_known(self, year: int) -> bool:
        known = self._known.get(year)
        if known is None:
            known = False
            if _cc is not None:
                try:
                    _cc.is_workday(date(year, 1, 1))
                    known = True
                except NotImplementedError:
                    known = False
                except Exception:  # any other failure: fall back, never crash
                    known = False
            self._known[year] = known
        return known

    # -- which unknown years one computation asks about -----------------------
    @contextmanager
    def noting_unknown_years(self) -> Iterator[list[int]]:
        """Collects (into the list given, once the block ends) the unknown years asked about within
        the block, however much was answered from this calendar's caches: a caller that keeps a
        result instead of computing it again can still tell the calendar with note_unknown_years()."""
        found: list[int] = []
        outer, self._asked = self._asked, set()
        try:
            yield found
        finally:
            asked, self._asked = self._asked, outer
            found.extend(sorted(y for y in asked if not self._year_known(y)))
            if outer is not None:
                outer |= asked

    def note_unknown_years(self, years: Iterable[int]) -> None:
        """As if the unknown years (from noting_unknown_years) had been asked about again."""
        for year in years:
            if not self._year_known(year):
                self._unknown.add(year)
                if self._asked is not None:
                    self._asked.add(year)

    # -- public interface --------------------------------------------------
    def is_workday(self, d: date) -> bool:
        if isinstance(d, datetime):
            d = d.date()
        if self._asked is not None:
            self._asked.add(d.year)
        cached = self._days.get(d)
        if cached is not None:
            return cached
        year_known = self._year_known(d.year)
        if not year_known:
            self._unknown.add(d.year)
        if d in self._extra_holidays:
            result = False
        elif d in self._extra_workdays:
            result = True
        elif year_known:
            try:
                result = bool(_cc.is_workday(d))
            except Exception:  # pragma: no cover - defensive
                result = d.weekday() < 5
        else:
            result = d.weekday() < 5
        self._days[d] = result
        return result

    def _year_days(self, year: int) -> list[int]:
        if self._asked is not None:
            self._asked.add(year)
        days = self._years.get(year)
        if days is None:
            start = date(year, 1, 1).toordinal()
            end = date(year, 12, 31).toordinal()
            days = [o for o in range(start, end + 1) if self.is_workday(date.fromordinal(o))]
            self._years[year] = days
        return days

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (start not counted); n=0 gives start.

        A negative n gives the |n|-th working day before start. Saturates at
        date.min / date.max instead of raising.
        """
        if isinstance(start, datetime):
            start = start.date()
        n = int(n)
        if n == 0:
            return start
        o = start.toordinal()
        year = start.year
        if n > 0:
            while year <= _MAX_YEAR:
                days = self._year_days(year)
                i = bisect_right(days, o)
                available = len(days) - i
                if n <= available:
                    return date.fromordinal(days[i + n - 1])
                n -= available
                year += 1
            return date.max
        n = -n
        while year >= _MIN_YEAR:
            days = self._year_days(year)
            i = bisect_left(days, o)  # days[:i] are before start
            if n <= i:
                return date.fromordinal(days[i - n])
            n -= i
            year -= 1
        return date.min

    def workdays_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; 0 when b <= a."""
        if isinstance(a, datetime):
            a = a.date()
        if isinstance(b, datetime):
            b = b.date()
        if b <= a:
            return 0
        ao, bo = a.toordinal(), b.toordinal()
        total = 0
        for year in range(a.year, b.year + 1):
            days = self._year_days(year)
            total += bisect_right(days, bo) - bisect_right(days, ao)
        return total

    def next_day(self, d: date, days: int = 1) -> date:
        """d + days calendar days, saturating at date.min/date.max (never raises)."""
        try:
            return d + timedelta(days=days)
        except OverflowError:
            return date.max if days > 0 else date.min

    @property
    def unknown_years(self) -> tuple[int, ...]:
        """Years the package did not know that were asked about, sorted."""
        return tuple(sorted(self._unknown))

    def warnings(self) -> list[str]:
        """One Chinese warning per unknown year that was asked about."""
        return [unknown_year_warning(y) for y in self.unknown_years]
