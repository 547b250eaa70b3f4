"""Lifecycle rules (SPEC §5.3, §6) with real Chinese calendar dates."""

from __future__ import annotations

import sys
from pathlib import Path

# make the project importable when pytest runs without an installed package
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import inspect
from datetime import date, timedelta

import pytest

from generator import lifecycle
from generator.lifecycle import add_years, application_progress, evaluate, withhold_reason
from generator.model import Record, State
from generator.policy import Policy
from generator.schema import WITHHOLD_CODES, WITHHOLD_LABELS
from generator.workdays import WorkCalendar

D = date.fromisoformat
POLICY = Policy()


def rec(rtype: str, **fields) -> Record:
    return Record(type=rtype, rid="x", path="p", source="p", fields=fields, body="", digest="d")


def ev(record: Record, as_of: str, policy: Policy = POLICY, cal: WorkCalendar | None = None):
    return evaluate(record, D(as_of), policy, cal or WorkCalendar())


def make_id(birth: str, area: str = "110105", seq: str = "123") -> str:
    """An 18-digit resident ID number with a valid GB 11643 check digit."""
    body = area + birth.replace("-", "") + seq
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


def test_make_id_check_digit():
    # the GB 11643-1999 worked example: 11010519491231002X
    assert make_id("1949-12-31", area="110105", seq="002") == "11010519491231002X"


def person(name="张三", **kw):
    return {"name": name, "kind": "person", **kw}


ORG = {"name": "某某化工有限公司", "kind": "organization", "credit_code": "91650000MA77XXXX1X"}


def penalty(**kw) -> Record:
    fields = dict(
        number="塔地应急罚〔2025〕1号",
        title="未按规定开展安全培训案",
        decided=D("2025-03-10"),
        parties=[ORG],
        facts="…",
        basis="…",
        decision="罚款",
        status="active",
    )
    fields.update(kw)
    return rec("penalty", **fields)


# -- decision windows (S004 公示管理三) ---------------------------------------------


@pytest.mark.parametrize(
    "as_of, state",
    [
        ("2025-03-09", State.EMBARGOED),  # before the decision date
        ("2025-03-10", State.PUBLIC),
        ("2025-03-11", State.PUBLIC),
        ("2026-03-09", State.PUBLIC),  # last day of the 1-year window
        ("2026-03-10", State.EXPIRED),  # takedown day
        ("2026-03-11", State.EXPIRED),
    ],
)
def test_penalty_one_year_window_boundaries(as_of, state):
    lc = ev(penalty(), as_of)
    assert lc.state is state
    assert lc.public_from == D("2025-03-10")
    assert lc.public_until == D("2026-03-09")


def test_penalty_reasons_and_deadline():
    lc = ev(penalty(), "2025-06-01")
    assert lc.reason == "公开至 2026-03-09（决定信息公示1年）"
    # 7 working days after Mon 2025-03-10
    assert lc.deadline == D("2025-03-19")
    assert lc.on_site
    assert ev(penalty(), "2025-03-09").reason == "2025-03-10 起公开"
    assert ev(penalty(), "2026-03-10").reason == "已于 2026-03-10 撤下（公示期满）"
    assert not ev(penalty(), "2026-03-10").on_site


@pytest.mark.parametrize(
    "as_of, state",
    [
        ("2026-03-10", State.PUBLIC),
        ("2028-03-09", State.PUBLIC),
        ("2028-03-10", State.EXPIRED),
        ("2028-03-11", State.EXPIRED),
    ],
)
def test_serious_penalty_three_years(as_of, state):
    lc = ev(penalty(serious=True), as_of)
    assert lc.state is state
    assert lc.public_until == D("2028-03-09")


def test_serious_reason():
    assert "严重失信" in ev(penalty(serious=True), "2026-06-01").reason


