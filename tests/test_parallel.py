"""Both cores: a build with the worker pool writes exactly the tree a build without it writes."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from generator import parallel
from generator.parallel import map_chunks, min_items_setting, workers_setting
from generator.pipeline import prepare
from generator.policy import Policy
from tests.conftest import SiteDir

AS_OF = "2026-11-22"

PERSON_PENALTY = """\
---
number: 测应急罚字〔2026〕{n}号
title: 李小明{n}未经许可经营烟花爆竹案
decided: 2026-{month:02d}-10
parties:
  - name: 李小明{n}
    kind: person
    id_number: "65230219850412003X"
    phone: "13899990001"
    address: 测试市博峰街道阳光花园小区5号楼2单元301室
facts: 李小明{n}未取得许可证销售烟花爆竹。
basis: 《烟花爆竹安全管理条例》第三十六条第二款
decision: 罚款人民币{n}000元
fine: {n}000
---

当事人：李小明{n}，身份证号码：652302 19850412 003X，联系电话：13899990001。现场负责人王大力{n}在场。
"""

ORG_INSPECTION = """\
date: 2026-{month:02d}-14
location: 测试市产业园西区{n}号
target:
  name: 测试{n}号铝业有限公司
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

REVOKED = """\
---
number: 测应急罚字〔2026〕99号
title: 测试商行未按规定储存案
decided: 2026-09-01
parties:
  - name: 测试商行
    kind: organization
facts: 未按规定储存。
basis: 《中华人民共和国安全生产法》第九十九条
decision: 罚款人民币5000元
status: revoked
revoked_on: 2026-10-01
revocation_reason: 经复议撤销。
---
"""

GUIDE = """\
---
title: 行政处罚流程图
attachments:
  - file: flow.svg
    title: 流程图
    alt: 立案、调查、告知、决定、送达、执行
    reviewed: true
---

本流程图适用于一般程序。
"""


