"""Citizen search index (generator/search_index.py): built from the public pages only.

Unit tests of the normalisation, tokens and page reader; end-to-end tests on a
built site: unpublished records leave no trace in the index files, withdrawal
notices are not indexed, the index is byte-identical across builds, and every
page containing a query holds all of the query's tokens (recall, checked here
in Python; tests/test_search_browser.py checks the same in Chromium).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator import search_index as si
from tests.conftest import REPO, run_cli
from tests.scan import decode_text

AS_OF = "2026-11-22"

# -- a site: the shipped sample plus planted records in every unpublished state -------------

ONLY_IN_LAW_NAME = """\
---
number: 阜应急罚字〔2026〕90号
title: 阜康市采购测试服务有限公司违规采购案
decided: 2026-10-20
parties:
  - name: 阜康市采购测试服务有限公司
    kind: organization
    legal_representative: 钱立新
facts: 该公司在采购活动中未按规定执行。
basis: 《中华人民共和国政府采购法》第七十七条
decision: 罚款人民币5000元
fine: 5000
---

经查，阜康市采购测试服务有限公司违反《中华人民共和国政府采购法》第七十七条的规定。
"""

PERSON_PENALTY = """\
---
number: 阜应急罚字〔2026〕91号
title: 欧阳娜娜未经许可储存烟花爆竹案
decided: 2026-10-21
parties:
  - name: 欧阳娜娜
    kind: person
    id_number: "652302199001011234"
    phone: "13899123456"
    address: 阜康市博峰街道幸福小区3号楼2单元501室
facts: 欧阳娜娜在其住处储存烟花爆竹。联系电话13899123456。
basis: 《烟花爆竹安全管理条例》第三十六条
decision: 罚款人民币3000元
fine: 3000
---