def license_rec(**kw) -> Record:
    fields = dict(
        applicant=ORG,
        item="危险化学品经营许可",
        accepted=D("2025-03-01"),
        review="符合条件",
        result="准予许可",
        certificate="新塔危化经〔2025〕001号",
        decided=D("2025-03-10"),
        handler="王五",
    )
    fields.update(kw)
    return rec("license", **fields)


def inspection_rec(**kw) -> Record:
    fields = dict(
        date=D("2025-03-10"),
        location="塔城市",
        target=ORG,
        reason="依职权",
        content="安全生产检查",
        documents="现场检查记录",
        result="未发现问题",
        inspectors=[{"name": "王五", "cert_number": "65000000001"}],
    )
    fields.update(kw)
    return rec("inspection", **fields)


@pytest.mark.parametrize("make", [penalty, license_rec, inspection_rec])
def test_alternative_jurisdiction_three_years_for_everything(make):
    # S003 第十三条: a jurisdiction keeping all decision info for 3 years is a setting.
    policy = Policy.from_settings({"GONGSHI_DECISION_WINDOW_YEARS": 3})
    assert policy == Policy(decision_window_years=3)
    assert ev(make(), "2026-03-10", policy).state is State.PUBLIC
    assert ev(make(), "2028-03-09", policy).state is State.PUBLIC
    assert ev(make(), "2028-03-10", policy).state is State.EXPIRED
    assert ev(make(), "2026-03-10").state is State.EXPIRED  # default: 1 year


def test_per_type_window_setting():
    policy = Policy(window_years_by_type={"license": 2})
    assert ev(license_rec(), "2027-03-09", policy).state is State.PUBLIC
    assert ev(license_rec(), "2027-03-10", policy).state is State.EXPIRED
    assert ev(penalty(), "2026-03-10", policy).state is State.EXPIRED


def test_publication_deadlines_cross_national_day():
    # 7 working days for penalties / licences, 20 for other decision types
    assert ev(penalty(decided=D("2025-09-26")), "2025-09-26").deadline == D("2025-10-13")
    coercive = rec(
        "coercive",
        number="1",
        title="t",
        decided=D("2025-09-26"),
        parties=[ORG],
        measure="查封",
        method="现场",
        result="已执行",
    )
    assert ev(coercive, "2025-09-26").deadline == D("2025-10-30")


def test_late_publication_flag():
    on_time = ev(penalty(decided=D("2025-09-26"), published_on=D("2025-10-13")), "2025-11-01")
    late = ev(penalty(decided=D("2025-09-26"), published_on=D("2025-10-14")), "2025-11-01")
    assert on_time.extra["late"] is False
    assert late.extra["late"] is True


def test_expires_on_is_the_takedown_day():
    r = penalty(expires_on=D("2025-09-01"))
    assert ev(r, "2025-08-31").state is State.PUBLIC
    assert ev(r, "2025-08-31").public_until == D("2025-08-31")
    lc = ev(r, "2025-09-01")
    assert lc.state is State.EXPIRED
    assert "2025-09-01" in lc.reason


def test_expires_on_can_extend():
    r = penalty(expires_on=D("2026-06-01"))
    assert ev(r, "2026-04-01").state is State.PUBLIC
    assert ev(r, "2026-06-01").state is State.EXPIRED


@pytest.mark.parametrize(
    "as_of, state",
    [
        ("2025-03-31", State.EMBARGOED),
        ("2025-04-01", State.PUBLIC),
        ("2026-03-31", State.PUBLIC),
        ("2026-04-01", State.EXPIRED),
    ],
)
def test_publish_on_embargo_and_window_start(as_of, state):
    lc = ev(penalty(publish_on=D("2025-04-01")), as_of)
    assert lc.state is state
    assert lc.public_from == D("2025-04-01")
    assert lc.public_until == D("2026-03-31")


def test_embargo_reason():
    assert ev(penalty(publish_on=D("2027-01-15")), "2026-12-01").reason == "2027-01-15 起公开"


