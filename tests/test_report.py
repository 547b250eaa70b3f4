"""`gongshi report`: every record's state and why, redaction counts, review names, action lists."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from generator.model import State
from generator.pipeline import prepare
from generator.policy import Policy
from generator.report import build_report, render_html, render_text, sections_by_key
from tests.conftest import SiteDir, run_cli

AS_OF = "2026-11-22"  # a Sunday
ID_NUMBER = "650102199003071235"  # declared: must never be printed
PHONE = "13899990077"


def penalty(n: int, decided: str, extra: str = "", facts: str = "该公司未按规定对从业人员进行安全生产教育和培训。",
            parties: str = "") -> str:
    parties = parties or """\
  - name: 测试化工有限公司
    kind: organization
    legal_representative: 赵大山
"""
    return f"""\
---
number: 测应急罚字〔2026〕{n}号
title: 测试第{n}号案
decided: {decided}
parties:
{parties}facts: {facts}
basis: 《中华人民共和国安全生产法》第二十八条
decision: 罚款人民币20000元
fine: 20000
{extra}---

正文。
"""


CORPUS = {
    # states
    "post/penalties/public.md": penalty(1, "2026-10-10"),
    "post/penalties/embargo-late.md": penalty(2, "2026-11-02", "publish_on: 2027-01-10\n"),
    "post/penalties/embargo-soon.md": penalty(3, "2026-11-18", "publish_on: 2026-12-20\n"),
    "post/penalties/draft-late.md": penalty(4, "2026-09-01", "status: draft\n"),
    "post/penalties/withheld.md": penalty(5, "2026-10-01", "withhold: privacy\n"),
    "post/penalties/minor.md": penalty(6, "2026-10-01", parties="""\
  - name: 赵小刚
    kind: person
    birth_date: 2010-01-01
"""),
    "post/penalties/broken.md": penalty(7, "2026-02-30"),
    "post/penalties/expired.md": penalty(8, "2025-06-01"),
    "post/penalties/revoked-new.md": penalty(9, "2026-10-01",
                                            "status: revoked\nrevoked_on: 2026-11-18\nrevocation_reason: 复议撤销\n"),
    "post/penalties/revoked-old.md": penalty(10, "2026-06-01",
                                            "status: revoked\nrevoked_on: 2026-09-01\nrevocation_reason: 诉讼撤销\n"),
    "post/penalties/revoked-future.md": penalty(11, "2026-10-01",
                                               "status: revoked\nrevoked_on: 2026-12-01\nrevocation_reason: 复议撤销\n"),
    "post/penalties/ended.md": penalty(12, "2026-03-01", "ended_on: 2026-11-01\nend_reason: 信用修复\n"),
    "post/penalties/expiring.md": penalty(13, "2025-12-10"),
    "post/penalties/late.md": penalty(15, "2026-09-01", "published_on: 2026-10-20\n"),
    # a person party with declared values, and an undeclared name in the facts
    "post/penalties/person.md": penalty(14, "2026-10-12", facts=f"李小明（身份证号{ID_NUMBER}，电话{PHONE}）"
                                        "雇用员工王小明无证上岗作业。", parties=f"""\
  - name: 李小明
    kind: person
    id_number: "{ID_NUMBER}"
    phone: "{PHONE}"
"""),
    # notices
    "in-process/notices/n-ending.md": "---\ntitle: 关于测试公司许可的公示\nstart: 2026-11-13\nobjection_channel: 电话\n---\n正文。\n",
    "in-process/notices/n-open.md": "---\ntitle: 关于另一公司许可的公示\nstart: 2026-11-20\nobjection_channel: 电话\n---\n正文。\n",
    # applications (20 working days from received)
    "in-process/applications/a-near.yaml": """\
number: SQ-1
applicant: {name: 测试物流有限公司, kind: organization}
item: 危险化学品经营许可证核发
received: 2026-10-26
events:
  - {date: 2026-10-26, state: 受理}
""",
    "in-process/applications/a-late.yaml": """\
number: SQ-2
applicant: {name: 测试贸易有限公司, kind: organization}
item: 危险化学品经营许可证核发
received: 2026-09-01
events:
  - {date: 2026-09-01, state: 受理}
""",
    "in-process/applications/a-fresh.yaml": """\
number: SQ-3
applicant: {name: 测试商贸有限公司, kind: organization}
item: 危险化学品经营许可证核发
received: 2026-11-20
""",
    # officers
    "pre/personnel/o-soon.yaml": """\
name: 马宏斌
unit: 测试市应急管理局
gender: 男
title: 职员
cert_number: "31050224019"
issued: 2022-01-01
valid_until: 2026-12-31
""",
    "pre/personnel/o-later.yaml": """\
