"""A build whose inputs and output are those of the last build does nothing (generator.unchanged).

Same content + same as-of date = the same output/, so `gongshi build` run again on what it
built last time touches nothing and says so; any change to anything it reads, or to output/
itself, makes it build as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from generator.publish import Publisher
from generator.unchanged import MEMO_FILE, RACY_NS, ContentHashes, Inputs, Memo, _hash_root
from tests.conftest import PENALTY_ORG, REPO, SiteDir, run_cli

UNCHANGED = "网站已是最新，未改动任何文件"

BROKEN = """\
---
number: 测应急罚字〔2026〕9号
title: 缺少决定日期的案件
parties:
  - name: 测试公司
    kind: organization
---
"""


def make_site(root: Path) -> SiteDir:
    root.mkdir()
    site = SiteDir(root)
    site.write("post/penalties/p1.md", PENALTY_ORG)
    return site


def stats_of(site: SiteDir) -> dict[str, tuple[int, int, int]]:
    """Every file of output/ and the spare: inode, size, mtime."""
    out = {}
    for tree in (site.output, site.root / "output.spare"):
        for p in sorted(tree.rglob("*")):
            st = p.stat(follow_symlinks=False)
            out[f"{tree.name}/{p.relative_to(tree).as_posix()}"] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def build(site: SiteDir, as_of: str = "2026-11-22", settings: Path | None = None, **env: str):
    stats = site.root / "stats.json"
    stats.unlink(missing_ok=True)
    args = ["build", "--content", str(site.content), "--output", str(site.output), "--as-of", as_of]
    if settings is not None:
        args += ["--settings", str(settings)]
    r = run_cli(*args, env={"GONGSHI_STATS_FILE": str(stats), **env})
    return r, json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {}


def test_the_same_build_again_touches_nothing_and_repeats_what_it_said(tmp_path: Path):
    site = make_site(tmp_path / "s")
    site.write("post/penalties/broken.md", BROKEN)
    first, _ = build(site)
    assert first.code == 1 and "decided" in first.err  # the broken record is reported, the rest built
    before = stats_of(site)
    second, stats = build(site)
    assert UNCHANGED in second.out and stats.get("unchanged") is True
    assert second.code == first.code
    assert second.err == first.err  # every problem is listed again, in the same words
    assert first.out.startswith("已生成 ") and second.out.startswith("内容、模板、设置和日期都与上次生成时相同")
    assert second.out.split("网站共 ")[1].split("，用时")[0] == first.out.split("已生成 ")[1].split("，用时")[0]
    assert stats_of(site) == before  # not a file written, linked or deleted, in output/ or the spare


@pytest.mark.parametrize("change", ["record", "as_of", "new_file", "removed_file", "template", "static",
                                    "settings", "environment"])
def test_any_change_to_what_the_build_reads_builds_again(tmp_path: Path, change: str):
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    settings = tmp_path / "pelicanconf.py"
    settings.write_text((REPO / "pelicanconf.py").read_text(encoding="utf-8") + f"\nTHEME = {str(theme)!r}\n",
                        encoding="utf-8")
    site = make_site(tmp_path / "s")
    site.write("post/penalties/p2.md", PENALTY_ORG.replace("1号", "2号").replace("测试化工", "另一化工"))
    assert build(site, settings=settings)[0].code == 0
    again, _ = build(site, settings=settings)
    assert UNCHANGED in again.out

    as_of, env = "2026-11-22", {}
    if change == "record":  # same size, one character: a content hash sees it, a size check would not
        p = site.content / "post/penalties/p1.md"
        p.write_text(p.read_text(encoding="utf-8").replace("测试化工", "测试石化"), encoding="utf-8")
    elif change == "as_of":
        as_of = "2026-11-23"
    elif change == "new_file":
        site.write("post/penalties/p3.md", PENALTY_ORG.replace("1号", "3号").replace("测试化工", "第三化工"))
    elif change == "removed_file":
        (site.content / "post/penalties/p2.md").unlink()
    elif change == "template":
        base = theme / "templates" / "base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("跳到正文", "跳至正文"), encoding="utf-8")
    elif change == "static":
        (theme / "static" / "css" / "site.css").write_text("body { color: #111; }\n", encoding="utf-8")
    elif change == "settings":
        settings.write_text(settings.read_text(encoding="utf-8") + "\nGONGSHI_PAGE_SIZE = 5\n", encoding="utf-8")
    elif change == "environment":
        env = {"GONGSHI_WORKERS": "1"}
    r, stats = build(site, as_of, settings=settings, **env)
    assert r.code == 0, r.err
    assert UNCHANGED not in r.out and "stages" in stats and "pages" in stats["stages"]
    text = site.all_text()
    if change == "record":
        assert "测试石化" in text
    elif change == "new_file":
        assert "第三化工" in text
    elif change == "removed_file":
        assert "另一化工" not in text
    elif change == "template":
        assert "跳至正文" in site.read("index.html")
    elif change == "static":
        assert site.read("theme/css/site.css") == "body { color: #111; }\n"
    # and the build after that, with nothing changed, is skipped again
    assert UNCHANGED in build(site, as_of, settings=settings, **env)[0].out


@pytest.mark.parametrize("tamper", ["edited", "added", "removed", "folder"])
def test_output_changed_by_hand_is_built_again_and_repaired(tmp_path: Path, tamper: str):
    site = make_site(tmp_path / "s")
    assert build(site)[0].code == 0
    expected = site.tree_digest()
    page = site.output / "index.html"
    if tamper == "edited":  # same size, written in place: a new mtime
        data = page.read_bytes()
        page.write_bytes(data.replace("首页".encode(), "首頁".encode()))
    elif tamper == "added":
        (site.output / "extra.html").write_text("<p>不该发布</p>", encoding="utf-8")
    elif tamper == "removed":
        page.unlink()
    else:
        (site.output / "leftover").mkdir()
    r, _ = build(site)
    assert r.code == 0 and UNCHANGED not in r.out
    assert site.tree_digest() == expected
    assert not (site.output / "leftover").exists()


def test_cache_off_or_skipping_off_builds_every_time(tmp_path: Path):
    site = make_site(tmp_path / "s")
    for env in ({"GONGSHI_CACHE": "0"}, {"GONGSHI_SKIP_UNCHANGED": "0"}):
        assert build(site, **env)[0].code == 0
        r, stats = build(site, **env)
        assert r.code == 0 and UNCHANGED not in r.out and "pages" in stats["stages"]


def test_while_another_build_holds_output_nothing_is_skipped_or_written(tmp_path: Path):
    site = make_site(tmp_path / "s")
    assert build(site)[0].code == 0
    before = stats_of(site)
    other = Publisher(site.output)
    assert other.lock()
    try:
        r, _ = build(site)
    finally:
        other.unlock()
    assert r.code == 2 and "另一个生成任务" in r.err and UNCHANGED not in r.out
    assert stats_of(site) == before


def inputs(site: SiteDir, day: date = date(2026, 11, 22), background: bool = False,
           early: ContentHashes | None = None, **settings) -> Inputs:
    got = Inputs(settings, None, site.content, REPO / "theme", day, early)
    if background:
        got.read_in_background()
        got.finish()
    else:
        got.read()
    return got


def test_a_file_edited_while_the_build_reads_it_is_not_taken_as_built(tmp_path: Path):
    site = make_site(tmp_path / "s")
    first = inputs(site)
    assert first.digest and first.unchanged_since()
    p = site.content / "post/penalties/p1.md"
    p.write_bytes(p.read_bytes())  # same bytes, written again: the build may have read either
    assert not first.unchanged_since()
    again = inputs(site, background=True)  # hashed by a forked process: the same
    assert (again.digest, again.meta) == (first.digest, first.meta) and again.unchanged_since()
    assert inputs(site, date(2026, 11, 23)).digest != first.digest
    assert inputs(site, GONGSHI_X=object()).digest is None  # not plain data: never skipped
    outside = tmp_path / "elsewhere.md"
    outside.write_text(PENALTY_ORG, encoding="utf-8")
    (site.content / "post/penalties/linked.md").symlink_to(outside)
    assert inputs(site).digest is None  # what a symlink points to could change unseen: never skipped


def test_inputs_checked_once_the_build_has_read_them_answer_for_that_moment(tmp_path: Path):
    """`gongshi build` checks its inputs while the search index is made (every page written,
    so every input read): an edit after that is in the next build's digest, not this one's; an
    edit before it means this build is not recorded."""
    site = make_site(tmp_path / "s")
    p = site.content / "post/penalties/p1.md"
    got = inputs(site)
    got.check_unchanged()
    p.write_bytes(p.read_bytes())  # after the build read everything
    assert got.unchanged_since()  # what the check found
    assert not got.unchanged_since()  # asked again later: now
    got = inputs(site)
    p.write_bytes(p.read_bytes())  # while the build reads
    got.check_unchanged()
    assert not got.unchanged_since()


def test_a_library_installed_or_upgraded_is_a_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The installed libraries (their metadata folders on sys.path, name and version) are part
    of what a build reads: after `pip install -U`, the same content is built again."""
    site = make_site(tmp_path / "s")
    libs = tmp_path / "libs"
    libs.mkdir()
    before = inputs(site).meta
    monkeypatch.syspath_prepend(str(libs))
    assert inputs(site).meta == before  # no library there yet
    (libs / "somelib-1.0.dist-info").mkdir()
    installed = inputs(site).meta
    assert installed != before
    (libs / "somelib-1.0.dist-info").rename(libs / "somelib-1.1.dist-info")
    assert inputs(site).meta not in (before, installed)