@pytest.mark.parametrize(
    "as_of, state",
    [
        ("2025-03-19", State.EMBARGOED),
        ("2025-03-20", State.PUBLIC),
        ("2026-03-19", State.PUBLIC),
        ("2026-03-20", State.EXPIRED),
    ],
)
def test_published_on_starts_the_window(as_of, state):
    lc = ev(penalty(published_on=D("2025-03-20")), as_of)
    assert lc.state is state
    assert lc.public_until == D("2026-03-19")


def test_published_on_wins_over_publish_on_for_the_window():
    lc = ev(penalty(publish_on=D("2025-03-15"), published_on=D("2025-03-12")), "2025-06-01")
    assert lc.public_until == D("2026-03-11")


def test_leap_day_window():
    assert add_years(D("2024-02-29"), 1) == D("2025-02-28")
    assert add_years(D("2024-02-29"), 4) == D("2028-02-29")
    lc = ev(penalty(decided=D("2024-02-29")), "2025-01-01")
    assert lc.public_until == D("2025-02-27")


# -- revoked, ended, draft ---------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, state",
    [
        ("2025-09-25", State.PUBLIC),
        ("2025-09-26", State.WITHDRAWN),
        ("2026-03-09", State.WITHDRAWN),
        ("2026-03-10", State.EXPIRED),  # the original takedown date
    ],
)
def test_revoked_withdrawn_until_original_takedown(as_of, state):
    r = penalty(status="revoked", revoked_on=D("2025-09-26"), revocation_reason="行政复议撤销")
    lc = ev(r, as_of)
    assert lc.state is state
    assert lc.public_until == D("2026-03-09")


def test_withdrawn_details():
    r = penalty(status="revoked", revoked_on=D("2025-09-26"), revocation_reason="行政复议撤销")
    lc = ev(r, "2025-10-01")
    assert lc.phase == "已撤回"
    assert lc.on_site
    assert lc.reason == "已于 2025-09-26 撤回，撤回说明保留至 2026-03-09"
    # 3 working days after Fri 2025-09-26: 09-28 (Sun, worked), 09-29, 09-30
    assert lc.extra["withdrawal_due"] == D("2025-09-30")
    assert lc.extra["revocation_reason"] == "行政复议撤销"


def test_ended_on_credit_repair():
    r = penalty(ended_on=D("2025-06-01"), end_reason="信用修复")
    before = ev(r, "2025-05-31")
    assert before.state is State.PUBLIC
    assert before.public_until == D("2025-05-31")
    lc = ev(r, "2025-06-01")
    assert lc.state is State.ENDED
    assert lc.reason == "已于 2025-06-01 提前撤下：信用修复"
    assert not lc.on_site


def test_ended_on_after_takedown_is_just_expired():
    r = penalty(ended_on=D("2026-05-01"), end_reason="信用修复")
    assert ev(r, "2026-03-10").state is State.EXPIRED
    assert ev(r, "2026-06-01").state is State.EXPIRED


def test_draft_is_never_public_even_if_withheld():
    r = penalty(status="draft", parties=[person(minor=True)])
    assert ev(r, "2025-06-01").state is State.DRAFT
    assert ev(r, "2030-01-01").state is State.DRAFT


# -- withholding (SPEC 5.3, S004 事后公示(六)) --------------------------------------


@pytest.mark.parametrize("code", WITHHOLD_CODES)
def test_withhold_codes(code):
    lc = ev(penalty(withhold=code), "2025-06-01")
    assert lc.state is State.WITHHELD
    assert lc.reason == f"不予公开：{WITHHOLD_LABELS[code]}"
    assert not lc.on_site


def test_withheld_wins_over_revoked_and_expired():
    r = penalty(withhold="privacy", status="revoked", revoked_on=D("2025-04-01"))
    assert ev(r, "2025-05-01").state is State.WITHHELD
    assert ev(r, "2030-05-01").state is State.WITHHELD
    assert ev(r, "2025-01-01").state is State.WITHHELD  # even before the decision date