当事人欧阳娜娜，住址：阜康市博峰街道幸福小区3号楼2单元501室。
"""


def _penalty(number: str, marker: str, decided: str, extra: str = "") -> str:
    lines = [
        "---",
        f"number: 阜应急罚字〔{number}〕号",
        f"title: {marker}有限公司安全培训案",
        f"decided: {decided}",
        *[line for line in extra.splitlines() if line],
        "parties:",
        f"  - name: {marker}有限公司",
        "    kind: organization",
        "    legal_representative: 孔德明",
        f"facts: {marker}有限公司未按规定开展安全培训，{marker}事实。",
        "basis: 《中华人民共和国安全生产法》第二十八条",
        "decision: 罚款人民币12000元",
        "fine: 12000",
        "---",
        "",
        f"{marker}决定书全文。",
        "",
    ]
    return "\n".join(lines)


# marker -> (file, text); each marker appears only in that record
UNPUBLISHED = {
    "撤回标记甲": ("post/penalties/plant-withdrawn.md", _penalty(
        "2026〕92", "撤回标记甲", "2026-09-01",
        "status: revoked\nrevoked_on: 2026-11-10\nrevocation_reason: 复议撤销撤回原因乙")),
    "过期标记丙": ("post/penalties/plant-expired.md", _penalty("2020〕93", "过期标记丙", "2020-03-01")),
    "不予公开标记丁": ("post/penalties/plant-withheld.md", _penalty(
        "2026〕94", "不予公开标记丁", "2026-10-01", "withhold: commercial_secret")),
    "未到期标记戊": ("post/penalties/plant-embargoed.md", _penalty(
        "2026〕95", "未到期标记戊", "2026-10-02", "publish_on: 2027-01-05")),
    "草稿标记己": ("post/penalties/plant-draft.md", _penalty(
        "2026〕96", "草稿标记己", "2026-10-03", "status: draft")),
    "提前撤下标记庚": ("post/penalties/plant-ended.md", _penalty(
        "2026〕97", "提前撤下标记庚", "2026-03-01", "ended_on: 2026-10-01\nend_reason: 信用修复")),
    "错误标记辛": ("post/penalties/plant-broken.md", _penalty("2026〕98", "错误标记辛", "2026-13-45")),
}
WITHDRAWAL_ONLY = ("撤回原因乙", "阜应急罚字〔2026〕92号")  # shown on the withdrawal notice, never indexed

PROTECTED = ("欧阳娜娜", "652302199001011234", "13899123456", "幸福小区3号楼")

_BUILT: dict[str, Path] = {}


def build_search_site(tmp_path_factory, name: str = "search-site") -> Path:
    """Sample content + planted records, built once per test process; returns output/."""
    if name in _BUILT:
        return _BUILT[name]
    root = tmp_path_factory.mktemp(name)
    shutil.copytree(REPO / "content", root / "content")
    content = root / "content"
    (content / "post/penalties/plant-govlaw.md").write_text(ONLY_IN_LAW_NAME, encoding="utf-8")
    (content / "post/penalties/plant-person.md").write_text(PERSON_PENALTY, encoding="utf-8")
    for rel, text in UNPUBLISHED.values():
        (content / rel).write_text(text, encoding="utf-8")
    r = run_cli("build", "--content", str(content), "--output", str(root / "output"), "--as-of", AS_OF)
    assert r.code in (0, 1), r.out + r.err  # 1: the planted broken record is quarantined
    assert "plant-broken" in r.err
    _BUILT[name] = root / "output"
    return root / "output"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_search_site(tmp_path_factory)


def public_pages(out: Path) -> dict[str, str]:
    """url -> text of every indexable detail page, read with BeautifulSoup (independent of si)."""
    pages = {}
    for path in sorted(out.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        art = soup.find(attrs={"data-pagefind-body": True})
        if art is None:
            continue
        for ign in art.find_all(attrs={"data-pagefind-ignore": True}):
            ign.decompose()
        pages[path.relative_to(out).as_posix()] = " ".join(art.get_text(" ").split())
    return pages


def read_index(out: Path) -> tuple[dict, dict[str, list[int]], list[list]]:
    root = out / si.INDEX_DIR
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    table: dict[str, list[int]] = {}
    for f in sorted((root / "t").glob("*.json.gz")):
        for tok, deltas in json.loads(gzip.decompress(f.read_bytes())).items():
            ids, n = [], 0
            for d in deltas:
                n += d
                ids.append(n)
            table[tok] = ids
    docs: list[list] = []
    for k in range((manifest["docs"] + manifest["chunk"] - 1) // manifest["chunk"]):
        docs.extend(json.loads(gzip.decompress((root / f"d/{k}.json.gz").read_bytes())))
    return manifest, table, docs


def python_search(table: dict[str, list[int]], docs: list[list], query: str) -> list[str]:
    """The browser algorithm, in Python: AND of the words' tokens, then a check on the text."""
    raw = [w for w in query.split() if si.normalize(w)]
    words = [si.normalize(w) for w in raw]

    def candidates(numbers: bool) -> set[int]:
        ids = None
        for w, r in zip(words, raw):
            for tok in si.query_tokens(w) + (si.query_number_tokens(r) if numbers else []):
                got = set(table.get(tok, []))
                ids = got if ids is None else ids & got
        return ids if ids is not None else set(range(len(docs)))

    ids = candidates(True) or candidates(False)
    return [docs[i][0] for i in sorted(ids) if all(w in si.normalize(docs[i][5]) for w in words)]


# -- unit tests ------------------------------------------------------------------------------

def test_normalize_drops_separators_and_folds_width_and_case():
    assert si.normalize("阜应急罚字〔2023〕40号") == "阜应急罚字202340号"
    assert si.normalize("阜应急罚字[2023]40号") == si.normalize("阜应急罚字 2023 40号")
    assert si.normalize("ＡＢＣ１２３ Co.,Ltd") == "abc123coltd"
    assert si.normalize("《中华人民共和国政府采购法》") == "中华人民共和国政府采购法"


def test_tokens_cover_every_substring():
    text = si.normalize("违反了中华人民共和国政府采购法第三条")
    toks = si.doc_tokens(text)
    for i in range(len(text)):
        for j in range(i + 1, len(text) + 1):
            assert set(si.query_tokens(text[i:j])) <= toks, text[i:j]
    raw = "阜应急罚字〔2023〕40号，罚款２００００元，电话0994-3235169。"
    nums = si.number_tokens(raw)
    assert {"#2023", "#40", "#40号", "#20000", "#20000元", "#0994", "#3235169"} == nums
    for i in range(len(raw)):
        for j in range(i + 1, len(raw) + 1):
            assert set(si.query_number_tokens(raw[i:j])) <= nums, raw[i:j]
    assert si.query_number_tokens("〔2026〕1号") == ["#2026", "#1", "#1号"]
    assert si.query_number_tokens("2026〕1") == []  # numbers at the ends may be longer in the page
    assert si.query_tokens("政府") == ["政府"]
    assert si.query_tokens("政府采购法") == ["政府", "采购", "购法"]
    assert si.query_tokens("府") == ["府"]


