"""The content-hash build cache: a warm build writes exactly what a cold build writes.

Cold = GONGSHI_CACHE=0 (nothing reused). Warm = the cache filled by earlier builds,
possibly of other as-of dates. Figures of what was reused come from the build
itself (GONGSHI_STATS_FILE).
"""

from __future__ import annotations

import gzip
import inspect
import json
import os
import re
import sqlite3
from datetime import date
from pathlib import Path

import jinja2
import pytest

from generator import cache as gcache
from generator import views as gviews
from generator.cache import AsOfToken, AsOfUsed, BuildCache, OutputReuse, PageCache, fill
from tests.conftest import SiteDir, run_cli

A, B = "2026-11-22", "2026-12-10"

PERSON_PENALTY = """\
---
number: 测应急罚字〔2026〕7号
title: 周立平未经许可经营烟花爆竹案
decided: 2026-02-06
parties:
  - name: 周立平
    kind: person
    id_number: "65230219850412003X"
    phone: "13899990001"
    address: 测试市博峰街道阳光花园小区5号楼2单元301室
facts: 周立平未取得许可证销售烟花爆竹。
basis: 《烟花爆竹安全管理条例》第三十六条第二款
decision: 罚款人民币20000元
fine: 20000
---

当事人：周立平，身份证号码：652302 19850412 003X，联系电话：13899990001。
"""

EXPIRING = """\
---
number: 测应急罚字〔2025〕30号
title: 测试建材有限公司未设置安全警示标志案
decided: 2025-11-30
parties:
  - name: 测试建材有限公司
    kind: organization
facts: 未设置明显的安全警示标志。
basis: 《中华人民共和国安全生产法》第三十五条
decision: 罚款人民币15000元
fine: 15000
---
"""

NOTICE = """\
---
title: 测试市2026年第三批安全生产标准化三级企业拟公告名单公示
start: 2026-11-16
working_days: 10
objection_channel: 对公示内容有异议的，请在公示期内向测试市应急管理局反映。
---

以下企业拟定为安全生产标准化三级企业，现予公示。
"""

LAW = """\
name: 测试市安全生产条例
category: 地方性法规
enacted_by: 测试市人民代表大会常务委员会
effective: 2010-01-01
repealed_on: 2026-12-01
"""

INSPECTION = """\
date: 2026-10-14
location: 测试市产业园西区
target:
  name: 测试铝业有限公司
  kind: organization
contact:
  name: 钱文博
  phone: "13899990011"
reason: 依职权
content: 安全生产检查
documents: 现场检查记录
result: 未发现问题
inspectors:
  - name: 刘森
    cert_number: "31050224025"
"""

GUIDE = """\
---
title: 行政处罚流程图
attachments:
  - file: flow.svg
    title: 流程图
    alt: 立案、调查、决定
    reviewed: true
---

本流程图适用于一般程序。
"""