def fill_site(site: SiteDir, n: int = 12) -> None:
    for i in range(1, n + 1):
        site.write(f"post/penalties/p-{i:03d}.md", PERSON_PENALTY.format(n=i, month=1 + i % 11))
        site.write(f"post/inspections/i-{i:03d}.yaml", ORG_INSPECTION.format(n=i, month=1 + i % 11))
    site.write("post/penalties/revoked.md", REVOKED)
    site.write("pre/guides/flow.md", GUIDE)
    (site.content / "pre/guides/flow.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    site.write("post/penalties/broken.md", "---\ntitle: [unclosed\n---\n")  # quarantined


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_pool_and_no_pool_write_identical_trees(tmp_path: Path):
    trees = {}
    for label, env in {
        "serial": {"GONGSHI_WORKERS": "1", "GONGSHI_CACHE": "0"},
        "pool": {"GONGSHI_WORKERS": "2", "GONGSHI_PARALLEL_MIN_ITEMS": "1", "GONGSHI_CACHE": "0"},
        "pool+cache": {"GONGSHI_WORKERS": "2", "GONGSHI_PARALLEL_MIN_ITEMS": "1", "GONGSHI_CACHE": "1"},
    }.items():
        root = tmp_path / label
        root.mkdir()
        site = SiteDir(root)
        fill_site(site)
        from tests.conftest import run_cli

        r = run_cli("build", "--content", str(site.content), "--output", str(site.output), "--as-of", AS_OF, env=env)
        assert r.code == 1, r.err  # broken.md is quarantined, everything else is published
        trees[label] = tree(site.output)
    assert trees["serial"].keys() == trees["pool"].keys() == trees["pool+cache"].keys()
    assert "post/penalties/p-001.html" in trees["serial"] and "files/pre/guides/flow-1.svg" in trees["serial"]
    for rel, data in trees["serial"].items():
        assert trees["pool"][rel] == data, rel
        assert trees["pool+cache"][rel] == data, rel


def test_prepare_with_pool_matches_prepare_without(tmp_path: Path):
    site = SiteDir(tmp_path)
    fill_site(site, 30)
    as_of = date.fromisoformat(AS_OF)
    calls_a: list[tuple[int, int]] = []
    calls_b: list[tuple[int, int]] = []
    a = prepare(site.content, as_of, Policy(), progress=lambda d, t: calls_a.append((d, t)))
    b = prepare(site.content, as_of, Policy(), progress=lambda d, t: calls_b.append((d, t)), workers=2, min_items=1)
    assert calls_a == calls_b and calls_a[-1] == (len(a.entries) * 2, len(a.entries) * 2)
    assert [(e.path, e.life, e.view, e.counts, e.problems) for e in a.entries] == \
           [(e.path, e.life, e.view, e.counts, e.problems) for e in b.entries]
    assert len(a.views) >= 60


def _square(start: int, stop: int) -> list[int]:
    return [(i * i, os.getpid()) for i in range(start, stop)]


def test_map_chunks_keeps_order_and_uses_workers():
    out = [x for chunk in map_chunks(_square, 1000, 2, 1) for x in chunk]
    assert [v for v, _ in out] == [i * i for i in range(1000)]
    assert os.getpid() not in {pid for _, pid in out}  # the work ran in forked workers
    serial = [x for chunk in map_chunks(_square, 1000, 1, 1) for x in chunk]
    assert {pid for _, pid in serial} == {os.getpid()}
    small = [x for chunk in map_chunks(_square, 5, 2, 200) for x in chunk]  # below the threshold: in-process
    assert {pid for _, pid in small} == {os.getpid()}


def _boom(start: int, stop: int) -> None:
    raise ValueError(f"chunk {start}")


def test_map_chunks_propagates_worker_errors():
    with pytest.raises(ValueError, match="chunk"):
        list(map_chunks(_boom, 100, 2, 1))
    assert parallel._TASK is None


def test_workers_setting(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GONGSHI_WORKERS", raising=False)
    cpus = len(os.sched_getaffinity(0))
    assert workers_setting({}) == max(1, min(cpus, parallel.DEFAULT_MAX_WORKERS))
    assert workers_setting({"GONGSHI_WORKERS": 3}) == 3
    monkeypatch.setenv("GONGSHI_WORKERS", "1")
    assert workers_setting({"GONGSHI_WORKERS": 3}) == 1  # the environment wins
    monkeypatch.setenv("GONGSHI_WORKERS", "many")
    assert workers_setting({}) == max(1, min(cpus, parallel.DEFAULT_MAX_WORKERS))
    monkeypatch.setenv("GONGSHI_WORKERS", "0")
    assert workers_setting({}) == 1
    monkeypatch.delenv("GONGSHI_PARALLEL_MIN_ITEMS", raising=False)
    assert min_items_setting({}) == parallel.DEFAULT_MIN_ITEMS


@pytest.mark.parametrize("workers", [1, 2])
def test_results_are_handed_out_as_soon_as_the_workers_are_done(workers: int):
    """A step-by-step meanwhile() does not hold back the results: with a pool, what waits for
    them (on_results: the search index) starts before the remaining steps; without, all steps
    run first. Either way every step runs once and the results come in order."""
    log: list[str] = []

    def meanwhile():
        for i in range(3):
            log.append(f"step{i}")
            if i == 0 and workers > 1:
                time.sleep(1.0)  # the workers finish their two short chunks meanwhile
            yield

    out = []
    for chunk in map_chunks(_square, 16, workers, 1, meanwhile=meanwhile, on_results=lambda: log.append("done")):
        out.extend(chunk)
    assert [v for v, _ in out] == [i * i for i in range(16)]
    if workers > 1:
        assert log == ["step0", "done", "step1", "step2"]
    else:
        assert log == ["step0", "step1", "step2", "done"]


def test_a_view_read_back_from_the_cache_unpickles_its_bulky_fields_only_when_read():
    """The views stage keeps a view as two pickles (generator.parallel.view_blob): listings,
    feed, sitemap and page keys read the small fields of every view; the summary table, body
    and open data are unpickled only for a page that is rendered. It is the same view."""
    import pickle
    from datetime import date

    from generator.model import VIEW_BULK_FIELDS, Field, PublicView, StoredView
    from generator.parallel import view_blob, view_result

    view = PublicView(rid="r1", type="penalty", section="post", url="post/penalties/r1.html", title="案件",
                      date=date(2026, 3, 1), year=2026, status="公示中",
                      fields=(Field("当事人", "测试公司", "party"),), body_html="<p>正文</p>",
                      withdrawal={"date": "2026-03-02"}, open_data={"party": "测试公司"},
                      summary="摘要", fine=1000.0, extra={"serious": True})
    kind, stored, counts = view_result(view_blob(("view", view, {"id_number": 2})))
    assert kind == "view" and counts == {"id_number": 2}
    assert isinstance(stored, StoredView) and isinstance(stored, PublicView)
    assert (stored.rid, stored.url, stored.date, stored.fine, stored.summary) == ("r1", view.url, view.date, 1000.0, "摘要")
    assert not any(name in stored.__dict__ for name in VIEW_BULK_FIELDS)  # not unpickled yet
    assert stored.body_html == "<p>正文</p>" and stored.extra == {"serious": True}
    assert all(name in stored.__dict__ for name in VIEW_BULK_FIELDS) and "_bulk" not in stored.__dict__
    assert stored == view and view == stored
    fresh = view_result(view_blob(("view", view, {})))[1]  # pickled before its bulk is read
    assert pickle.dumps(fresh) == pickle.dumps(stored)
    assert type(pickle.loads(pickle.dumps(fresh))) is PublicView and pickle.loads(pickle.dumps(fresh)) == view
    with pytest.raises(AttributeError):
        stored.no_such_field
    assert view_result(view_blob(("leak", "身份证号"))) == ("leak", "身份证号")


def test_the_string_scan_reads_file_names_as_pathlib_does(tmp_path: Path):
    """loader.scan_names (plain strings, for 10,000s of files) sorts, skips and names files exactly
    as the Path-based scan: the record id is the stem, odd names included."""
    from generator import loader

    content = tmp_path / "content"
    names = ["a.b.md", "x.", "plain", "UPPER.MD", "t.yaml", "guide.svg", "sheet.CSV", "._mac.md", "_draft.md",
             "~$lock.md", "p-1.md", "odd..yaml", "notes.txt"]
    for folder in ("post/penalties", "post/penalties/2026", "_hidden", "pre/laws"):
        for name in names:
            (content / folder).mkdir(parents=True, exist_ok=True)
            (content / folder / name).write_text("x", encoding="utf-8")
    (content / "site.yaml").write_text("x", encoding="utf-8")
    strings, stray_s, tables_s = loader.scan_names(content)
    paths, stray_p, tables_p = loader.scan(content)
    assert [Path(s) for s in strings] == paths and stray_s == stray_p and tables_s == tables_p
    # the old Path-based walk, inline: same files in the same order
    expected = []
    for root, dirs, files in os.walk(content):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        expected += [Path(root) / f for f in sorted(files) if not f.startswith((".", "~$", "_"))]
    assert [p for p in expected if p.suffix.lower() in loader.RECORD_SUFFIXES and p != content / "site.yaml"] == paths
    assert {p.suffix for p in expected if p.suffix.lower() not in
            loader.RECORD_SUFFIXES + loader.TABLE_SUFFIXES + loader.ATTACHMENT_SUFFIXES} == {"", ".txt"}
    for name in names + ["a", ".md", "a.tar.gz", "b."]:
        assert loader.stem(name) == Path(name).stem, name
        assert loader._suffix(name) == Path(name).suffix, name