name: 朱恒
unit: 测试市应急管理局
gender: 男
title: 职员
cert_number: "31050224018"
issued: 2022-01-01
valid_until: 2027-06-30
""",
    # laws and the 事前 content that depends on them
    "pre/laws/new-law.yaml": "name: 测试安全生产条例\ncategory: 地方性法规\nenacted_by: 测试省人大常委会\neffective: 2026-10-01\n",
    "pre/laws/old-law.yaml": ("name: 测试旧办法\ncategory: 规范性文件\nenacted_by: 测试市人民政府\n"
                              "effective: 2020-01-01\nrepealed_on: 2026-03-01\n"),
    "pre/laws/future-law.yaml": "name: 测试未来条例\ncategory: 地方性法规\nenacted_by: 测试省人大常委会\neffective: 2027-01-01\n",
    "pre/guides/g-stale.md": "---\ntitle: 服务指南甲\nreviewed_on: 2026-09-01\n---\n正文。\n",
    "pre/guides/g-fresh.md": "---\ntitle: 服务指南乙\nreviewed_on: 2026-10-15\n---\n正文。\n",
    "pre/plans/p-overdue.md": "---\ntitle: 检查计划\nyear: 2026\nreviewed_on: 2026-02-01\n---\n正文。\n",
    "pre/powers/pw-none.yaml": "name: 行政检查\nkind: 检查\nbasis: 《中华人民共和国安全生产法》\nunit: 测试市应急管理局\n",
}


@pytest.fixture
def corpus(site: SiteDir) -> SiteDir:
    for rel, text in CORPUS.items():
        site.write(rel, text)
    return site


def ids(items) -> set[str]:
    return {i.rid for i in items}


def test_every_state_and_every_action_list(corpus: SiteDir):
    prepared = prepare(corpus.content, date.fromisoformat(AS_OF), Policy())
    rep = build_report(prepared)
    state = {r.rid: r.state for r in rep.records}
    assert state["public"] == State.PUBLIC
    assert state["embargo-late"] == State.EMBARGOED and state["embargo-soon"] == State.EMBARGOED
    assert state["draft-late"] == State.DRAFT
    assert state["withheld"] == State.WITHHELD and state["minor"] == State.WITHHELD
    assert state["broken"] == State.QUARANTINED
    assert state["expired"] == State.EXPIRED
    assert state["revoked-new"] == State.WITHDRAWN and state["revoked-old"] == State.WITHDRAWN
    assert state["ended"] == State.ENDED
    reason = {r.rid: r.reason for r in rep.records}
    assert "涉及个人隐私" in reason["withheld"] and "未成年" in reason["minor"]
    assert reason["broken"].startswith("有错误，未发布") and "2026-02-30" in reason["broken"]
    assert reason["expired"].startswith("已于 2026-06-01 撤下")
    assert reason["ended"].startswith("已于 2026-11-01 提前撤下：信用修复")
    assert reason["embargo-late"] == "2027-01-10 起公开"

    s = sections_by_key(rep)
    publish = {i.rid: i for i in s["publish"]}
    assert set(publish) == {"embargo-late", "embargo-soon", "draft-late"}
    assert publish["embargo-late"].level == "bad" and "已逾期" in publish["embargo-late"].text
    assert "2026-11-11 前公开（7个工作日）" in publish["embargo-late"].text
    assert publish["draft-late"].level == "bad"
    assert publish["embargo-soon"].level == "warn" and "还剩 5 个工作日" in publish["embargo-soon"].text

    assert ids(s["late"]) == {"late"} and "晚 " in s["late"][0].text
    assert s["late"][0].text.startswith("决定日期 2026-09-01，应于 2026-09-10 前公开")
    withdraw = {i.rid: i for i in s["withdraw"]}
    assert set(withdraw) == {"revoked-new", "revoked-old", "revoked-future"}
    assert "撤回期限 2026-11-23" in withdraw["revoked-new"].text and "期限内" in withdraw["revoked-new"].text
    assert "期限已过" in withdraw["revoked-old"].text and withdraw["revoked-old"].level == "warn"
    assert "将于 2026-12-01 撤销" in withdraw["revoked-future"].text

    assert ids(s["expiring"]) >= {"expiring"} and "public" not in ids(s["expiring"])
    exp = next(i for i in s["expiring"] if i.rid == "expiring")
    assert "2026-12-10 起撤下" in exp.text
    assert ids(s["notices"]) == {"n-ending"}
    assert "还剩 5 个工作日" in s["notices"][0].text and "2026-11-27" in s["notices"][0].text
    apps = {i.rid: i for i in s["applications"]}
    assert set(apps) == {"a-near", "a-late"}
    assert apps["a-late"].level == "bad" and "已超过法定办理期限" in apps["a-late"].text
    assert "2026-11-23" in apps["a-near"].text and "还剩 1 个工作日" in apps["a-near"].text
    assert ids(s["certs"]) == {"o-soon"}
    pre = {i.rid: i for i in s["prereview"]}
    assert set(pre) == {"g-stale", "p-overdue", "pw-none"}
    assert "《测试安全生产条例》2026-10-01 施行" in pre["g-stale"].text and pre["g-stale"].level == "warn"
    assert "《测试旧办法》2026-03-01 废止" in pre["p-overdue"].text and pre["p-overdue"].level == "bad"
    assert "未填写 reviewed_on" in pre["pw-none"].text
    assert "测试未来条例" not in " ".join(i.text for i in s["prereview"])

    names = {i.rid: i.text for i in s["names"]}
    assert "王小明" in names.get("person", "")
    assert "李小明" not in names.get("person", "")  # declared: aliased on the site, not "to review"
    rows = {r.rid: r for r in rep.records}
    assert rows["person"].counts.get("id_number") == 1 and rows["person"].counts.get("phone") == 1
    assert rows["person"].counts.get("name", 0) >= 1
    assert "withheld" not in names and "minor" not in names  # never published: nothing to review


def test_report_never_prints_hidden_values(corpus: SiteDir):
    prepared = prepare(corpus.content, date.fromisoformat(AS_OF), Policy())
    rep = build_report(prepared)
    for text in (render_text(rep), render_text(rep, colour=True), render_html(rep)):
        assert ID_NUMBER not in text and PHONE not in text
        assert "身份证号码 1" in text and "电话号码 1" in text


def test_cli_report_text_summary_and_exit_code(corpus: SiteDir):
    r = run_cli("report", "--content", str(corpus.content), "--as-of", AS_OF)
    assert r.code == 0, r.err
    assert "\x1b[" not in r.out  # not a terminal: no colour
    assert "公示合规报告（按 2026-11-22 的规则）" in r.out
    assert re.search(r"合计 \d+ 条记录：有错误，未发布 1，不予公开 2，", r.out), r.out[-600:]
    assert "待办：逾期或即将到期未公开 3，迟延公开 1，撤回 3" in r.out
    for heading in ("== 逾期或即将到期未公开（3）==", "== 撤回（3）==", "== 公示期即将结束（1）==",
                    "== 办理期限临近（2）==", "== 执法证即将到期（1）==", "== 事前公示待复核（3）==",
                    "== 有错误，未发布（1 条）==", "== 不予公开（2 条）==", "== 已提前撤下（1 条）=="):
        assert heading in r.out, heading
    broken_line = next(line for line in r.out.splitlines() if "broken.md" in line and "[行政处罚]" in line)
    assert "有错误，未发布" in broken_line
    coloured = run_cli("report", "--content", str(corpus.content), "--as-of", AS_OF, "--colour")
    assert coloured.code == 0 and "\x1b[" in coloured.out


def test_cli_report_html_and_where_it_may_not_go(corpus: SiteDir, tmp_path: Path):
    target = tmp_path / "intranet" / "report.html"
    r = run_cli("report", "--content", str(corpus.content), "--as-of", AS_OF, "--html", str(target))
    assert r.code == 0, r.err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "逾期或即将到期未公开（3）" in page and "noindex" in page
    assert ID_NUMBER not in page and PHONE not in page

    assert corpus.build().code == 1  # quarantined record: built, exit 1
    inside = corpus.output / "report.html"
    r = run_cli("report", "--content", str(corpus.content), "--as-of", AS_OF, "--output", str(corpus.output),
                "--html", str(inside))
    assert r.code == 2 and "输出目录" in r.err and not inside.exists()
    nested = corpus.output / "data" / "r.html"
    r = run_cli("report", "--content", str(corpus.content), "--as-of", AS_OF, "--html", str(nested))
    assert r.code == 2 and not nested.exists()  # a built gongshi site is recognised even without --output
    r = run_cli("report", "--content", str(corpus.content), "--as-of", AS_OF,
                "--html", str(corpus.content / "r.html"))
    assert r.code == 2 and "记录目录" in r.err


def test_report_on_an_empty_site(site: SiteDir):
    r = run_cli("report", "--content", str(site.content), "--as-of", AS_OF)
    assert r.code == 0
    assert "合计 0 条记录：无。 没有待办事项。" in r.out


def test_report_as_of_moves_records_between_sections(corpus: SiteDir):
    before = build_report(prepare(corpus.content, date(2026, 11, 10), Policy()))
    after = build_report(prepare(corpus.content, date(2027, 1, 20), Policy()))
    st_before = {r.rid: r.state for r in before.records}
    st_after = {r.rid: r.state for r in after.records}
    assert st_before["embargo-late"] == State.EMBARGOED and st_after["embargo-late"] == State.PUBLIC
    assert st_before["revoked-new"] == State.PUBLIC and st_after["revoked-new"] == State.WITHDRAWN
    assert st_after["expiring"] == State.EXPIRED
    assert "o-soon" not in ids(sections_by_key(after)["certs"])