def make_site(root: Path) -> SiteDir:
    root.mkdir(parents=True, exist_ok=True)
    site = SiteDir(root)
    site.write("post/penalties/2026-007.md", PERSON_PENALTY)
    site.write("post/penalties/2025-030.md", EXPIRING)
    site.write("in-process/notices/n-2026-003.md", NOTICE)
    site.write("pre/laws/city-safety.yaml", LAW)
    site.write("post/inspections/i-031.yaml", INSPECTION)
    site.write("pre/guides/flow.md", GUIDE)
    (site.content / "pre/guides/flow.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    return site


def build(site: SiteDir, as_of: str, out: Path | None = None, **env: str) -> dict:
    stats = site.root / "stats.json"
    stats.unlink(missing_ok=True)
    # Every stage runs, even when nothing changed (these tests look at what each stage reused);
    # builds skipped whole: tests/test_unchanged.py
    r = run_cli("build", "--content", str(site.content), "--output", str(out or site.output), "--as-of", as_of,
                env={"GONGSHI_STATS_FILE": str(stats), "GONGSHI_SKIP_UNCHANGED": "0", **env})
    assert r.code == 0, r.err
    return json.loads(stats.read_text(encoding="utf-8"))


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(a: Path, b: Path) -> None:
    ta, tb = tree(a), tree(b)
    assert ta.keys() == tb.keys()
    for rel in ta:
        assert ta[rel] == tb[rel], rel


def cold(site: SiteDir, as_of: str) -> Path:
    out = site.root / f"cold-{as_of}"
    build(site, as_of, out, GONGSHI_CACHE="0")
    return out


# -- end to end ----------------------------------------------------------------------------

def test_warm_build_equals_cold_build_and_reuses_everything(tmp_path: Path):
    site = make_site(tmp_path / "s")
    first = build(site, A)
    assert first["cache"]["records"][0] == 0  # cold cache
    second = build(site, A)
    hits = second["cache"]
    assert hits["records"] == [6, 0] or hits["records"][0] == 5  # the guide has an attachment: never cached
    assert hits["views"][1] == 0 and hits["pages"][1] == 0
    assert second["index"].get("reused") is True
    assert_same_tree(cold(site, A), site.output)
    assert (tmp_path / "s" / ".gongshi" / "cache" / "cache.sqlite3").is_file()  # next to content/, not in output/
    assert not any(".gongshi" in rel for rel in tree(site.output))


def test_new_as_of_redoes_exactly_the_records_whose_state_changed(tmp_path: Path):
    site = make_site(tmp_path / "s")
    build(site, A)
    warm = build(site, B)
    assert_same_tree(cold(site, B), site.output)
    # Between A and B: the 2025 penalty expired (no view at all), the notice went from
    # 公示中 to 公示期满, the law was repealed. Everything else was reused.
    views_hit, views_missed = warm["cache"]["views"]
    assert views_missed == 2 and views_hit >= 3
    assert not (site.output / "post/penalties/2025-030.html").exists()
    assert "公示期满" in (site.output / "in-process/notices/n-2026-003.html").read_text(encoding="utf-8")
    # Going back to A reuses A's entries: identical to a cold build of A.
    build(site, A)
    assert_same_tree(cold(site, A), site.output)


def test_a_new_date_changes_exactly_the_pages_whose_state_changed(tmp_path: Path):
    """The nightly case: same content, the next day. Nothing on the site prints the as-of
    date itself, so a day on which no record changes state leaves every byte as it was,
    and a day on which some do changes their pages and the pages listing them only."""
    site = make_site(tmp_path / "s")
    build(site, A)
    before = tree(site.output)
    build(site, "2026-11-23")  # a Monday: no window opens or closes
    assert tree(site.output) == before
    assert_same_tree(cold(site, "2026-11-23"), site.output)
    inode = (site.output / "post/inspections/i-031.html").stat().st_ino
    stats = build(site, B)  # the 2025 penalty expired, the notice's period ended, the law was repealed
    after = tree(site.output)
    # Unchanged pages are the very files published before (hard links), not rewritten copies.
    assert (site.output / "post/inspections/i-031.html").stat().st_ino == inode
    assert stats["cache"]["pages"][0] >= 5
    changed = {rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel)}
    assert {"post/penalties/2025-030.html", "in-process/notices/n-2026-003.html",
            "pre/laws/city-safety.html"} <= changed
    untouched = {"post/penalties/2026-007.html", "post/inspections/i-031.html", "pre/guides/flow.html",
                 "pre/agency.html", "pre/remedies.html", "search/index.html", "404.html", "robots.txt",
                 "post/inspections/index.html", "data/inspection.csv", "data/inspection.json"}
    assert not untouched & changed, sorted(untouched & changed)
    assert_same_tree(cold(site, B), site.output)


APPLICATION = """\
number: SQ-1
applicant: {name: 测试物流有限公司, kind: organization}
item: 危险化学品经营许可证核发
received: 2026-11-16
events:
  - {date: 2026-11-16, state: 受理}
"""


