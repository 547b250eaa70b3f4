"""End-to-end: records in a temp content/ -> `gongshi build` -> inspect output/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PENALTY_ORG, REPO, SETTINGS, SiteDir, run_cli

LICENSE = """\
applicant:
  name: 测试物流有限公司
  kind: organization
item: 危险化学品经营许可证核发
accepted: 2026-10-01
review: 通过
result: 同意
certificate: 测危经〔2026〕001号
decided: 2026-10-08
delivered: 2026-10-08
handler: 张宇轩
"""


def test_penalty_builds_summary_and_full_text(site: SiteDir):
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    r = site.build()
    assert r.code == 0, r.err
    page = site.read("post/penalties/2026-001.html")
    assert "信息摘要" in page and "决定书全文" in page
    for label in ("行政处罚决定书文号", "案件名称", "当事人", "违法事实", "法律依据", "执法决定", "执法主体"):
        assert label in page
    assert "测应急罚字〔2026〕1号" in page
    assert "测试市应急管理局" in page  # 执法主体 from site.yaml
    assert "经查，测试化工有限公司未按规定开展安全培训。" in page
    # listing, year page, section, home, feed, sitemap all know it
    assert "post/penalties/2026-001.html" in site.read("post/penalties/index.html")
    assert "2026-001.html" in site.read("post/penalties/2026/index.html")
    assert "测试化工有限公司未按规定开展安全培训案" in site.read("index.html")
    assert "2026-001.html" in site.read("feed.xml")
    assert "post/penalties/2026-001.html" in site.read("sitemap.xml")
    assert "Sitemap:" in site.read("robots.txt")


def test_government_meta_tags_and_footer(site: SiteDir):
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    assert site.build().code == 0
    page = site.read("post/penalties/2026-001.html")
    for name in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ArticleTitle",
                 "PubDate", "ContentSource"):
        assert f'<meta name="{name}"' in page
    assert '<meta name="PubDate" content="2026-10-10 00:00">' in page
    assert '<meta name="SiteIDCode" content="6500000001">' in page
    assert "网站标识码：6500000001" in page and "新ICP备00000000号-1" in page
    assert "新公网安备00000000000001号" in page and "我为政府网站找错" in page
    assert '<html lang="zh-CN">' in page and 'aria-label="主导航"' in page


def _licenses(site: SiteDir, days: list[str]) -> None:
    for day in days:
        n = day.replace("-", "")
        site.write(f"post/licenses/lic-{n}.yaml", LICENSE.replace("2026-10-08", day).replace("001号", f"{n}号"))


def test_listing_newest_first_paginated_by_month_and_empty_month(site: SiteDir):
    _licenses(site, [f"2026-09-{i:02d}" for i in range(1, 24)] + ["2026-08-05", "2026-08-20"])
    r = site.build()
    assert r.code == 0, r.err
    first = site.read("post/licenses/index.html")
    assert first.index("lic-20260923.html") < first.index("lic-20260922.html")  # newest first
    assert first.count("licenses/lic-2026") == 20 and "lic-20260903.html" not in first
    assert "2026年（25）" in first  # year counts on the front page
    # its next page is the one holding the next record (2026-09-03)
    assert 'href="../../post/licenses/2026/09/index-2.html" rel="next"' in first
    month = site.read("post/licenses/2026/09/index.html")
    assert month.count("licenses/lic-2026") == 20 and "2026年9月（第 1 / 2 页）" in month
    second = site.read("post/licenses/2026/09/index-2.html")
    assert "lic-20260901.html" in second and "lic-20260923.html" not in second
    assert "lic-20260820.html" not in second  # a page never spans two months
    assert 'href="../../../../post/licenses/2026/08/index.html" rel="next"' in second
    assert 'href="../../../../post/licenses/2026/09/index.html" rel="prev"' in second
    august = site.read("post/licenses/2026/08/index.html")
    assert august.index("lic-20260820.html") < august.index("lic-20260805.html")
    assert "2026年8月" in august and "第 1 / " not in august and 'rel="next"' not in august
    assert "<title>2026年8月行政许可" in august
    year = site.read("post/licenses/2026/index.html")
    assert "本月无行政许可信息" in year  # e.g. 2026年11月 has none
    assert 'href="../../../post/licenses/2026/09/index.html">2026年9月</a>' in year
    assert "<svg" in site.read("stats/index.html")


def test_a_small_bureaus_few_records_are_all_on_the_front_page(site: SiteDir):
    _licenses(site, ["2026-09-01", "2026-07-15", "2026-03-02"])
    assert site.build().code == 0
    first = site.read("post/licenses/index.html")
    assert first.index("lic-20260901") < first.index("lic-20260715") < first.index("lic-20260302")
    assert 'rel="next"' not in first


def test_a_record_arriving_or_leaving_rewrites_only_its_own_months_listing_pages(site: SiteDir):
    """Pages are anchored to months: the nightly rebuild does not shift every listing page."""
    _licenses(site, [f"2026-09-{i:02d}" for i in range(1, 24)] + ["2026-08-05", "2026-08-20"])
    assert site.build().code == 0
    out = site.root / "output" / "post" / "licenses"
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
    _licenses(site, ["2026-10-02"])  # a newer month begins
    (site.content / "post/licenses/lic-20260805.yaml").unlink()  # an old one leaves
    assert site.build().code == 0
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
    changed = sorted(k for k in after if before.get(k) != after[k])
    gone = sorted(set(before) - set(after))
    # 2026/09/index.html only gains its "上一页" link to the new month; 2026/09/index-2.html is untouched
    assert changed == ["2026/08/index.html", "2026/09/index.html", "2026/10/index.html", "2026/index.html",
                       "index.html", "lic-20261002.html"], changed
    assert gone == ["lic-20260805.html"]
    front = after["index.html"]  # the newest 20, whatever their months
    assert front.index(b"lic-20261002.html") < front.index(b"lic-20260923.html")
    assert b"lic-20260905.html" in front and b"lic-20260904.html" not in front
    # the pager of the neighbouring months still leads through every page
    assert b'2026/10/index.html" rel="prev"' in after["2026/09/index.html"]


def test_pre_and_in_process_pages(site: SiteDir):
    site.write("pre/laws/aq.yaml", """\
        name: 中华人民共和国安全生产法
        category: 法律
        enacted_by: 全国人大常委会
        effective: 2002-11-01
    """)
    site.write("pre/personnel/o1.yaml", """\
        name: 马宏斌
        unit: 测试市应急管理局
        gender: 男
        title: 职员
        cert_number: "31050224019"
        issued: 2022-01-01
    """)
    site.write("in-process/notices/n1.md", """\
        ---
        title: 关于某公司危险化学品经营许可的公示
        start: 2026-11-16
        objection_channel: 电话 0994-3235169
        ---
        公示内容。
    """)
    r = site.build()
    assert r.code == 0, r.err
    laws = site.read("pre/laws/index.html")
    assert "法律" in laws and "中华人民共和国安全生产法" in laws
    officers = site.read("pre/personnel/index.html")
    assert "马宏斌" in officers and "31050224019" in officers
    assert "公示中" in site.read("in-process/notices/n1.html")
    assert "执法职责" in site.read("pre/agency.html")
    assert "救济渠道" in site.read("pre/remedies.html")


def test_pelican_readers_never_publish_front_matter(site: SiteDir):
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    assert site.build().code == 0
    text = site.all_text()
    assert "credit_code:" not in text and "legal_representative:" not in text
    assert not any(f.endswith(".md") for f in site.files())


def test_two_builds_are_byte_identical(site: SiteDir, tmp_path: Path):
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    site.write("post/licenses/l1.yaml", LICENSE)
    assert site.build().code == 0
    first = site.tree_digest()
    (tmp_path / "again").mkdir()
    other = SiteDir(tmp_path / "again")
    for p in site.content.rglob("*"):
        if p.is_file():
            rel = p.relative_to(site.content)
            (other.content / rel).parent.mkdir(parents=True, exist_ok=True)
            (other.content / rel).write_bytes(p.read_bytes())
    assert other.build().code == 0
    assert other.tree_digest() == first
    assert site.build().code == 0
    assert site.tree_digest() == first


def test_rebuild_after_deleting_a_record_leaves_no_file_of_it(site: SiteDir):
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    doomed = site.write("post/penalties/doomed-7.md", PENALTY_ORG.replace("1号", "7号").replace(
        "未按规定开展安全培训案", "违规储存危险物品案"))
    assert site.build().code == 0
    assert "post/penalties/doomed-7.html" in site.files()
    doomed.unlink()
    assert site.build().code == 0
    assert not any("doomed-7" in f for f in site.files())
    assert "doomed-7" not in site.all_text()
    assert "违规储存危险物品案" not in site.all_text()


def test_killed_build_keeps_the_previous_site(site: SiteDir):
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    assert site.build().code == 0
    before = site.tree_digest()
    for i in range(1500):
        site.write(f"post/licenses/k{i:04d}.yaml", LICENSE.replace("001号", f"{i:04d}号"))
    env = dict(os.environ, GONGSHI_SETTINGS=str(SETTINGS), PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(site.content),
                             "--output", str(site.output), "--as-of", "2026-11-22"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    spare = site.root / "output.spare"  # the tree a build writes into (generator.publish)
    started = False
    deadline = time.time() + 120
    while time.time() < deadline:
        if any((spare / "post/licenses").glob("k*.html")):
            started = True
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert started, "build never started writing its staging tree"
    assert site.tree_digest() == before  # the old site, untouched
    r = site.build()  # the next build repairs the half-written spare and publishes
    assert r.code == 0, r.err
    assert not list(site.root.glob("output.staging-*"))
    assert "post/licenses/k1499.html" in site.files()


def test_failed_build_keeps_previous_site(site: SiteDir):
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    assert site.build().code == 0
    before = site.tree_digest()
    r = run_cli("build", "--content", str(site.root / "missing"), "--output", str(site.output))
    assert r.code == 2
    assert "未生成网站" in r.err
    assert site.tree_digest() == before


def test_pelican_command_builds_the_same_site(site: SiteDir):
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    assert site.build().code == 0
    ours = site.tree_digest()
    pel_out = site.root / "pelican-out"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    p = subprocess.run([sys.executable, "-m", "pelican", str(site.content), "-s", str(SETTINGS), "-o", str(pel_out),
                        "-e", 'GONGSHI_AS_OF="2026-11-22"'], cwd=REPO, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    other = SiteDir.__new__(SiteDir)
    other.output = pel_out
    assert other.tree_digest() == ours


def test_application_page_shows_the_remaining_statutory_working_days(site: SiteDir):
    """SPEC 3: an application shows its state and the statutory days left (20 working days,
    special procedures not counted, S000 第二十八条、第十条): the count moves each working day."""
    site.write("in-process/applications/sq-1.yaml", """\
        number: SQ-1
        applicant: {name: 测试物流有限公司, kind: organization}
        item: 危险化学品经营许可证核发
        received: 2025-09-19
        events:
          - {date: 2025-09-19, state: 受理}
          - {date: 2025-09-26, state: 特别程序开始}
          - {date: 2025-10-10, state: 特别程序结束}
          - {date: 2025-11-03, state: 决定, note: 准予许可}
    """)

    def period(as_of: str) -> str:
        assert site.build(as_of).code == 0
        page = site.read("in-process/applications/sq-1.html")
        return page.split('<p class="notice-period">')[1].split("</p>")[0]

    # counted: 09-22…09-26, then 10-11 (调休 Saturday), 10-13, 10-14, 10-15 (tests/test_lifecycle.py)
    assert period("2025-10-15") == "法定办理期限截至 2025-10-30（按工作日计算，特别程序时间不计入），尚余 11 个工作日。"
    assert period("2025-10-16").endswith("尚余 10 个工作日。")
    assert period("2025-10-09").endswith("目前暂停计时，尚余 15 个工作日。")  # expert review under way
    assert period("2025-10-30").endswith("，今日为办理期限最后一日。")  # not "0 days left"
    assert period("2025-10-31") == "法定办理期限截至 2025-10-30（按工作日计算，特别程序时间不计入），已超过法定办理期限。"
    assert period("2025-11-04") == "法定办理期限截至 2025-10-30（按工作日计算，特别程序时间不计入）。"  # decided


def _links(html: str) -> list[str]:
    import re

    return re.findall(r'(?:href|action)="([^"#][^"]*)"', html)


def test_the_404_page_links_work_from_any_depth(site: SiteDir):
    # A web server shows 404.html for a missing address at any depth (e.g. a taken-down
    # record's /post/penalties/2026-001.html): its links cannot be relative to the site root.
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    assert site.build().code == 0
    links = _links(site.read("404.html"))
    assert "/theme/css/site.css" in links and "/index.html" in links and "/search/index.html" in links
    assert all(link.startswith("/") or "://" in link for link in links), links

    # Served under a path (a province portal's /<agency>/): the path of base_url is the root.
    site.write("site.yaml", (site.content / "site.yaml").read_text(encoding="utf-8")
               + "base_url: https://yjj.example.gov.cn/fukang/\n")
    assert site.build().code == 0
    links = _links(site.read("404.html"))
    assert "/fukang/theme/css/site.css" in links and "/fukang/search/index.html" in links
    assert all(link.startswith("/fukang/") or "://" in link for link in links), links
    # Every other page keeps its relative links (the site still opens from the file system).
    assert 'href="../../theme/css/site.css"' in site.read("post/penalties/2026-001.html")