def test_minor_flag_on_a_party():
    lc = ev(penalty(parties=[ORG, person(minor=True)]), "2025-06-01")
    assert lc.state is State.WITHHELD
    assert lc.reason == "不予公开：当事人是未成年人"


def test_minor_flag_on_applicant_target_and_persons():
    assert ev(license_rec(applicant=person(minor=True)), "2025-06-01").state is State.WITHHELD
    assert ev(inspection_rec(target=person(minor=True)), "2025-06-01").state is State.WITHHELD
    r = penalty(persons=[{"name": "李四", "minor": True}])
    assert ev(r, "2025-06-01").state is State.WITHHELD


def test_minor_false_is_fine():
    assert ev(penalty(parties=[person(minor=False)]), "2025-06-01").state is State.PUBLIC


# 周岁 are counted from the day AFTER the birthday (民法典 第二百零一条; 最高人民法院:
# "从周岁生日的第二天起算"; redaction.age_on). Decided 2025-03-10: someone whose
# 18th birthday is that very day is still 17 — withheld, the safe side.
@pytest.mark.parametrize(
    "birth, state",
    [
        ("2007-03-11", State.WITHHELD),  # 18th birthday the day after the decision
        ("2007-03-10", State.WITHHELD),  # 18th birthday on the decision date: still 17
        ("2007-03-09", State.PUBLIC),  # 18th birthday the day before: 18 on the decision date
        ("2007-03-08", State.PUBLIC),
    ],
)
def test_under_18_by_birth_date(birth, state):
    r = penalty(parties=[person(birth_date=D(birth))])
    lc = ev(r, "2025-06-01")
    assert lc.state is state
    if state is State.WITHHELD:
        assert lc.reason.startswith("不予公开：当事人是未成年人")


@pytest.mark.parametrize(
    "birth, state",
    [
        ("2007-03-11", State.WITHHELD),
        ("2007-03-10", State.WITHHELD),
        ("2007-03-09", State.PUBLIC),
    ],
)
def test_under_18_by_id_number(birth, state):
    id_number = make_id(birth)
    assert len(id_number) == 18
    r = penalty(parties=[person(id_number=id_number)])
    assert ev(r, "2025-06-01").state is state


def test_adult_boundary_agrees_with_redaction_age_on():
    from redaction import age_on

    on = D("2025-03-10")
    for birth in ("2007-03-08", "2007-03-09", "2007-03-10", "2007-03-11"):
        adult = age_on(D(birth), on) >= 18
        lc = ev(penalty(parties=[person(birth_date=D(birth))]), "2025-06-01")
        assert (lc.state is State.PUBLIC) is adult


def test_age_is_measured_on_the_decision_date_not_as_of():
    r = penalty(parties=[person(id_number=make_id("2007-03-11"))])
    # years later the person is an adult, but they were a minor when decided
    assert ev(r, "2026-01-01").state is State.WITHHELD


def test_organisations_are_not_age_checked():
    org = dict(ORG, birth_date=D("2020-01-01"))
    assert ev(penalty(parties=[org]), "2025-06-01").state is State.PUBLIC


def test_withhold_reason_function():
    assert withhold_reason(penalty(), POLICY) is None
    assert withhold_reason(penalty(withhold="state_secret"), POLICY) == "涉及国家秘密"
    young = penalty(parties=[person(birth_date=D("2010-01-01"))])
    assert "未成年人" in withhold_reason(young, POLICY)
    assert withhold_reason(young, Policy(adult_age=14)) is None


# -- notices (S000 第三十八条) ------------------------------------------------------


def notice(**kw) -> Record:
    fields = dict(title="某企业安全生产许可公示", start=D("2025-09-26"), objection_channel="电话")
    fields.update(kw)
    return rec("notice", **fields)