@pytest.mark.parametrize("env", [{}, {"GONGSHI_WORKERS": "2", "GONGSHI_PARALLEL_MIN_ITEMS": "1"}])
def test_a_page_rendered_again_into_the_same_bytes_is_the_published_file(tmp_path: Path, env: dict):
    """A pending application's working days left change every working day: its own page shows
    the new count, but the lists it is on show its row only, which is the same: those pages
    (keyed by the view, which changed) come out as published, and the build links the
    published file instead of writing a copy (a deployment that syncs changed files sees none)."""
    site = make_site(tmp_path / "s")
    site.write("in-process/applications/sq-1.yaml", APPLICATION)
    build(site, A, **env)
    before = {rel: (site.output / rel).stat().st_ino for rel in tree(site.output)}
    old = tree(site.output)
    stats = build(site, "2026-11-23", **env)  # Monday: one working day more, no state changes
    assert stats["cache"]["views"][1] >= 1  # the application's view was built again
    page = "in-process/applications/sq-1.html"
    assert "尚余 16 个工作日" in old[page].decode() and "尚余 15 个工作日" in tree(site.output)[page].decode()
    changed = [rel for rel, data in tree(site.output).items()
               if old.get(rel) != data and not rel.startswith("search/idx/")]
    assert changed == [page]
    listings = ["in-process/applications/index.html", "in-process/applications/2026/11/index.html",
                "in-process/applications/2026/index.html", "in-process/index.html"]
    assert all((site.output / rel).stat().st_ino == before[rel] for rel in listings)
    # Every other file is the published one: pages, data files, theme files, robots.txt,
    # attachments (the search index is each tree's own, generator.publish)
    relinked = [rel for rel, ino in before.items() if (site.output / rel).stat().st_ino != ino
                and not rel.startswith("search/idx/") and rel != page]
    assert not relinked, relinked
    assert_same_tree(cold(site, "2026-11-23"), site.output)
    # and the next day it is linked under its new key without rendering
    third = build(site, "2026-11-23", **env)
    assert third["cache"]["pages"][1] == 0


POOL = {"GONGSHI_WORKERS": "2", "GONGSHI_PARALLEL_MIN_ITEMS": "1"}  # the pool and the index child, small sites too


def test_the_index_child_writes_what_a_cold_build_writes_day_after_day(tmp_path: Path):
    """With a pool the search index is built by a child forked before the detail pages: it loads
    the last build's documents, then takes this build's pages (and their new documents)."""
    site = make_site(tmp_path / "s")
    first = build(site, A, **POOL)
    assert first["index"].get("background") is True
    for as_of, edit in ((B, None), (B, "发现问题，已责令整改"), (A, None), ("2026-11-23", None)):
        if edit:
            site.write("post/inspections/i-031.yaml", INSPECTION.replace("未发现问题", edit))
        stats = build(site, as_of, **POOL)
        assert stats["index"].get("background") is True
        assert_same_tree(cold(site, as_of), site.output)
        if edit:
            assert edit in (site.output / "post/inspections/i-031.html").read_text(encoding="utf-8")
            assert stats["index"]["docs_extracted"] == 0  # the worker that wrote the page extracted it
    assert_mirrors(site.root / "output.spare", site.output)


def test_edited_record_and_site_yaml_are_seen(tmp_path: Path):
    site = make_site(tmp_path / "s")
    build(site, A)
    site.write("post/inspections/i-031.yaml", INSPECTION.replace("未发现问题", "发现问题，已责令整改"))
    warm = build(site, A)
    assert warm["cache"]["records"][1] >= 1  # the edited file was parsed again
    assert "发现问题，已责令整改" in (site.output / "post/inspections/i-031.html").read_text(encoding="utf-8")
    assert_same_tree(cold(site, A), site.output)
    (site.content / "site.yaml").write_text(
        (site.content / "site.yaml").read_text(encoding="utf-8").replace("测试市人民路1号", "测试市人民路2号"),
        encoding="utf-8")
    warm = build(site, A)
    assert warm["cache"]["views"][0] == 0  # the site context is in every view's key
    assert_same_tree(cold(site, A), site.output)