def test_fnv1a_matches_reference_values():
    # values of the same function in search.js (checked in the browser test)
    assert si.fnv1a("") == 0x811C9DC5
    assert si.fnv1a("a") == 0xE40C292C
    assert si.fnv1a("政府") == si.fnv1a("政府") and si.fnv1a("政府") != si.fnv1a("府政")


def test_extract_follows_pagefind_attributes():
    html = """<html><body><header>站点页头 不计入</header>
    <article data-pagefind-body><h1 data-pagefind-meta="title">标题甲</h1>
    <p class="meta"><span data-pagefind-filter="type">行政处罚</span> ·
      <time datetime="2024-05-06" data-pagefind-meta="date[datetime]" data-pagefind-filter="year:2024">2024-05-06</time>
      <span data-pagefind-filter="status"><span class="status">公示期满 · 已更正</span></span></p>
    <table><tr><th>文号</th><td>测罚〔2024〕1号</td></tr></table>
    <div data-pagefind-ignore>忽略的内容</div><script>var x = "脚本";</script>
    <p>正文&amp;内容<br>第二行</p></article><footer>页脚</footer></body></html>"""
    doc = si.extract(html, "post/penalties/x.html")
    assert doc is not None
    assert doc.title == "标题甲"
    assert doc.type == "行政处罚" and doc.year == 2024 and doc.date == "2024-05-06"
    assert doc.statuses == ["公示期满", "已更正"]
    assert "文号 测罚〔2024〕1号" in doc.text and "正文&内容 第二行" in doc.text
    for absent in ("站点页头", "忽略的内容", "脚本", "页脚"):
        assert absent not in doc.text
    assert si.extract("<html><body><article><h1>无标记</h1></article></body></html>", "a.html") is None


def test_index_is_deterministic_for_the_same_pages(tmp_path: Path):
    docs = [si.PageDoc(url=f"p/{i}.html", title=f"标题{i}", text=f"标题{i} 内容{i % 3} 政府采购法",
                       filters={"type": ["行政处罚"], "year": [str(2020 + i % 4)], "status": ["公示中"]},
                       meta={"date": f"202{i % 4}-01-0{1 + i % 9}"}) for i in range(40)]
    a, b = tmp_path / "a", tmp_path / "b"
    stats = si.write_index(a, docs)
    assert si.write_index(b, list(reversed(docs))) == stats  # input order does not matter
    assert si.write_index(tmp_path / "c", docs, processes=2) == stats  # a forked helper writes half
    assert_same_tree(a, b)
    assert_same_tree(a, tmp_path / "c")


def assert_same_tree(a: Path, b: Path) -> None:
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and files_a
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_index_files_are_complete_when_the_forked_helper_fails(tmp_path: Path):
    import os
    from functools import partial

    parent = os.getpid()

    def job(n: int) -> list[tuple[str, bytes]]:
        if os.getpid() != parent and n == 3:
            raise RuntimeError("helper dies")
        return [(f"{n}.txt", str(n).encode()), (f"{n}b.txt", b"b")]

    written = si._write_files(tmp_path, [partial(job, n) for n in range(6)], processes=2)
    assert sorted(written) == sorted([f"{n}.txt" for n in range(6)] + [f"{n}b.txt" for n in range(6)])
    assert [(tmp_path / f"{n}.txt").read_bytes() for n in range(6)] == [str(n).encode() for n in range(6)]


# -- end to end ------------------------------------------------------------------------------

def test_index_written_and_only_detail_pages_indexed(built: Path):
    manifest, table, docs = read_index(built)
    pages = public_pages(built)
    assert manifest["docs"] == len(docs) == len(pages) > 50
    assert sorted(d[0] for d in docs) == sorted(pages)
    urls = {d[0] for d in docs}
    assert "post/penalties/2026-015.html" not in urls  # sample's withdrawal notice
    assert "post/penalties/plant-withdrawn.html" not in urls
    assert (built / "post/penalties/plant-withdrawn.html").is_file()  # the notice itself is published
    assert not any(u.startswith(("search/", "index.html", "stats/", "data/")) for u in urls)
    assert "行政处罚" in manifest["types"] and 2023 in manifest["years"]
    # newest first
    dates = [d[3] for d in docs if d[3]]
    assert dates == sorted(dates, reverse=True)