@pytest.mark.parametrize(
    "as_of, state, phase",
    [
        ("2025-09-25", State.EMBARGOED, ""),
        ("2025-09-26", State.PUBLIC, "公示中"),
        ("2025-10-10", State.PUBLIC, "公示中"),  # weekday-only count would end here
        ("2025-10-16", State.PUBLIC, "公示中"),  # last day (10 working days with 调休)
        ("2025-10-17", State.PUBLIC, "公示期满"),
        ("2026-10-16", State.PUBLIC, "公示期满"),  # listed 365 days after the end
        ("2026-10-17", State.EXPIRED, "公示期满"),
    ],
)
def test_notice_across_national_day(as_of, state, phase):
    lc = ev(notice(), as_of)
    assert lc.state is state
    assert lc.phase_end == D("2025-10-16")
    assert lc.public_until == D("2026-10-16")
    if state is State.PUBLIC:
        assert lc.phase == phase


def test_notice_end_differs_from_weekday_only_count():
    lc = ev(notice(), "2025-09-26")
    d, n = D("2025-09-26"), 0
    while n < 10:
        d += timedelta(days=1)
        n += d.weekday() < 5
    assert d == D("2025-10-10")
    assert lc.phase_end != d


def test_notice_custom_working_days_and_listing_setting():
    lc = ev(notice(working_days=5), "2025-10-10", Policy(notice_listed_days_after_end=30))
    assert lc.phase_end == D("2025-10-10")
    assert lc.phase == "公示中"
    assert lc.public_until == D("2025-11-09")
    assert ev(notice(working_days=5), "2025-11-10", Policy(notice_listed_days_after_end=30)).state is (
        State.EXPIRED
    )


def test_notice_spanning_2026_into_unknown_2027():
    r = notice(start=D("2026-12-24"))
    cal = WorkCalendar()
    lc = evaluate(r, D("2027-01-07"), POLICY, cal)
    assert lc.phase_end == D("2027-01-07")  # Mon–Fri fallback for 2027
    assert lc.phase == "公示中"
    assert evaluate(r, D("2027-01-08"), POLICY, cal).phase == "公示期满"
    assert cal.unknown_years == (2027,)
    assert len(cal.warnings()) == 1 and "2027年" in cal.warnings()[0]

    cal2 = WorkCalendar(extra_holidays=Policy.from_settings(
        {"GONGSHI_EXTRA_HOLIDAYS": ["2027-01-01"]}
    ).extra_holidays)
    lc2 = evaluate(r, D("2027-01-08"), POLICY, cal2)
    assert lc2.phase_end == D("2027-01-08")
    assert lc2.phase == "公示中"


# -- hearings ----------------------------------------------------------------------


def hearing(**kw) -> Record:
    fields = dict(title="听证公告", hearing_date=D("2025-10-15"), place="会议室", matter="…")
    fields.update(kw)
    return rec("hearing", **fields)


@pytest.mark.parametrize(
    "as_of, state, phase",
    [
        ("2025-09-01", State.PUBLIC, "即将举行"),  # announced before: no date embargo
        ("2025-10-14", State.PUBLIC, "即将举行"),
        ("2025-10-15", State.PUBLIC, "今日举行"),
        ("2025-10-16", State.PUBLIC, "已举行"),
        ("2026-10-15", State.PUBLIC, "已举行"),
        ("2026-10-16", State.EXPIRED, "已举行"),
    ],
)
def test_hearing_phases(as_of, state, phase):
    lc = ev(hearing(), as_of)
    assert lc.state is state
    assert lc.phase == phase
    assert lc.public_until == D("2026-10-15")


def test_hearing_publish_on():
    assert ev(hearing(publish_on=D("2025-10-01")), "2025-09-30").state is State.EMBARGOED


# -- applications (S000 第二十八条、第十条) ------------------------------------------


def application(events, **kw) -> Record:
    fields = dict(
        number="SQ2025-001",
        applicant=ORG,
        item="安全生产许可",
        received=D("2025-09-19"),
        events=[{"date": D(d), "state": s, "note": ""} for d, s in events],
    )
    fields.update(kw)
    return rec("application", **fields)