def test_attachment_checks_are_never_cached(tmp_path: Path):
    site = make_site(tmp_path / "s")
    build(site, A)
    (site.content / "pre/guides/flow.svg").unlink()
    r = run_cli("build", "--content", str(site.content), "--output", str(site.output), "--as-of", A)
    assert r.code == 1 and "flow.svg" in r.err  # quarantined now, as a cold build would
    assert not (site.output / "pre/guides/flow.html").exists()


def test_broken_cache_is_rebuilt_and_never_fails_a_build(tmp_path: Path):
    site = make_site(tmp_path / "s")
    build(site, A)
    db = tmp_path / "s" / ".gongshi" / "cache" / "cache.sqlite3"
    for extra in db.parent.glob("cache.sqlite3-*"):
        extra.unlink()
    db.write_bytes(b"this is not a database" * 100)
    stats = build(site, A)
    assert stats["cache"]["records"][0] == 0
    assert_same_tree(cold(site, A), site.output)


def test_cache_off_and_check_write_no_cache(tmp_path: Path):
    site = make_site(tmp_path / "s")
    build(site, A, GONGSHI_CACHE="0")
    assert not (tmp_path / "s" / ".gongshi").exists()
    assert run_cli("check", "--content", str(site.content), "--as-of", A).code == 0
    assert not (tmp_path / "s" / ".gongshi").exists()
    elsewhere = tmp_path / "elsewhere"
    build(site, A, GONGSHI_CACHE_DIR=str(elsewhere))
    assert (elsewhere / "cache.sqlite3").is_file() and not (tmp_path / "s" / ".gongshi").exists()


# -- units ---------------------------------------------------------------------------------------

def test_a_prefetched_document_is_taken_only_for_the_very_page_it_was_read_from(tmp_path: Path):
    """The index child loads the last build's search documents before this build's pages exist
    (PageCache._prefetch); a page whose bytes changed since must be read again, whatever path
    it took: the old document may hold text the page no longer shows (a name now hidden)."""
    import pickle

    from generator import search_index as si

    out = tmp_path / "out"
    (out / "p").mkdir(parents=True)

    def page(text: str) -> str:
        return (f'<html><body><article data-pagefind-body><h1 data-pagefind-meta="title">第1号</h1>'
                f'<p>{text}</p></article></body></html>')

    (out / "p/1.html").write_text(page("当事人某公司"), encoding="utf-8")
    (out / "p/2.html").write_text(page("未变的页面"), encoding="utf-8")
    pc = PageCache(BuildCache(tmp_path / "cache"), tmp_path / "theme", date(2026, 11, 22))
    stale = gcache.dumps(si.extract(page("当事人张三丰"), "p/1.html"))  # the page as it was
    same = gcache.dumps(si.extract(page("未变的页面"), "p/2.html"))
    early = gcache._Prefetched(by_rel={"p/1.html": ("digest-then", stale), "p/2.html": ("digest-2", same)})
    stats, _ = pc._write_index(out, [("p/1.html", "digest-now"), ("p/2.html", "digest-2")], 1, 1, early=early)
    texts = [json.loads(gzip.decompress(f.read_bytes())) for f in sorted((out / si.INDEX_DIR / "d").glob("*.json.gz"))]
    shown = json.dumps(texts, ensure_ascii=False)
    assert "当事人某公司" in shown and "张三丰" not in shown
    assert stats["docs_extracted"] == 1  # p/1 read again; p/2, the very page, taken as loaded
    assert pickle.loads(same).text in shown


def test_keys_tell_their_parts_apart():
    """A key is made of parts (page, template, view keys...): parts joined differently, or
    the same text as str and bytes, are the same parts; moved boundaries are not."""
    d = gcache.digest
    assert d("ab", "c") != d("a", "bc") != d("abc") != d("abc", "")
    assert d("页", b"x", 3) == d("页".encode(), memoryview(b"x"), "3") and len(d()) == 64