def test_the_build_hands_the_loader_the_hashes_it_took_of_content(tmp_path: Path):
    """Hashed once: the loader is given the content files' hashes (see test_cache's
    test_records_hashed_before_the_build_are_not_read_again...); with the cache off, none."""
    site = make_site(tmp_path / "s")
    site.write("post/penalties/p2.md", PENALTY_ORG.replace("1号", "2号"))
    files = sum(1 for p in site.content.rglob("*") if p.is_file())
    r, stats = build(site)
    assert r.code == 0 and stats["content_files_hashed_before"] == files
    r, stats = build(site, "2026-11-23")  # the nightly
    assert r.code == 0 and stats["content_files_hashed_before"] == files
    r, stats = build(site, "2026-11-24", GONGSHI_SKIP_UNCHANGED="0")  # still hashed, for the next build
    assert r.code == 0 and stats["content_files_hashed_before"] == files
    r, stats = build(site, "2026-11-25", GONGSHI_CACHE="0")
    assert r.code == 0 and stats["content_files_hashed_before"] is None


def test_content_hashed_before_the_settings_are_read_is_what_the_build_would_hash(tmp_path: Path):
    """`gongshi build --content DIR` forks the hashing of DIR before it reads the settings
    (ContentHashes); the inputs take those hashes: the same digest, stamps and per-file hashes
    as hashing then, and a file edited after that early hash still shows as edited."""
    site = make_site(tmp_path / "s")
    site.write("post/penalties/p2.md", PENALTY_ORG.replace("1号", "2号"))
    plain = inputs(site)
    for background in (False, True):
        early = inputs(site, background=background, early=ContentHashes(site.content))
        assert (early.digest, early.stamps, early.content_files) == (plain.digest, plain.stamps, plain.content_files)
        assert early.digest and early.unchanged_since()
    hashes = ContentHashes(site.content)
    p = site.content / "post/penalties/p2.md"
    got = Inputs({}, None, site.content, REPO / "theme", date(2026, 11, 22), hashes)
    got.read_in_background()  # nothing more to fork: content/ is being hashed
    select.select([hashes._child[1]], [], [], 60)  # the early hash is written; the build then reads the file ...
    p.write_bytes(p.read_bytes().replace("2号".encode(), "3号".encode()))  # ... edited in between
    got.finish()
    assert got.digest == plain.digest and not got.unchanged_since()  # hashed as it was: never recorded
    other = make_site(tmp_path / "other")
    elsewhere = inputs(site, early=ContentHashes(other.content))  # another folder: not taken
    assert elsewhere.digest == inputs(site).digest != inputs(other).digest
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.md").symlink_to(p)
    assert ContentHashes(broken).result() is None  # a symlink: nothing to hash with confidence
    unwanted = ContentHashes(site.content)
    unwanted.discard()  # the child is stopped and reaped; nothing is left to take
    assert unwanted.result() is None