SPECIAL = [
    ("2025-09-19", "受理"),
    ("2025-09-26", "特别程序开始"),  # expert review across the National Day week
    ("2025-10-10", "特别程序结束"),
]


def test_application_clock_stops_for_special_procedure_over_holiday():
    r = application(SPECIAL)
    lc = ev(r, "2025-10-15")
    # counted: 09-22…09-26 (5), then from 10-11 (调休 Sat): 10-11, 10-13…17, 10-20…24, 10-27…30
    assert lc.deadline == D("2025-10-30")
    assert lc.phase_end == D("2025-10-30")
    assert lc.phase == "特别程序结束"
    p = lc.extra["progress"]
    assert p["working_days_used"] == 9  # 5 before, 10-11, 10-13, 10-14, 10-15
    assert p["working_days_remaining"] == 11
    assert p["clock_stopped"] is False
    # without the special procedure the deadline is a week earlier
    plain = ev(application([("2025-09-19", "受理")]), "2025-10-15")
    assert plain.deadline == D("2025-10-23")


def test_application_clock_stopped_while_special_procedure_open():
    r = application(SPECIAL)
    p = application_progress(r, D("2025-10-09"), POLICY, WorkCalendar())
    assert p["state"] == "特别程序开始"  # the 10-10 event has not happened yet
    assert p["clock_stopped"] is True
    assert "暂停计时" in p["stop_reason"]
    assert p["working_days_used"] == 5
    assert p["working_days_remaining"] == 15
    assert p["overdue"] is False


def test_application_decided_then_listed_then_expired():
    r = application(SPECIAL + [("2025-10-28", "决定")])
    lc = ev(r, "2025-10-28")
    assert lc.phase == "已决定"
    assert lc.extra["progress"]["on_time"] is True
    assert lc.public_until == D("2026-10-28")
    assert ev(r, "2026-10-28").state is State.PUBLIC
    assert ev(r, "2026-10-29").state is State.EXPIRED


def test_application_public_from_received_and_overdue():
    r = application([("2025-09-19", "受理")])
    assert ev(r, "2025-09-18").state is State.EMBARGOED
    assert ev(r, "2025-09-19").phase == "受理"
    assert ev(r, "2025-10-23").extra["overdue"] is False
    assert ev(r, "2025-10-24").extra["overdue"] is True
    assert ev(application([]), "2025-09-20").phase == "受理"


def test_application_correction_restarts_the_period():
    # 行政许可法 第三十二条: 补正, then 受理 of the complete material -> full period again
    r = application(
        [("2025-03-03", "受理"), ("2025-03-05", "补正"), ("2025-03-12", "受理")],
        received=D("2025-03-03"),
    )
    cal = WorkCalendar()
    waiting = application_progress(r, D("2025-03-10"), POLICY, cal)
    assert waiting["clock_stopped"] is True
    assert waiting["working_days_used"] == 2  # 03-04, 03-05
    p = application_progress(r, D("2025-03-12"), POLICY, cal)
    assert p["restarted"] is True
    assert p["clock_start"] == D("2025-03-12")
    # 20 working days after 03-12, skipping 清明 (2025-04-04)
    assert p["deadline"] == D("2025-04-10")
    assert p["deadline"] == cal.add_workdays(D("2025-03-12"), 20)
    assert p["working_days_used"] == 0


# -- laws, officers, other pre-announcement types ---------------------------------


def law(**kw) -> Record:
    fields = dict(
        name="中华人民共和国安全生产法",
        category="法律",
        enacted_by="全国人民代表大会常务委员会",
        effective=D("2021-09-01"),
    )
    fields.update(kw)
    return rec("law", **fields)


