"""Lifecycle: what the rules say about one record on the as-of date.

``evaluate(record, as_of, policy, cal)`` is a pure function: the as-of date is
the only clock (no wall-clock reads here), the policy carries every window and
deadline (defaults from the seeds, see generator.policy) and the WorkCalendar
carries the Chinese working days. Same inputs, same Lifecycle.

Order of the rules (first match wins):

1. ``status: draft``                         -> DRAFT (never public)
2. withheld (SPEC 5.3, S004 事后公示(六))    -> WITHHELD with a Chinese reason
3. ``ended_on`` reached before the takedown  -> ENDED (e.g. 信用修复)
4. takedown date reached                     -> EXPIRED
5. before ``public_from``                    -> EMBARGOED
6. ``status: revoked`` and ``revoked_on`` reached -> WITHDRAWN (撤回说明 only)
7. otherwise                                 -> PUBLIC

Date conventions (judgment calls where the spec is silent):

- ``takedown`` is the first day a record is no longer public;
  ``Lifecycle.public_until`` is the last day it is (takedown - 1 day).
- ``expires_on`` is a takedown date: the record is NOT public on
  ``expires_on`` (public_until = expires_on - 1 day). It replaces the computed
  takedown of every type, in either direction.
- ``ended_on`` likewise: gone on ``ended_on`` itself.
- ``published_on`` is the day the record first went public, so it is also not
  public before that day (as-of builds of earlier dates do not show it).
- Working-day periods do not count their first day (民法典 第二百零一条),
  see generator.workdays.
- What "not before the decision / start date" means per type: decision types
  -> the decision date; notices -> ``start``; applications -> ``received``;
  officers -> ``issued``. Hearings are announced before they happen and laws
  may be listed before they take effect (phase 尚未施行), so their date does
  not embargo them; only ``publish_on`` does.
- Ages (minor withholding) come from redaction.age_on: 周岁 are counted from
  the day after the birthday, so on the 18th birthday a person is still 17.
- A window of N years from ``start`` ends on the same month/day N years later
  minus one day; from 29 February the anniversary is 28 February
  (民法典 第二百零二条: 没有对应日的，月末日为期间的最后一日).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from redaction import age_on, birth_date_from_id

from .model import Lifecycle, Record, State
from .policy import Policy
from .schema import TYPES, WITHHOLD_LABELS
from .workdays import WorkCalendar

__all__ = ["evaluate", "withhold_reason", "application_progress", "add_years"]


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------
def _plus_days(d: date, n: int) -> date:
    try:
        return d + timedelta(days=n)
    except OverflowError:
        return date.max if n > 0 else date.min


def add_years(d: date, years: int) -> date:
    """Same month/day ``years`` later; 29 Feb -> 28 Feb in a non-leap year."""
    year = min(max(d.year + years, date.min.year), date.max.year)
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=year, day=28)


def _latest(*dates: date | None) -> date | None:
    present = [d for d in dates if isinstance(d, date)]
    return max(present) if present else None


def _earliest(*dates: date | None) -> date | None:
    present = [d for d in dates if isinstance(d, date)]
    return min(present) if present else None


def _date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _decision_date(record: Record) -> date | None:
    rt = TYPES.get(record.type)
    if rt is None or not rt.date_key:
        return None
    return _date(record.get(rt.date_key))


# ---------------------------------------------------------------------------
# withholding (SPEC 5.3, S004 事后公示(六))
# ---------------------------------------------------------------------------
def _people(record: Record) -> Iterable[tuple[Mapping[str, Any], bool]]:
    """(person-or-party dict, is_party) for every natural person or party in the record."""
    parties = record.get("parties") or []
    if isinstance(parties, Mapping):
        parties = [parties]
    for p in parties:
        if isinstance(p, Mapping):
            yield p, True
    for key in ("applicant", "target"):
        p = record.get(key)
        if isinstance(p, Mapping):
            yield p, True
    for p in record.get("persons") or []:
        if isinstance(p, Mapping):
            yield p, False


def withhold_reason(record: Record, policy: Policy) -> str | None:
    """Why the record must not be published at all, in Chinese; None when it may be.

    - a ``withhold`` code (label from schema.WITHHOLD_LABELS);
    - any party / applicant / target / person with ``minor: true``;
    - a natural person (party of kind person, or an entry of ``persons``) younger
      than ``policy.adult_age`` on the record's decision date (its schema
      ``date_key``), by ``birth_date`` or by the birth date inside the ID number.
      Exactly 18 on that date is an adult.
    """
    code = record.get("withhold")
    if code:
        return WITHHOLD_LABELS.get(str(code), WITHHOLD_LABELS["other"])
    people = list(_people(record))
    for person, is_party in people:
        if person.get("minor") is True:
            return WITHHOLD_LABELS["minor"] if is_party else "记录涉及的自然人是未成年人"
    on = _decision_date(record) or _date(record.get("published_on")) or _date(
        record.get("publish_on")
    )
    if on is None:
        return None
    for person, is_party in people:
        if is_party and person.get("kind") == "organization":
            continue
        births: list[date] = []
        if isinstance(person.get("birth_date"), date):
            births.append(person["birth_date"])
        id_number = person.get("id_number")
        if id_number:
            try:
                born = birth_date_from_id(str(id_number))
            except Exception:
                born = None
            if isinstance(born, date):
                births.append(born)
        for born in births:
            # a birth date after the decision date is a data error: withhold (safe side)
            if born > on or age_on(born, on) < policy.adult_age:
                who = WITHHOLD_LABELS["minor"] if is_party else "记录涉及的自然人是未成年人"
                return f"{who}（{on.isoformat()} 未满{policy.adult_age}周岁）"
    return None


# ---------------------------------------------------------------------------
# applications: the statutory clock (S000 第二十八条、第十条; 行政许可法 第三十二条)
# ---------------------------------------------------------------------------
def _merge(intervals: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _nth_counted_day(
    base: date, n: int, stops: list[tuple[date, date]], cal: WorkCalendar
) -> date:
    """The n-th working day after base that lies in no stop interval (s, e]."""
    current, remaining = base, n
    for s, e in stops:
        if e <= current:
            continue
        s = max(s, current)
        available = cal.workdays_between(current, s)
        if remaining <= available:
            return cal.add_workdays(current, remaining)
        remaining -= available
        current = e
    return cal.add_workdays(current, remaining)


def application_progress(
    record: Record, as_of: date, policy: Policy, cal: WorkCalendar
) -> dict[str, Any]:
    """Where an application stands on ``as_of`` against its statutory time limit.

    Rules (seed S000; defaults in Policy):
    - 20 working days (policy.application_working_days) counted from ``received``
      (受理日期, not itself counted: 民法典 第二百零一条) — S000 第二十八条.
    - Working days in (特别程序开始, matching 特别程序结束] do not count
      (专家评审/现场核查/听证/整改/公示 stop the clock — S000 附件 第十条、第十九条).
      While a special procedure is still open, the clock is stopped as of
      ``as_of`` and the deadline shown assumes it ends that day.
    - 补正 (request for missing material): per 行政许可法 第三十二条 the period
      runs from receipt of the complete material. A 补正 stops the clock; the
      next 受理 (or 审查) event after it restarts the *full* period from that
      event's date. While no such event exists, the clock is stopped.
    - 决定 stops the clock for good; ``on_time`` tells whether it came by the
      deadline.
    Only events dated on or before ``as_of`` are taken into account.
    """
    total = int(policy.application_working_days)
    received = _date(record.get("received"))
    raw_events = record.get("events") or []
    events = sorted(
        (
            e
            for e in raw_events
            if isinstance(e, Mapping) and isinstance(e.get("date"), date) and e["date"] <= as_of
        ),
        key=lambda e: e["date"],
    )
    last_state = str(events[-1].get("state") or "受理") if events else "受理"
    decided_on = next((e["date"] for e in events if e.get("state") == "决定"), None)
    state = "已决定" if decided_on else last_state

    result: dict[str, Any] = {
        "state": state,
        "last_event": last_state if events else None,
        "received": received,
        "clock_start": received,
        "restarted": False,
        "deadline": None,
        "working_days_total": total,
        "working_days_used": 0,
        "working_days_remaining": total,
        "clock_stopped": False,
        "stop_reason": "",
        "special_procedures": [],
        "decided_on": decided_on,
        "on_time": None,
        "overdue": False,
    }
    if received is None:
        return result

    base = received
    stops: list[tuple[date, date]] = []
    open_special: date | None = None
    waiting_since: date | None = None  # open 补正
    specials: list[dict[str, date | None]] = []
    for e in events:
        kind, d = e.get("state"), e["date"]
        if decided_on is not None and d > decided_on:
            break
        if kind == "决定":
            break
        if kind == "补正":
            if waiting_since is None:
                waiting_since = d
        elif kind in ("受理", "审查") and waiting_since is not None:
            # complete material received: the full period restarts from here
            if d > base:
                base = d
                result["restarted"] = True
            waiting_since = None
        elif kind == "特别程序开始":
            if open_special is None:
                open_special = d
        elif kind == "特别程序结束":
            if open_special is not None:
                stops.append((open_special, d))
                specials.append({"start": open_special, "end": d})
                open_special = None

    clock_end = decided_on or as_of
    stop_reasons: list[str] = []
    if open_special is not None:
        stops.append((open_special, clock_end))
        specials.append({"start": open_special, "end": None})
        if decided_on is None:
            stop_reasons.append(
                f"特别程序（专家评审、现场核查、听证、整改、公示等）自 {open_special.isoformat()} 起进行中，暂停计时"
            )
    if waiting_since is not None:
        stops.append((waiting_since, clock_end))
        if decided_on is None:
            stop_reasons.append(f"自 {waiting_since.isoformat()} 起等待补正材料，暂停计时")

    # only the stops after the (possibly restarted) clock start matter
    clipped = [(max(s, base), e) for s, e in stops if e > base]
    merged = _merge(clipped)

    stopped_days = sum(
        cal.workdays_between(s, min(e, clock_end)) for s, e in merged if s < clock_end
    )
    used = max(0, cal.workdays_between(base, clock_end) - stopped_days)
    deadline = _nth_counted_day(base, total, merged, cal)

    result.update(
        clock_start=base,
        deadline=deadline,
        working_days_used=used,
        working_days_remaining=total - used,
        clock_stopped=bool(stop_reasons),
        stop_reason="；".join(stop_reasons),
        special_procedures=specials,
    )
    if decided_on is not None:
        result["on_time"] = decided_on <= deadline
    else:
        result["overdue"] = as_of > deadline
    return result


# ---------------------------------------------------------------------------
# per-type plans
# ---------------------------------------------------------------------------
class _Plan:
    """Type-specific facts the generic resolver turns into a Lifecycle."""

    __slots__ = (
        "public_from",
        "takedown",
        "expire_reason",
        "deadline",
        "phase",
        "phase_end",
        "public_note",
        "extra",
    )

    def __init__(self) -> None:
        self.public_from: date | None = None
        self.takedown: date | None = None  # first day no longer public
        self.expire_reason: str = "公示期满"  # why it goes at takedown
        self.deadline: date | None = None
        self.phase: str = ""
        self.phase_end: date | None = None
        self.public_note: str = ""  # appended to the PUBLIC reason
        self.extra: dict[str, Any] = {}


def _plan_decision(record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> _Plan:
    # S004 公示管理三: 1 year from publication, 3 years for 严重失信 penalties;
    # S003 第十三条 (another jurisdiction): a setting (decision_window_years /
    # window_years_by_type). Deadline: 安全生产法 第七十八条, S000 第三十二条,
    # S003 第十三条 — policy.publication_deadline(type) working days.
    p = _Plan()
    decided = _decision_date(record)
    publish_on = _date(record.get("publish_on"))
    published_on = _date(record.get("published_on"))
    serious = bool(record.get("serious"))
    years = policy.window_years(record.type, serious)
    start = published_on or _latest(decided, publish_on)
    p.public_from = _latest(decided, publish_on, published_on)
    if start is not None:
        p.takedown = add_years(start, years)
    kind = "严重失信行政处罚公示" if serious and record.type == "penalty" else "决定信息公示"
    p.public_note = f"{kind}{years}年"
    if decided is not None:
        p.deadline = cal.add_workdays(decided, policy.publication_deadline(record.type))
    p.extra.update(window_years=years, window_start=start, serious=serious)
    if p.deadline is not None and p.public_from is not None:
        p.extra["late"] = p.public_from > p.deadline
    return p


def _plan_notice(record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> _Plan:
    # S000 第三十八条: 公示 10 working days (Chinese calendar with 调休), then
    # 公示期满; listed policy.notice_listed_days_after_end calendar days more.
    p = _Plan()
    start = _date(record.get("start"))
    days = record.get("working_days") or policy.notice_working_days
    days = int(days)
    p.public_from = _latest(start, _date(record.get("publish_on")))
    p.extra["working_days"] = days
    if start is None:
        return p
    end = cal.add_workdays(start, days)
    p.phase_end = end
    listed_until = _plus_days(end, policy.notice_listed_days_after_end)
    p.takedown = _plus_days(listed_until, 1)
    p.expire_reason = "公示期满后列出期已过"
    if as_of <= end:
        p.phase = "公示中"
        p.public_note = f"公示期至 {end.isoformat()}"
        p.extra["working_days_left"] = cal.workdays_between(max(as_of, start), end)
    else:
        p.phase = "公示期满"
        p.public_note = f"{end.isoformat()} 公示期满"
    return p


def _plan_hearing(record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> _Plan:
    # Hearings are announced before they take place: hearing_date is no embargo.
    p = _Plan()
    p.public_from = _date(record.get("publish_on"))
    held = _date(record.get("hearing_date"))
    if held is None:
        return p
    p.phase_end = held
    if as_of < held:
        p.phase = "即将举行"
    elif as_of == held:
        p.phase = "今日举行"
    else:
        p.phase = "已举行"
    p.takedown = _plus_days(held, policy.hearing_listed_days_after + 1)
    p.expire_reason = "听证已举行，列出期已过"
    p.public_note = f"听证日期 {held.isoformat()}"
    return p


def _plan_application(record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> _Plan:
    # Public from `received`; phase = last event's state; S000 第二十八条 clock.
    p = _Plan()
    received = _date(record.get("received"))
    p.public_from = _latest(received, _date(record.get("publish_on")))
    progress = application_progress(record, as_of, policy, cal)
    p.extra["progress"] = progress
    p.extra["clock_stopped"] = progress["clock_stopped"]
    p.extra["working_days_remaining"] = progress["working_days_remaining"]
    p.extra["overdue"] = progress["overdue"]
    p.phase = progress["state"]
    p.deadline = progress["deadline"]
    p.phase_end = progress["deadline"]
    decided = progress["decided_on"]
    if decided is not None:
        p.takedown = _plus_days(decided, policy.application_listed_days_after + 1)
        p.expire_reason = "已决定，列出期已过"
        p.public_note = f"{decided.isoformat()} 已决定"
    elif progress["deadline"] is not None:
        note = f"办理期限至 {progress['deadline'].isoformat()}"
        if progress["clock_stopped"]:
            note += "，暂停计时"
        p.public_note = note
    return p


def _plan_law(record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> _Plan:
    # S004 公示管理二: a repealed law is marked 已废止 and leaves the list after
    # policy.law_repeal_grace_working_days (60) working days.
    p = _Plan()
    p.public_from = _date(record.get("publish_on"))
    effective = _date(record.get("effective"))
    repealed = _date(record.get("repealed_on"))
    if repealed is not None:
        grace_end = cal.add_workdays(repealed, policy.law_repeal_grace_working_days)
        p.takedown = _plus_days(grace_end, 1)
        p.expire_reason = f"已于 {repealed.isoformat()} 废止，保留期已过"
        if as_of >= repealed:
            p.phase = "已废止"
            p.phase_end = grace_end
            p.public_note = f"已于 {repealed.isoformat()} 废止"
        else:
            p.public_note = f"将于 {repealed.isoformat()} 废止"
    elif effective is not None and as_of < effective:
        p.phase = "尚未施行"
        p.public_note = f"{effective.isoformat()} 起施行"
    return p


def _plan_officer(record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> _Plan:
    # S000 附件4 第十四条: an officer who left, or whose certificate expired,
    # leaves the personnel list. left_on is the first day gone; valid_until
    # is the last valid day.
    p = _Plan()
    p.public_from = _latest(_date(record.get("issued")), _date(record.get("publish_on")))
    left = _date(record.get("left_on"))
    valid_until = _date(record.get("valid_until"))
    cert_end = _plus_days(valid_until, 1) if valid_until else None
    if left is not None and (cert_end is None or left <= cert_end):
        p.takedown = left
        p.expire_reason = f"已于 {left.isoformat()} 离岗，移出执法人员名单"
    elif cert_end is not None:
        p.takedown = cert_end
        p.expire_reason = f"执法证有效期至 {valid_until.isoformat()}，已移出执法人员名单"
    if valid_until is not None:
        p.public_note = f"执法证有效期至 {valid_until.isoformat()}"
    return p


def _plan_plain(record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> _Plan:
    # power / random_item / guide / plan: public, subject to the common keys.
    p = _Plan()
    p.public_from = _latest(_decision_date(record), _date(record.get("publish_on")))
    return p


_PLANS = {
    "notice": _plan_notice,
    "hearing": _plan_hearing,
    "application": _plan_application,
    "law": _plan_law,
    "officer": _plan_officer,
}


def _plan_for(record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> _Plan:
    rt = TYPES.get(record.type)
    if rt is not None and rt.decision:
        return _plan_decision(record, as_of, policy, cal)
    return _PLANS.get(record.type, _plan_plain)(record, as_of, policy, cal)


# ---------------------------------------------------------------------------
# evaluate
# ---------------------------------------------------------------------------
def evaluate(record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> Lifecycle:
    """The record's state on ``as_of`` and why (see the module docstring)."""
    extra: dict[str, Any] = {}
    if record.get("corrections"):
        extra["corrected"] = True  # the view layer adds the label 已更正

    status = record.get("status") or "active"
    if status == "draft":
        return Lifecycle(State.DRAFT, reason="草稿（status: draft），不公开", extra=extra)

    why = withhold_reason(record, policy)
    if why:
        extra["withhold_reason"] = why
        return Lifecycle(State.WITHHELD, reason=f"不予公开：{why}", extra=extra)

    plan = _plan_for(record, as_of, policy, cal)
    extra.update(plan.extra)

    # expires_on: explicit takedown date — not public ON expires_on.
    expires_on = _date(record.get("expires_on"))
    takedown, expire_reason = plan.takedown, plan.expire_reason
    public_note = plan.public_note
    if expires_on is not None:
        takedown, expire_reason = expires_on, "指定的撤下日期已到"
        public_note = "按指定的撤下日期"
    extra["takedown_on"] = takedown

    ended_on = _date(record.get("ended_on"))
    gone_on = _earliest(takedown, ended_on)
    public_until = _plus_days(gone_on, -1) if gone_on else None
    public_from = plan.public_from
    common = dict(
        public_from=public_from,
        public_until=public_until,
        deadline=plan.deadline,
        phase_end=plan.phase_end,
    )

    # 失信行为纠正后的信用信息修复管理办法: ended early, gone from ended_on.
    if ended_on is not None and (takedown is None or ended_on <= takedown) and as_of >= ended_on:
        end_reason = str(record.get("end_reason") or "").strip()
        reason = f"已于 {ended_on.isoformat()} 提前撤下"
        if end_reason:
            reason += f"：{end_reason}"
        extra["ended_on"] = ended_on
        extra["end_reason"] = end_reason
        return Lifecycle(State.ENDED, reason=reason, phase=plan.phase, extra=extra, **common)

    if takedown is not None and as_of >= takedown:
        if record.type == "officer" and expires_on is None:
            reason = expire_reason  # already says when and why
        else:
            reason = f"已于 {takedown.isoformat()} 撤下（{expire_reason}）"
        return Lifecycle(State.EXPIRED, reason=reason, phase=plan.phase, extra=extra, **common)

    if public_from is not None and as_of < public_from:
        return Lifecycle(
            State.EMBARGOED,
            reason=f"{public_from.isoformat()} 起公开",
            extra=extra,
            **common,
        )

    # S004 事后公示(七); 行政处罚法 第四十八条、第八十五条: a revoked decision is
    # replaced by a withdrawal notice until its original takedown date; the
    # notice is due within policy.withdrawal_deadline_working_days (3).
    if status == "revoked":
        revoked_on = _date(record.get("revoked_on")) or public_from or as_of
        extra["revoked_on"] = revoked_on
        extra["revocation_reason"] = str(record.get("revocation_reason") or "").strip()
        extra["withdrawal_due"] = cal.add_workdays(
            revoked_on, policy.withdrawal_deadline_working_days
        )
        if as_of >= revoked_on:
            if public_until is not None:
                reason = (
                    f"已于 {revoked_on.isoformat()} 撤回，撤回说明保留至 {public_until.isoformat()}"
                )
            else:
                reason = f"已于 {revoked_on.isoformat()} 撤回，撤回说明长期保留"
            return Lifecycle(
                State.WITHDRAWN, reason=reason, phase="已撤回", extra=extra, **common
            )

    if public_until is not None:
        reason = f"公开至 {public_until.isoformat()}"
        if public_note:
            reason += f"（{public_note}）"
    else:
        reason = "公开" + (f"（{public_note}）" if public_note else "")
    return Lifecycle(State.PUBLIC, reason=reason, phase=plan.phase, extra=extra, **common)