def test_placeholder_round_trip_and_refusals():
    t = AsOfToken()
    page = f"<p>{t.strftime('%Y年%m月%d日')}</p><meta content=\"{t.isoformat()} 00:00\">{t}"
    assert fill(page, date(2026, 11, 22)) == '<p>2026年11月22日</p><meta content="2026-11-22 00:00">2026-11-22'
    for use in (lambda: t.year, lambda: t < date(2026, 1, 1), lambda: t == date(2026, 1, 1),
                lambda: date(2026, 1, 1) <= t, lambda: t.strftime("<%Y>"), lambda: {t: 1}):
        with pytest.raises(AsOfUsed):
            use()
    assert not hasattr(t, "__html__")  # markupsafe asks; the answer must be a plain "no"
    # Text in a record that looks like a placeholder of another build is left alone.
    forged = "\ue000" + "0" * 16 + ":" + "%Y".encode().hex() + "\ue001"
    assert fill(forged, date(2026, 11, 22)) == forged


def test_a_page_showing_the_date_is_rendered_again_the_next_day_others_are_linked(tmp_path: Path):
    from generator.model import PublicView
    from generator.render import Renderer, SiteView

    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "dated.html").write_text(
        "{{ v.title }}|{{ site.as_of.strftime('%m月%d日') }}|{% if site.as_of.year > 2025 %}新{% endif %}",
        encoding="utf-8")
    (theme / "templates" / "plain.html").write_text("{{ v.title }}", encoding="utf-8")
    v = PublicView(rid="x", type="guide", section="pre", url="pre/guides/x.html", title="指南", date=None,
                   year=None, status="", fields=(), body_html="")
    published = tmp_path / "output"

    def day(as_of: date, out: Path) -> Renderer:
        site_view = SiteView({"name": "测试局"}, as_of)
        renderer = Renderer(theme, out, site_view)
        cache = BuildCache(tmp_path / "cache")
        renderer.pages = PageCache(cache, theme, as_of, OutputReuse(cache, published, out))
        renderer.page("dated.html", "dated.html", v=v)
        renderer.page("plain.html", "plain.html", v=v)
        assert renderer.site is site_view
        renderer.pages.reuse.remember(renderer.pages.pages)
        cache.flush()
        cache.close()
        return renderer

    day(date(2026, 11, 22), published)  # the first build writes straight into output/
    assert (published / "dated.html").read_text(encoding="utf-8") == "指南|11月22日|新"
    staging = tmp_path / "staging"
    day(date(2026, 11, 23), staging)
    assert (staging / "dated.html").read_text(encoding="utf-8") == "指南|11月23日|新"
    assert (staging / "plain.html").stat().st_ino == (published / "plain.html").stat().st_ino
    assert (staging / "dated.html").stat().st_ino != (published / "dated.html").stat().st_ino


def test_an_edited_published_file_is_never_linked(tmp_path: Path):
    site = make_site(tmp_path / "s")
    build(site, A)
    page = site.output / "post/inspections/i-031.html"
    page.write_text(page.read_text(encoding="utf-8").replace("测试铝业", "篡改内容"), encoding="utf-8")
    stats = build(site, A)
    assert stats["cache"]["pages"][1] >= 1
    assert_same_tree(cold(site, A), site.output)


def test_views_read_the_as_of_date_only_where_the_cache_key_knows():
    """If ViewBuilder starts reading the as-of date somewhere new, the view cache key must learn it
    (generator.cache.AS_OF_IN_VIEW_TYPES / view_key), or a warm build could show a stale view."""
    src = inspect.getsource(gviews.ViewBuilder)
    uses = [line.strip() for line in src.splitlines() if "as_of" in line and "def __init__" not in line]
    assert uses == ["self.as_of = as_of",
                    'extra["repealed"] = bool(f.get("repealed_on") and f["repealed_on"] <= self.as_of)'], uses
    assert gcache.AS_OF_IN_VIEW_TYPES == {"law"}


