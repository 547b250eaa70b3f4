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


def test_a_date_that_ends_up_in_the_lifecycle_pins_it_to_the_day(monkeypatch: pytest.MonkeyPatch):
    """Found by pickling the result (every object in it), not by a bound."""
    import pickle

    from generator import validity
    from generator.model import Lifecycle

    def holding_the_date(record, as_of, policy, cal):
        return Lifecycle(State.PUBLIC, extra={"events": [{"on": as_of}], "n": 1})

    monkeypatch.setattr(validity, "evaluate", holding_the_date)
    record = Record(type="penalty", rid="p", path="p.yaml", source="p.yaml", fields={}, body="", digest="d")
    life, lo, hi, data = validity.evaluate_kept(record, D("2026-11-20"), Policy(), WorkCalendar(), pickle.dumps)
    assert lo == hi == D("2026-11-20")
    assert type(life.extra["events"][0]["on"]) is date and pickle.loads(data) == life


def test_a_build_that_keeps_lifecycles_gives_what_evaluating_them_gives(tmp_path: Path):
    """The build keeps each record's Lifecycle with its interval in the cache and takes it while
    the date stays inside (generator.parallel.RecordStage.lifecycle): on any sequence of dates,
    forwards, backwards, across years the holiday calendar does not know, and with other rules,
    every record's Lifecycle, problems and the calendar's warnings are what a build without the
    cache gives."""
    from generator.cache import BuildCache

    content = tmp_path / "content"
    synth.write_content(content, 600, 11)
    cache_root = tmp_path / "cache"
    start = synth.AS_OF
    days = [start, start + timedelta(days=1), start + timedelta(days=2), start + timedelta(days=9),
            start + timedelta(days=45), start - timedelta(days=30), start + timedelta(days=1),
            D("2027-03-01"), D("2027-03-02"), D("2031-06-30"), start + timedelta(days=3)]
    policies = [Policy(), Policy(notice_working_days=15, decision_window_years=2,
                                 extra_holidays=(D("2027-03-03"),))]
    warned = []
    for policy in policies:
        for n, day in enumerate(days):
            cache = BuildCache(cache_root)
            warm = prepare(content, day, policy, cache=cache, views=n % 3 == 0)
            kept = cache.hits["lives"]
            cache.flush()
            cache.close()
            cold = prepare(content, day, policy, views=False)
            assert [(e.path, e.life, e.problems) for e in warm.entries] == \
                   [(e.path, e.life, e.problems) for e in cold.entries], day
            assert warm.calendar_warnings() == cold.calendar_warnings(), day
            if n in (1, 2, 8):  # the next day: most records keep their lifecycle
                assert kept > 0.8 * len(warm.entries), (day, kept)
            if day == D("2027-03-02"):  # kept lifecycles still tell the calendar what they asked
                warned.append(warm.calendar_warnings())
    assert len(warned) == 2 and all(w and all("2027" in x for x in w) for w in warned), warned


def test_a_kept_lifecycle_still_warns_of_the_holiday_years_its_evaluation_asked_about(tmp_path: Path):
    """A penalty decided in a year the holiday calendar does not know: its publication deadline
    counts working days in that year. The next day its Lifecycle is kept, not evaluated, and the
    build must warn all the same (SPEC: the calendar warning)."""
    from generator.cache import BuildCache
    from tests.conftest import PENALTY_ORG

    path = tmp_path / "content" / "post" / "penalties" / "a.md"
    path.parent.mkdir(parents=True)
    path.write_text(PENALTY_ORG.replace("decided: 2026-10-10", "decided: 2030-03-04"), encoding="utf-8")
    got = []
    for day in (D("2030-05-06"), D("2030-05-07")):
        cache = BuildCache(tmp_path / "cache")
        prepared = prepare(tmp_path / "content", day, Policy(), cache=cache)
        got.append((cache.hits["lives"], prepared.calendar_warnings()))
        cache.flush()
        cache.close()
    cold = prepare(tmp_path / "content", D("2030-05-07"), Policy()).calendar_warnings()
    assert cold and all("2030" in w for w in cold)
    assert got == [(0, cold), (1, cold)]


def test_a_damaged_kept_lifecycle_is_evaluated_again_never_a_failed_record(tmp_path: Path):
    import pickle
    import sqlite3

    from generator.cache import BuildCache

    content = tmp_path / "content"
    synth.write_content(content, 150, 5)
    cache = BuildCache(tmp_path / "cache")
    prepare(content, synth.AS_OF, Policy(), cache=cache, views=False)
    cache.flush()
    cache.close()
    db = sqlite3.connect(tmp_path / "cache" / "cache.sqlite3")
    rows = db.execute("SELECT key, value FROM kv_lives").fetchall()
    assert len(rows) >= 3
    bad = [b"not a pickle", pickle.dumps(["short"]),
           pickle.dumps([(1, "x", None, b"", ())] + [None] * (len(pickle.loads(rows[2][1])) - 1))]
    for (key, value), damage in zip(rows, bad):
        db.execute("UPDATE kv_lives SET value=? WHERE key=?", (damage, key))
    for key, value in rows[3:]:  # intervals still hold, but the Lifecycles in them are damaged
        kept = [k and (k[0], k[1], "damaged", k[3], k[4]) for k in pickle.loads(value)]
        db.execute("UPDATE kv_lives SET value=? WHERE key=?", (pickle.dumps(kept), key))
    db.commit()
    db.close()
    day = synth.AS_OF + timedelta(days=1)
    cache = BuildCache(tmp_path / "cache")
    warm = prepare(content, day, Policy(), cache=cache, views=False)
    cold = prepare(content, day, Policy(), views=False)
    assert cache.hits["lives"] == 0
    assert [(e.path, e.life, e.problems) for e in warm.entries] == [(e.path, e.life, e.problems) for e in cold.entries]
