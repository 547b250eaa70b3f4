"""Validity intervals of lifecycles (generator.validity), checked by brute force: for records of
every type and shape (the benchmark's synthetic county bureau and the shipped sample site),
evaluate() gives the very same Lifecycle on every day of the interval it reports."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.lifecycle import evaluate
from generator.model import Record, State
from generator.pipeline import prepare
from generator.policy import Policy
from generator.validity import TracedDate, evaluate_with_validity
from generator.workdays import WorkCalendar
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import synth  # noqa: E402

D = date.fromisoformat


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    content = tmp_path_factory.mktemp("validity") / "content"
    synth.write_content(content, 800, 7)
    got = prepare(content, synth.AS_OF, Policy(), views=False).entries
    got += prepare(REPO / "content", synth.AS_OF, Policy(), views=False).entries
    recs = [e.record for e in got if e.record is not None and e.life.state != State.QUARANTINED]
    assert len({r.type for r in recs}) >= 13
    return recs


def _days(lo: date, hi: date, around: date, rnd: random.Random) -> list[date]:
    """Every day within 120 of `around`, the ends, and 40 random days of the rest of [lo, hi]."""
    lo_c, hi_c = max(lo, D("1990-01-01")), min(hi, D("2060-12-31"))
    near = [around + timedelta(days=k) for k in range(-120, 121)]
    days = {d for d in near if lo_c <= d <= hi_c} | {lo_c, hi_c}
    span = (hi_c - lo_c).days
    days |= {lo_c + timedelta(days=rnd.randrange(span + 1)) for _ in range(40)}
    return sorted(days)


@pytest.mark.parametrize("as_of", ["2026-11-22", "2025-02-28", "2027-01-04"])
def test_a_lifecycle_is_the_same_on_every_day_of_its_interval(records: list[Record], as_of: str):
    policy, cal, rnd = Policy(), WorkCalendar(), random.Random(as_of)
    day = D(as_of)
    spans = []
    for r in records:
        life, lo, hi = evaluate_with_validity(r, day, policy, cal)
        assert lo <= day <= hi
        assert life == evaluate(r, day, policy, cal), r.path
        for d in _days(lo, hi, day, rnd):
            assert evaluate(r, d, policy, cal) == life, (r.path, as_of, d.isoformat(), lo, hi)
        spans.append((hi - lo).days)
    # Most records keep their lifecycle for a week or more (a pending application or a notice
    # counting working days down is pinned to its day: the next test).
    assert sum(1 for s in spans if s >= 7) > 0.7 * len(spans)


def test_any_use_other_than_a_comparison_pins_the_interval_to_the_day():
    policy, cal = Policy(), WorkCalendar()
    pending = Record(type="application", rid="sq", path="a.yaml", source="a.yaml", body="", digest="d",
                     fields={"received": D("2026-11-16"), "item": "许可", "events": [{"date": D("2026-11-16"),
                                                                                      "state": "受理"}]})
    life, lo, hi = evaluate_with_validity(pending, D("2026-11-20"), policy, cal)
    assert lo == hi == D("2026-11-20")  # working days left: arithmetic with the date
    decided = Record(type="penalty", rid="p", path="p.yaml", source="p.yaml", body="", digest="d",
                     fields={"decided": D("2026-03-02"), "title": "案", "status": "active"})
    life, lo, hi = evaluate_with_validity(decided, D("2026-11-20"), policy, cal)
    assert life.state == State.PUBLIC and life.public_until == D("2027-03-01")
    assert (lo, hi) == (D("2026-03-02"), D("2027-03-01"))  # from the decision to the day before its anniversary
    from generator.validity import _Trace

    for use in (lambda t: t.year, lambda t: t + timedelta(days=1), lambda t: hash(t), lambda t: t.isoformat(),
                lambda t: f"{t}", lambda t: t - D("2026-01-01"), lambda t: D("2027-01-01") - t,
                lambda t: {t}, lambda t: t.replace(day=1), lambda t: t.toordinal()):
        trace = _Trace()
        t = TracedDate(D("2026-11-20"), trace)
        use(t)
        assert trace.pinned
    trace = _Trace()
    t = TracedDate(D("2026-11-20"), trace)
    assert t < D("2026-12-01") and not t >= D("2026-12-01") and D("2026-11-01") <= t and t != D("2026-11-21")
    assert (trace.lo, trace.hi, trace.pinned) == (D("2026-11-01"), D("2026-11-20"), False)
    assert max(t, D("2026-11-25")) == D("2026-11-25") and (trace.lo, trace.hi) == (D("2026-11-01"), D("2026-11-20"))