def test_law_repeal_grace_in_working_days():
    policy = Policy(law_repeal_grace_working_days=5)
    r = law(repealed_on=D("2025-09-26"))
    assert ev(r, "2025-09-25", policy).phase == ""
    lc = ev(r, "2025-09-26", policy)
    assert lc.state is State.PUBLIC and lc.phase == "已废止"
    # 5 working days: 09-28, 09-29, 09-30, 10-09, 10-10 (weekday-only: 10-03)
    assert lc.public_until == D("2025-10-10")
    assert ev(r, "2025-10-10", policy).state is State.PUBLIC
    assert ev(r, "2025-10-11", policy).state is State.EXPIRED


def test_law_default_sixty_working_days():
    r = law(repealed_on=D("2025-09-26"))
    cal = WorkCalendar()
    # 09-28…09-30 (3), 10-09…10-11 (6), rest of Oct (21), Nov (41), Dec 1–19 (56), 22–25 (60);
    # a Monday–Friday count would give 2025-12-19
    assert cal.add_workdays(D("2025-09-26"), 60) == D("2025-12-25")
    assert ev(r, "2025-12-25").state is State.PUBLIC
    assert ev(r, "2025-12-25").phase == "已废止"
    assert ev(r, "2025-12-26").state is State.EXPIRED


def test_law_not_yet_effective_is_listed():
    lc = ev(law(effective=D("2026-01-01")), "2025-12-01")
    assert lc.state is State.PUBLIC
    assert lc.phase == "尚未施行"
    assert ev(law(publish_on=D("2025-12-05")), "2025-12-01").state is State.EMBARGOED


def officer(**kw) -> Record:
    fields = dict(
        name="王五",
        unit="执法支队",
        gender="男",
        title="科员",
        cert_number="65000000001",
        issued=D("2020-01-01"),
    )
    fields.update(kw)
    return rec("officer", **fields)


def test_officer_certificate_expiry():
    r = officer(valid_until=D("2026-06-30"))
    assert ev(r, "2026-06-30").state is State.PUBLIC
    lc = ev(r, "2026-07-01")
    assert lc.state is State.EXPIRED
    assert "2026-06-30" in lc.reason and "执法证" in lc.reason


def test_officer_left_on():
    r = officer(left_on=D("2026-03-01"), valid_until=D("2026-06-30"))
    assert ev(r, "2026-02-28").state is State.PUBLIC
    assert ev(r, "2026-02-28").public_until == D("2026-02-28")
    lc = ev(r, "2026-03-01")
    assert lc.state is State.EXPIRED
    assert "离岗" in lc.reason


def test_officer_without_end_stays():
    assert ev(officer(), "2030-01-01").state is State.PUBLIC
    assert ev(officer(), "2019-12-31").state is State.EMBARGOED  # before issue


def test_plain_types_respect_common_keys():
    g = rec("guide", title="服务指南")
    assert ev(g, "2025-01-01").state is State.PUBLIC
    assert ev(rec("guide", title="t", publish_on=D("2025-02-01")), "2025-01-31").state is (
        State.EMBARGOED
    )
    assert ev(rec("plan", title="t", year=2025, expires_on=D("2026-01-01")), "2026-01-01").state is (
        State.EXPIRED
    )
    assert ev(rec("power", name="n", kind="处罚", basis="b", unit="u", ended_on=D("2025-05-01")),
              "2025-05-01").state is State.ENDED
    assert ev(rec("random_item", name="n", status="draft"), "2025-05-01").state is State.DRAFT


# -- misc --------------------------------------------------------------------------


def test_corrections_flag():
    r = penalty(corrections=[{"date": D("2025-04-01"), "note": "更正罚款金额"}])
    assert ev(r, "2025-06-01").extra["corrected"] is True
    assert "corrected" not in ev(penalty(), "2025-06-01").extra


def test_deterministic_and_no_wall_clock():
    r = application(SPECIAL)
    assert ev(r, "2025-10-15") == ev(r, "2025-10-15")
    source = inspect.getsource(lifecycle)
    for forbidden in ("today(", "now(", "time.time", "utcnow"):
        assert forbidden not in source