def test_cache_generations_drop_unused_entries(tmp_path: Path):
    c = BuildCache(tmp_path)
    c.put("records", "old", b"1")
    c.flush()
    c.put("records", "kept", b"3")
    c.flush()
    for _ in range(3 * gcache.KEEP_GENERATIONS):  # dropped within 3 x KEEP_GENERATIONS builds
        c.put("records", "new", b"2")
        assert c.get("records", "kept") == b"3"  # used by every build: never dropped
        c.flush()
    assert c.get_many("records", ["kept"]) == {"kept": b"3"}
    assert c.get_many("records", ["old", "new"]) == {"new": b"2"}
    with sqlite3.connect(c.path) as conn:
        assert conn.execute("select count(*) from kv_records").fetchone()[0] == 2
        # the marks of use are dropped with what they mark, or when too old to matter
        assert {k for (k,) in conn.execute("select key from used_records")} <= {"kept"}
    c.close()


def test_cache_written_early_in_a_build_keeps_what_the_rest_of_the_build_uses(tmp_path: Path):
    """A build writes its cache while the search index child works (write_early), and settles
    every kind but the index's then: what the build uses or writes after that is kept all the
    same, and what no build uses still goes."""
    c = BuildCache(tmp_path)
    c.put("index", "late-used", b"1")
    c.put("views", "view", b"2")
    c.put("index", "unused", b"3")
    c.flush()
    for _ in range(3 * gcache.KEEP_GENERATIONS):
        assert c.get("views", "view") == b"2"
        c.put("views", "fresh", b"4")
        c.write_early()
        assert c.get("index", "late-used") == b"1"  # the index child's lookups come after
        c.put("index", "late-written", b"5")
        c.flush()
    assert c.get_many("index", ["late-used", "late-written", "unused"]) == {"late-used": b"1", "late-written": b"5"}
    assert c.get_many("views", ["view", "fresh"]) == {"view": b"2", "fresh": b"4"}
    c.close()


def test_jinja_never_sees_the_placeholder_object_as_undefined():
    env = jinja2.Environment(undefined=jinja2.ChainableUndefined, autoescape=True)
    out = env.from_string("{{ d.strftime('%Y-%m-%d') }} {{ d }}").render(d=AsOfToken())
    assert re.fullmatch("\ue000[0-9a-f]{16}:[0-9a-f]+\ue001 \ue000[0-9a-f]{16}:[0-9a-f]+\ue001", out)


def test_stats_file_reports_the_stage_split(tmp_path: Path):
    """bench/run.py prints where a build's time goes from GONGSHI_STATS_FILE."""
    stats = build(make_site(tmp_path / "s"), A)
    stages = stats["stages"]
    assert list(stages) == ["load", "validate", "lifecycle", "views", "pages", "index", "cache"]
    assert all(v >= 0 for v in stages.values())
    assert sum(stages.values()) <= stats["seconds"]["prepare"] + stats["seconds"]["render_and_index"] + 0.01


# -- the spare tree (generator.publish) ------------------------------------------------------

def _inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def assert_mirrors(spare: Path, output: Path) -> None:
    """The spare holds the files of output/ and nothing more: the very files (hard links), but
    for the search index, of which it may keep its own copies (written in place next time)."""
    mine, theirs = _inodes(spare), _inodes(output)
    assert set(mine) == set(theirs)
    for rel, ino in mine.items():
        if ino != theirs[rel]:
            assert rel.startswith("search/idx/") and (spare / rel).stat().st_nlink == 1, rel


def test_the_spare_tree_mirrors_output_and_keeps_no_expired_page(tmp_path: Path):
    site = make_site(tmp_path / "s")
    spare = site.root / "output.spare"
    build(site, A)
    build(site, A)  # the first swap: the spare is the old tree, brought level with output/
    assert_mirrors(spare, site.output)  # the same files (hard links), nothing more
    build(site, B)  # the 2025 penalty expired
    assert not (site.output / "post/penalties/2025-030.html").exists()
    assert_mirrors(spare, site.output)
    assert not (spare / "post/penalties/2025-030.html").exists()
    assert "2025-030" not in "".join(_inodes(spare))
    assert_same_tree(cold(site, B), site.output)


