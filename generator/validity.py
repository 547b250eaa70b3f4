"""Validity intervals: the as-of dates over which a record's Lifecycle stays the same.

A nightly rebuild evaluates every record's lifecycle again although, for almost all of them,
one day later changes nothing. `evaluate_with_validity` evaluates a record once with a
*traced* as-of date (`TracedDate`) and returns, with the Lifecycle, the interval [lo, hi] of
as-of dates on which `lifecycle.evaluate` gives that very Lifecycle: a later build whose date
falls inside it (same record, policy and calendar) could take the Lifecycle as it is.

How: every comparison of the traced date with another date (``as_of < takedown``,
``e["date"] <= as_of``, ``max(as_of, start)``...) narrows the interval to the dates on which
the comparison comes out the same. Anything else the rules do with the date — arithmetic,
``.year``, hashing (a set or dict lookup), formatting, pickling, or the date itself ending up
in the Lifecycle — pins the interval to the one day: the result may depend on it in ways a
bound cannot say. When in doubt, the interval is the day itself, which is always right.

The build keeps each record's Lifecycle with its interval (generator.parallel.RecordStage.lifecycle)
and takes it as it is while the as-of date stays inside; tests/test_validity.py checks the
intervals against evaluating every day of them, and builds with kept lifecycles against builds
without.
"""

from __future__ import annotations

import pickle
from datetime import date
from typing import Any, Callable

from .lifecycle import evaluate
from .model import Lifecycle, Record
from .policy import Policy
from .workdays import WorkCalendar

__all__ = ["TracedDate", "evaluate_kept", "evaluate_with_validity"]


class _Trace:
    """The interval so far: [lo, hi], or pinned to the day."""

    __slots__ = ("lo", "hi", "pinned")

    def __init__(self) -> None:
        self.lo, self.hi, self.pinned = date.min, date.max, False


def _plain(d: date) -> date:
    """The plain date d stands for (date's own method: a TracedDate is not pinned by it)."""
    return d if type(d) is date else date.fromordinal(date.toordinal(d))


def _day(d: date, n: int) -> date:
    try:
        return date.fromordinal(date.toordinal(d) + n)
    except (OverflowError, ValueError):
        return date.max if n > 0 else date.min


class TracedDate(date):
    """An as-of date that notes how it is used (see the module docstring). It behaves as the
    date it stands for in every way: only the interval is affected."""

    _trace: _Trace

    def __new__(cls, d: date, trace: _Trace) -> "TracedDate":
        plain = _plain(d)
        self = super().__new__(cls, plain.year, plain.month, plain.day)
        object.__setattr__(self, "_trace", trace)
        return self

    def _value(self) -> date:
        return _plain(self)

    def _pin(self) -> date:
        self._trace.pinned = True
        return self._value()

    # -- comparisons: bounds ----------------------------------------------------------------
    def _compare(self, other: Any, op: str) -> Any:
        mine = self._value()
        if isinstance(other, TracedDate):  # the date against itself: the same every day
            theirs = other._value()
        elif type(other) is date:
            theirs = other
        else:  # a datetime, or something else: whatever it does, it is not a bound
            self._pin()
            return getattr(mine, f"__{op}__")(other)
        result = getattr(mine, f"__{op}__")(theirs)
        if isinstance(other, TracedDate) or result is NotImplemented:
            return result
        t = self._trace
        # The dates d with (d op theirs) == result: an interval (== and != split in two:
        # keep the side this date is on).
        below, above = _day(theirs, -1), _day(theirs, 1)
        if op == "lt" or op == "ge":
            is_below = result if op == "lt" else not result  # d < theirs
            lo, hi = (date.min, below) if is_below else (theirs, date.max)
        elif op == "le" or op == "gt":
            is_atmost = result if op == "le" else not result  # d <= theirs
            lo, hi = (date.min, theirs) if is_atmost else (above, date.max)
        else:  # eq, ne
            if mine == theirs:
                lo, hi = theirs, theirs
            elif mine < theirs:
                lo, hi = date.min, below
            else:
                lo, hi = above, date.max
        t.lo, t.hi = max(t.lo, lo), min(t.hi, hi)
        return result

    def __lt__(self, other: Any) -> Any:
        return self._compare(other, "lt")

    def __le__(self, other: Any) -> Any:
        return self._compare(other, "le")

    def __gt__(self, other: Any) -> Any:
        return self._compare(other, "gt")

    def __ge__(self, other: Any) -> Any:
        return self._compare(other, "ge")

    def __eq__(self, other: Any) -> Any:
        return self._compare(other, "eq")

    def __ne__(self, other: Any) -> Any:
        return self._compare(other, "ne")

    # -- anything else: pinned to the day, then the plain date's answer ------------------------
    def __hash__(self) -> int:
        return hash(self._pin())

    def __add__(self, other: Any) -> Any:
        return self._pin() + other

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return self._pin() - (other._pin() if isinstance(other, TracedDate) else other)

    def __rsub__(self, other: Any) -> Any:
        return other - self._pin()

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("_") and name not in ("__reduce__", "__reduce_ex__", "__format__", "__str__",
                                                  "__repr__", "__getstate__", "__copy__", "__deepcopy__"):
            return object.__getattribute__(self, name)
        # year, month, day, toordinal, weekday, isoformat, strftime, replace, pickling, ...
        value = object.__getattribute__(self, "_pin")()
        return getattr(value, name)

    def __str__(self) -> str:
        return str(self._pin())

    def __repr__(self) -> str:
        return repr(self._pin())

    def __format__(self, spec: str) -> str:
        return format(self._pin(), spec)

    def __bool__(self) -> bool:
        return True


def evaluate_with_validity(record: Record, as_of: date, policy: Policy,
                           cal: WorkCalendar) -> tuple[Lifecycle, date, date]:
    """(Lifecycle on as_of, lo, hi): evaluate() gives that Lifecycle on every date of [lo, hi]."""
    life, lo, hi, _ = evaluate_kept(record, as_of, policy, cal, pickle.dumps)
    return life, lo, hi


def evaluate_kept(record: Record, as_of: date, policy: Policy, cal: WorkCalendar,
                  dump: Callable[[Lifecycle], bytes]) -> tuple[Lifecycle, date, date, bytes]:
    """evaluate_with_validity() and dump(Lifecycle): a pickle of it (generator.cache.key_bytes, say),
    taken while the date is traced, which is how a date that ended up in the Lifecycle is seen:
    pickling it pins the interval (cheaper than walking the Lifecycle for one)."""
    as_of = _plain(as_of)
    trace = _Trace()
    try:
        life = evaluate(record, TracedDate(as_of, trace), policy, cal)
        data = dump(life)
    except Exception:  # noqa: BLE001 - the rules did something the traced date could not: plainly
        trace.pinned = True
    if trace.pinned or not trace.lo <= as_of <= trace.hi:
        life = evaluate(record, as_of, policy, cal)
        return life, as_of, as_of, dump(life)
    return life, trace.lo, trace.hi, data