# -- content/'s hashes kept between builds (generator.unchanged.Memo) ----------------------------

def test_kept_hashes_spare_reading_files_and_never_hide_an_edit(tmp_path: Path):
    """A build reads only the files whose inode, size, mtime or ctime changed since the last
    build read them; an edit that keeps the size and puts the mtime back still changes the
    ctime: it is read, built and published, never taken as unchanged."""
    site = make_site(tmp_path / "s")
    site.write("post/penalties/p2.md", PENALTY_ORG.replace("1号", "2号").replace("测试化工", "另一化工"))
    files = sum(1 for p in site.content.rglob("*") if p.is_file())
    time.sleep(RACY_NS / 1e9 + 0.2)  # older than the racy window when the first build reads them
    r, stats = build(site)
    assert r.code == 0 and stats["content_files_read"] == files  # nothing kept yet
    r, stats = build(site)
    assert UNCHANGED in r.out and stats["content_files_read"] == 0  # every hash taken as kept
    p = site.content / "post/penalties/p2.md"
    st = p.stat()
    p.write_text(p.read_text(encoding="utf-8").replace("另一化工", "另一石化"), encoding="utf-8")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (p.stat().st_size, p.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    r, stats = build(site)
    assert r.code == 0 and UNCHANGED not in r.out and stats["content_files_read"] == 1
    assert "另一石化" in site.all_text() and "另一化工" not in site.all_text()
    # a damaged file of kept hashes: every file is read, the build is the same
    memo_file = next(site.root.rglob(MEMO_FILE))
    memo_file.write_bytes(b"not a pickle")
    r, stats = build(site, "2026-11-23")
    assert r.code == 0 and stats["content_files_read"] == files


def test_a_kept_hash_is_taken_only_for_a_file_untouched_since_well_before_it_was_read(tmp_path: Path):
    """Memo.sha: the stamps must all be the same, and the file must have changed at least
    RACY_NS before the walk that read it began (an edit within the timestamp granularity of
    that read could have left the stamps as they were)."""
    site = make_site(tmp_path / "s")
    p = site.content / "post/penalties/p1.md"
    st = p.stat()
    real = hashlib.sha256(p.read_bytes()).hexdigest()
    bogus = "0" * 64  # what the memo says: taken only when the memo is trusted
    stamps = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def hashed(entry: tuple, root: Path = site.content) -> str:
        memo = Memo(os.fspath(site.content.resolve()))
        memo.fresh = {"post/penalties/p1.md": entry}  # what a walk read: what save() keeps
        memo.save(tmp_path)
        each: dict[str, str] = {}
        _hash_root(site.content.resolve(), each, Memo.load(tmp_path, root.resolve()))
        return each["post/penalties/p1.md"]

    assert hashed((*stamps, bogus, st.st_ctime_ns + RACY_NS + 1)) == bogus
    assert hashed((*stamps, bogus, st.st_ctime_ns + RACY_NS)) == real  # changed just within the window
    assert hashed((*stamps, bogus, st.st_ctime_ns + 1)) == real
    for i in range(4):  # inode, size, mtime, ctime: any one different
        other = list(stamps)
        other[i] += 1
        assert hashed((*other, bogus, st.st_ctime_ns + 10 * RACY_NS)) == real
    assert hashed((*stamps, "short", st.st_ctime_ns + 10 * RACY_NS)) == real  # a damaged entry
    assert hashed((*stamps,), site.content) == real
    assert hashed((*stamps, bogus, st.st_ctime_ns + 10 * RACY_NS), tmp_path) == real  # kept for another folder


def test_a_forked_build_process_dies_with_the_build(tmp_path: Path):
    """generator.procs.die_with_parent: a helper of a killed build does not live on holding its
    lock and pipes."""
    script = (
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from generator.procs import die_with_parent\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    die_with_parent()\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print(pid, flush=True)\n"
        "time.sleep(0.5)\n"
        "os._exit(0)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    child = int(out.stdout.strip())
    for _ in range(100):
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            break
        if state == "Z":
            break
        time.sleep(0.05)
    else:
        os.kill(child, 9)
        pytest.fail("the forked process outlived its parent")


@pytest.mark.parametrize("how", ["in_process", "background", "early"])
def test_kept_hashes_serve_every_way_the_build_hashes_content(tmp_path: Path, how: str,
                                                              monkeypatch: pytest.MonkeyPatch):
    """Without --content the settings name content/ and it is hashed in the foreground or by a
    forked process once they are read; with it, by ContentHashes from the start: each takes the
    kept hashes, and each gives the same digest and per-file hashes as reading every file."""
    import generator.unchanged as gu

    monkeypatch.setattr(gu, "RACY_NS", 0)  # files written just now count as settled
    monkeypatch.setenv("GONGSHI_CACHE_DIR", str(tmp_path / "cache"))  # where ContentHashes looks
    site = make_site(tmp_path / "s")
    site.write("post/penalties/p2.md", PENALTY_ORG.replace("1号", "2号"))
    plain = inputs(site)

    def hashed() -> Inputs:
        early = ContentHashes(site.content) if how == "early" else None
        got = Inputs({}, None, site.content, REPO / "theme", date(2026, 11, 22), early, memo_dir=tmp_path / "cache")
        if how == "in_process":
            got.read()
        else:
            got.read_in_background()
            got.finish()
        return got

    (tmp_path / "cache").mkdir()
    first = hashed()
    assert first.files_read == sum(1 for p in site.content.rglob("*") if p.is_file()) and first.memo_fresh
    first.save_memo()
    second = hashed()
    assert second.files_read == 0 and second.memo_fresh is None  # nothing read, nothing to keep anew
    for got in (first, second):
        assert (got.digest, got.content_files) == (plain.digest, plain.content_files)