@pytest.mark.parametrize("cache", ["1", "0"])
def test_whatever_is_left_in_the_spare_never_reaches_output(tmp_path: Path, cache: str):
    """A killed build can leave anything in the spare: stray files, stale folders, a half-written
    page. The next build publishes only what it produced, byte for byte a cold build."""
    site = make_site(tmp_path / "s")
    spare = site.root / "output.spare"
    build(site, A, GONGSHI_CACHE=cache)
    build(site, A, GONGSHI_CACHE=cache)
    (spare / "post/penalties/planted.html").write_text("张三 110101199003077777", encoding="utf-8")
    (spare / "stale/deep").mkdir(parents=True)
    (spare / "stale/deep/x.html").write_text("旧页面", encoding="utf-8")
    (spare / "search/idx/t/zzz.json.gz").write_bytes(b"old index file")
    page = spare / "post/inspections/i-031.html"
    page.unlink()  # replaced, as a killed build's own half-written page would be
    page.write_text("<html>半截", encoding="utf-8")
    (spare / "index.html").unlink()  # and a page missing altogether
    build(site, A, GONGSHI_CACHE=cache)
    assert_same_tree(cold(site, A), site.output)
    assert not (site.output / "stale").exists()
    assert_mirrors(spare, site.output)


@pytest.mark.parametrize("cache", ["1", "0"])
def test_a_build_never_writes_into_a_published_file(tmp_path: Path, cache: str):
    """The spare shares its files with output/: every file a build writes must be a new one.
    A second link to each published file shows whether its bytes ever changed."""
    site = make_site(tmp_path / "s")
    build(site, A, GONGSHI_CACHE=cache)
    build(site, A, GONGSHI_CACHE=cache)
    before = tree(site.output)
    keep = site.root / "kept"
    for rel in before:
        (keep / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(site.output / rel, keep / rel)
    site.write("post/inspections/i-032.yaml",
               (site.content / "post/inspections/i-031.yaml").read_text(encoding="utf-8").replace("031", "032"))
    build(site, B, GONGSHI_CACHE=cache)  # pages, listings and the index all change
    assert tree(keep) == before
    assert tree(site.output) != before


@pytest.mark.parametrize("cache", ["1", "0"])
def test_the_spare_keeps_its_own_search_index_and_the_next_build_overwrites_it(tmp_path: Path, cache: str):
    """Each tree keeps its own copy of search/idx/ (it changes on most builds): the build after
    next overwrites those files in place instead of creating ~1,800 new ones, and publishes
    exactly a cold build's index all the same."""
    site = make_site(tmp_path / "s")
    spare = site.root / "output.spare"
    build(site, A, GONGSHI_CACHE=cache)
    build(site, B, GONGSHI_CACHE=cache)  # the index changes: the spare is A's tree, its index its own
    own = {rel: ino for rel, ino in _inodes(spare).items() if rel.startswith("search/idx/")}
    assert own and all((spare / rel).stat().st_nlink == 1 for rel in own)
    assert not set(own.values()) & set(_inodes(site.output).values())
    # An open descriptor is a witness that does not add a name (st_nlink stays 1) and keeps the
    # inode number from being reused: what it reads afterwards is what was written into that file.
    held = {rel: os.open(spare / rel, os.O_RDONLY) for rel in own}
    try:
        build(site, A, GONGSHI_CACHE=cache)  # into that spare: the same files, rewritten in place
        for rel, fd in held.items():
            published = site.output / rel
            assert published.exists() and os.fstat(fd).st_ino == published.stat().st_ino, rel
            assert os.pread(fd, 1 << 20, 0) == published.read_bytes(), rel
    finally:
        for fd in held.values():
            os.close(fd)
    assert_same_tree(cold(site, A), site.output)
    assert_mirrors(spare, site.output)


def _penalty_and_its_edit(tmp_path: Path) -> tuple[Path, Path, bytes, bytes, dict[str, str]]:
    """content/, a penalty file in it, its bytes, an edit of them, and the hash taken of the bytes."""
    import hashlib

    from tests.conftest import PENALTY_ORG

    content = tmp_path / "content"
    path = content / "post" / "penalties" / "a.md"
    path.parent.mkdir(parents=True)
    old = PENALTY_ORG.encode("utf-8")
    new = PENALTY_ORG.replace("未按规定开展安全培训案", "未按规定配备安全员案").encode("utf-8")
    return content, path, old, new, {"post/penalties/a.md": hashlib.sha256(old).hexdigest()}


def test_records_hashed_before_the_build_are_not_read_again_and_a_later_edit_is_never_cached(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The loader keys parsed records by the hashes generator.unchanged took just before the
    build; a file edited after that is parsed as it now is, and not cached under the old hash
    (else the day the file has its old bytes again, the cache would answer with the edit)."""
    import builtins

    from generator import parallel
    from generator.parallel import RecordStage

    content, path, old, new, known = _penalty_and_its_edit(tmp_path)
    opened: list[str] = []

    def counting_open(file, *args, **kwargs):
        opened.append(str(file))
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(parallel, "open", counting_open, raising=False)

    def titles(known_files: dict | None) -> list[str]:
        opened.clear()
        cache = BuildCache(tmp_path / "cache")
        stage = RecordStage(content, cache, 1, 200, known_files)
        raws = stage.load_all()[0]
        out = [stage.validate(r)[0].get("title") for r in raws]
        cache.flush()
        cache.close()
        return out

    path.write_bytes(new)  # edited after it was hashed
    assert titles(known) == ["测试化工有限公司未按规定配备安全员案"]
    assert opened == [str(path)]
    path.write_bytes(old)  # and back: the old hash is right again
    assert titles(known) == ["测试化工有限公司未按规定开展安全培训案"]
    assert titles(known) == ["测试化工有限公司未按规定开展安全培训案"]
    assert opened == []  # cached under its hash: not read again
    assert titles(None) == ["测试化工有限公司未按规定开展安全培训案"]
    assert opened == [str(path)]  # no hashes given: every file is read for its key


def test_a_record_edited_after_it_was_hashed_keys_no_view_by_the_old_hash(tmp_path: Path):
    """Its view (built from the edit) must not be cached under the key of the bytes that were
    hashed: the day the file has those bytes again, the page would show the edit."""
    from generator.pipeline import prepare
    from generator.policy import Policy

    content, path, old, new, known = _penalty_and_its_edit(tmp_path)

    def title(known_files: dict | None) -> str:
        cache = BuildCache(tmp_path / "cache")
        prepared = prepare(content, date(2026, 11, 22), Policy(), cache=cache, known_files=known_files)
        cache.flush()
        cache.close()
        return prepared.views[0].title

    path.write_bytes(new)  # edited after it was hashed
    assert title(known) == "测试化工有限公司未按规定配备安全员案"
    path.write_bytes(old)  # and back: the old hash is right again
    assert title(known) == "测试化工有限公司未按规定开展安全培训案"
    assert title(None) == "测试化工有限公司未按规定开展安全培训案"


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(tmp_path: Path):
    site = make_site(tmp_path / "s")
    build(site, A)
    kept = sorted((site.root / ".gongshi" / "cache" / "templates").glob("*/*.jinja"))
    assert len(kept) >= 5  # base, detail, listing, home, ... (one folder: this code version)
    for path in kept:
        path.write_bytes(b"j2 damaged")
    build(site, B)
    assert_same_tree(site.output, cold(site, B))
    # the templates this build rendered with were compiled again and kept (pages linked from the
    # last build need no template)
    assert any(p.read_bytes() != b"j2 damaged" for p in kept)