def test_nothing_unpublished_in_the_index_files(built: Path):
    root = built / si.INDEX_DIR
    decoded = "\n".join(decode_text(p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file())
    squashed = si.normalize(decoded)
    for marker in list(UNPUBLISHED) + list(WITHDRAWAL_ONLY):
        assert marker not in decoded, marker
        assert si.normalize(marker) not in squashed, marker
    _, table, docs = read_index(built)
    for marker in list(UNPUBLISHED) + list(WITHDRAWAL_ONLY):
        assert python_search(table, docs, marker) == [], marker
    for value in PROTECTED:
        assert value not in decoded and si.normalize(value) not in squashed, value
    # the redacted alias is there
    assert "欧阳某" in decoded


def test_unpublished_markers_absent_from_whole_output_except_withdrawal_notice(built: Path):
    from tests.scan import decoded_output

    everything = decoded_output(built)
    for marker in UNPUBLISHED:
        if marker == "撤回标记甲":
            continue  # its title is on its withdrawal notice by design (文号, 名称, 日期, 原因)
        assert marker not in everything, marker


def test_python_recall_on_every_page(built: Path):
    """Every substring of every page is found (bigram AND + text check), sampled densely."""
    import random

    _, table, docs = read_index(built)
    pages = public_pages(built)
    rnd = random.Random(7)
    queries = {"政府", "李某", "阜应急罚字〔2023〕40号", "中华人民共和国政府采购法", "第九十七条", "罚"}
    texts = list(pages.values())
    for _ in range(300):
        t = rnd.choice(texts)
        n = rnd.choice([1, 2, 2, 3, 4, 6, 9, 14])
        i = rnd.randrange(0, max(1, len(t) - n))
        q = t[i : i + n].strip()
        if si.normalize(q):
            queries.add(q)
    for q in sorted(queries):
        expected = {u for u, text in pages.items() if q in text}
        found = set(python_search(table, docs, q))
        assert expected <= found, (q, expected - found)
        words = [si.normalize(w) for w in q.split() if si.normalize(w)]
        assert all(w in si.normalize(pages[u]) for u in found for w in words), q


def test_govt_inside_law_name_is_found(built: Path):
    _, table, docs = read_index(built)
    found = python_search(table, docs, "政府")
    assert "post/penalties/plant-govlaw.html" in found
    assert "post/penalties/plant-govlaw.html" in python_search(table, docs, "政府采购")


def test_two_builds_give_identical_index(tmp_path_factory, built: Path):
    root = tmp_path_factory.mktemp("again")
    content = built.parent / "content"
    r = run_cli("build", "--content", str(content), "--output", str(root / "output"), "--as-of", AS_OF)
    assert r.code in (0, 1), r.err
    a, b = built / si.INDEX_DIR, root / "output" / si.INDEX_DIR
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and files_a
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_expired_record_leaves_the_index_on_a_later_rebuild(site):
    site.write("post/penalties/2026-001.md", _penalty("2026〕1", "一年后撤下标记", "2026-10-10"))
    assert site.build("2026-11-22").code == 0
    _, table, docs = read_index(site.output)
    assert python_search(table, docs, "一年后撤下标记") == ["post/penalties/2026-001.html"]
    assert site.build("2028-01-01").code == 0
    _, table, docs = read_index(site.output)
    assert python_search(table, docs, "一年后撤下标记") == []
    assert "一年后撤下标记" not in site.all_text()


def test_search_page_has_labelled_form_and_filters(built: Path):
    soup = BeautifulSoup((built / "search/index.html").read_text(encoding="utf-8"), "html.parser")
    form = soup.find("form", id="search-form")
    assert form is not None and form.get("role") == "search"
    for name in ("q", "type", "year", "status"):
        field = form.find(attrs={"name": name})
        assert field is not None, name
        assert soup.find("label", attrs={"for": field["id"]}) is not None, name
    assert soup.find(id="search-status").get("role") == "status"
    assert soup.find("script", src=re.compile(r"theme/js/search\.js$")) is not None
    assert (built / "theme/js/search.js").is_file()
