"""SPEC §6 through the real CLI: as-of builds, takedowns, withdrawal notices, corrections."""

from __future__ import annotations

from tests.conftest import PENALTY_ORG, SiteDir

NOTICE = """\
---
title: 关于测试公司许可的公示
start: 2026-12-24
objection_channel: 电话 0994-3235169
---
公示内容。
"""


def test_rebuild_a_year_later_into_the_same_output_removes_expired(site: SiteDir):
    site.write("post/penalties/p1.md", PENALTY_ORG)  # decided 2026-10-10, 1-year window
    site.write("post/penalties/p2.md", PENALTY_ORG.replace("fine: 20000", "fine: 20000\nserious: true")
               .replace("1号", "2号").replace("安全培训案", "安全培训案（严重失信）"))
    assert site.build("2026-11-22").code == 0
    assert {"post/penalties/p1.html", "post/penalties/p2.html"} <= set(site.files())
    assert site.build("2027-10-10").code == 0  # one day after p1's window
    files = site.files()
    assert "post/penalties/p1.html" not in files and "post/penalties/p2.html" in files
    text = site.all_text()
    assert "p1.html" not in text  # gone from listings, feed, sitemap, open data, search index


def test_notice_spanning_new_year_built_in_2027(site: SiteDir):
    site.write("in-process/notices/n1.md", NOTICE)
    assert site.build("2026-12-20").code == 0
    assert "in-process/notices/n1.html" not in site.files()  # not before its start
    r = site.build("2027-01-05")
    assert r.code == 0, r.err
    page = site.read("in-process/notices/n1.html")
    assert "公示中" in page
    assert "2027年的法定节假日和调休安排不在节假日日历中" in r.err  # warned, not crashed
    r = site.build("2027-01-20")
    assert "公示期满" in site.read("in-process/notices/n1.html")


def test_revoked_decision_keeps_only_a_withdrawal_notice(site: SiteDir):
    site.write("post/penalties/r1.md", PENALTY_ORG.replace(
        "fine: 20000", "fine: 20000\nstatus: revoked\nrevoked_on: 2026-11-01\nrevocation_reason: 经行政复议决定撤销"))
    assert site.build("2026-11-22").code == 0
    page = site.read("post/penalties/r1.html")
    assert "已撤回" in page and "2026-11-01" in page and "经行政复议决定撤销" in page
    assert "测应急罚字〔2026〕1号" in page
    assert "测试化工有限公司未按规定开展安全培训案" in page
    assert "赵大山" not in page and "未按规定对从业人员" not in page  # no party data, no facts
    assert "r1" not in site.read("data/penalty.json")
    assert site.build("2027-10-10").code == 0  # original takedown date passed
    assert "post/penalties/r1.html" not in site.files()


def test_corrections_show_as_dated_history(site: SiteDir):
    site.write("post/penalties/c1.md", PENALTY_ORG.replace(
        "fine: 20000", "fine: 20000\ncorrections:\n  - date: 2026-10-15\n    note: 更正罚款金额的大写"))
    assert site.build().code == 0
    page = site.read("post/penalties/c1.html")
    assert "已更正" in page and "更正记录" in page and "2026-10-15" in page and "更正罚款金额的大写" in page


def test_embargo_and_draft_and_ended(site: SiteDir):
    site.write("post/penalties/e1.md", PENALTY_ORG.replace("fine: 20000", "fine: 20000\npublish_on: 2026-12-01"))
    site.write("post/penalties/d1.md", PENALTY_ORG.replace("fine: 20000", "fine: 20000\nstatus: draft")
               .replace("1号", "3号"))
    site.write("post/penalties/x1.md", PENALTY_ORG.replace(
        "fine: 20000", "fine: 20000\nended_on: 2026-11-01\nend_reason: 信用修复").replace("1号", "4号"))
    assert site.build("2026-11-22").code == 0
    files = site.files()
    assert not any(n in f for f in files for n in ("e1", "d1", "x1"))
    assert site.build("2026-12-01").code == 0
    assert "post/penalties/e1.html" in site.files()
