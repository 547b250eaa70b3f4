"""Citizen search index, fast paths (generator/search_index.py): the page reader, tokens carried
by the documents and write_index.

The expected values of the reader were those of the html.parser-based reader it replaced (checked
on every page of a 10,000-record site as well); where that one crashed (nested element-text
captures), the values are the sensible ones. bench/bench_index_speed.py measures the speed.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
import random
from pathlib import Path

import pytest

from generator import search_index as si

# -- the page reader --------------------------------------------------------------------------

CASES = {
    "unclosed": (
        "<main><article data-pagefind-body><h1>标题</h1><ul><li>一<li>二</ul><p>段一<p>段二<div>块"
        "<span>行内</article><p>页脚",
        ("标题", "标题 一 二 段一 段二 块行内", {}, {"title": "标题"}),
    ),
    "quotes": (
        "<article data-pagefind-body><p title='a>b' data-x=c>甲</p>"
        '<a href="x>y" data-pagefind-meta="link[href]">乙</a><a href=/p/q.html>丙</a><a b="c"/>丁</article>',
        ("", "甲 乙丙丁", {}, {"link": "x>y"}),
    ),
    "comments_and_upper_case": (
        '<ARTICLE data-pagefind-body><!-- <h1>注释</h1> data-pagefind-ignore --><H1 Class="t">大写</H1>'
        '<P>正文<BR>换行</P><SPAN DATA-PAGEFIND-FILTER="Type" Data-Pagefind-Meta="m:v">类</SPAN></ARTICLE>',
        ("大写", "大写 正文 换行 类", {"Type": ["类"]}, {"title": "大写", "m": "v"}),
    ),
    "raw_text_and_skipped": (
        '<article data-pagefind-body><script>if (a<b) document.write("<h1>x</h1></p>")</script>'
        '<style>p>b{color:red}</style><svg viewBox="0 0 1 1"><text>图</text></svg><svg/><p>可见</p>'
        "<template><p>模板</p></template></article>",
        ("", "可见", {}, {}),
    ),
    "character_references": (
        '<article data-pagefind-body data-pagefind-meta="k:a&amp;b"><h1>A&amp;B &lt;p&gt; &#x4e2d;&#25991; '
        '&copy &nbsp;x</h1><span data-pagefind-filter="v[data-v]" data-v="1&lt;2"></span></article>',
        ("A&B <p> 中文 © x", "A&B <p> 中文 © x", {"v": ["1<2"]}, {"k": "a&b", "title": "A&B <p> 中文 © x"}),
    ),
    "ignore": (
        "<article data-pagefind-body><p>前<div data-pagefind-ignore>忽略<p>内<br></div>后</p>"
        '<span data-pagefind-ignore="all">不<b>计</b></span>尾<hr data-pagefind-ignore>末</article>',
        ("", "前 后 尾末", {}, {}),
    ),
    "filters_and_meta": (
        '<section data-pagefind-body><h1 data-pagefind-filter="kind">行政处罚</h1>'
        '<h2 data-pagefind-meta="title">副标题</h2><time datetime="2024-05-06" '
        'data-pagefind-meta="date[datetime], weekday:一" data-pagefind-filter="year:2024, year:2024">五月</time>'
        '<span data-pagefind-filter="status">公示中 · 已更正 · 公示中</span>'
        '<img data-pagefind-meta="image[src], alt[alt]" src="a.png" alt="图">'
        '<span data-pagefind-filter=" ,:x,[y],z[ w ]" w="W"></span></section>',
        ("行政处罚", "行政处罚 副标题 五月公示中 · 已更正 · 公示中",
         {"kind": ["行政处罚"], "year": ["2024"], "status": ["公示中", "已更正"], "z": ["W"]},
         {"title": "行政处罚", "date": "2024-05-06", "weekday": "一", "image": "a.png", "alt": "图"}),
    ),
    "reading_starts_at_the_body": (  # </div> has no open <div>; the second body marker opens nothing
        '<header><h1>站点</h1></header><div><article data-pagefind-body><p>内容<span>未闭合</div><p>外面</p>'
        "<article data-pagefind-body><p>第二个</p></article>",
        ("", "内容未闭合 外面 第二个", {}, {}),
    ),
    "the_body_ends": (
        "<article data-pagefind-body><p>内容<div><b>未闭合</article><p>页脚</p>",
        ("", "内容 未闭合", {}, {}),
    ),
    "broken_markup": (
        "<article data-pagefind-body>a < b<c 1 > 2 &amp x</ p>y<!x>z<?pi>w<![CDATA[q]]>v<!-- unterminated",
        ("", "a < b 2 & xyzwv<!-- unterminated", {}, {}),
    ),
    "nested_captures": (  # html.parser-based reader: ValueError
        '<article data-pagefind-body><h1 data-pagefind-meta="title"><span data-pagefind-filter="x">T</span>'
        'more</h1><div data-pagefind-meta="a"><span data-pagefind-meta="b">S</span>rest</div></article>',
        ("Tmore", "Tmore Srest", {"x": ["T"]}, {"title": "Tmore", "b": "S", "a": "Srest"}),
    ),
    "self_closing": (
        "<article data-pagefind-body><p/>一<div/>二<span/>三<br/>四<h1/>五<h1>六</h1></article>",
        ("六", "一 二三 四 五 六", {}, {"title": "六"}),
    ),
    "void_element_opens_no_body": (
        "<img data-pagefind-body><p>前</p><div data-pagefind-body>后</div>",
        ("", "后", {}, {}),
    ),
    "body_marker_in_text_and_values": (
        '<p>data-pagefind-body</p><p title="a data-pagefind-body">外</p><a title="x>y data-pagefind-body">链</a>'
        '<div\ndata-pagefind-body="">正文</div>',
        ("", "正文", {}, {}),
    ),
    "empty_body": ("<div id=data-pagefind-body>不算</div><main data-pagefind-body/>空", ("", "", {}, {})),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_extract_tricky_markup(name: str):
    html, expected = CASES[name]
    doc = si.extract(html, "x.html")
    assert doc is not None
    assert (doc.title, doc.text, doc.filters, doc.meta) == expected
    assert doc.tokens == si.page_tokens(doc.text)


def test_extract_without_a_body():
    for html in ("<article><h1 data-pagefind-body-x>无</h1><p>data-pagefind-body in text</p></article>",
                 "<ARTICLE DATA-PAGEFIND-BODY><p>大写的标记不算</p></ARTICLE>", "", "<"):
        assert si.extract(html, "x.html") is None, html


# -- tokens carried by the documents ----------------------------------------------------------

TEXTS = ["", "府", "政府", "阜应急罚字〔2023〕40号，罚款２００００元，电话0994-3235169。", "㈱①②〔2026〕1号 ＡＢＣ Co.,Ltd",
         "12", "#40 号 40", "中华人民共和国政府采购法 第七十七条 2024-05-06"]


@pytest.mark.parametrize("text", TEXTS)
def test_page_tokens_are_the_tokens_of_the_text(text: str):
    expected = si.doc_tokens(si.normalize(text)) | si.number_tokens(text)
    got = si.page_tokens(text)
    toks = got.split("\n") if got else []
    assert len(toks) == len(set(toks)) and set(toks) == expected
    assert si.PageDoc("a.html", text=text).token_list() == toks  # computed when not carried


def _docs(n: int = 60) -> list[si.PageDoc]:
    docs = []
    for i in range(n):
        html = (f'<article data-pagefind-body><h1 data-pagefind-meta="title">标题{i}</h1>'
                f'<span data-pagefind-filter="type">{("行政处罚", "行政许可")[i % 2]}</span>'
                f'<time datetime="202{i % 4}-0{1 + i % 9}-1{i % 7}" data-pagefind-meta="date[datetime]" '
                f'data-pagefind-filter="year:202{i % 4}">x</time><span data-pagefind-filter="status">公示中</span>'
                f"<p>内容{i % 5} 政府采购法〔2024〕{i}号 电话0994-{i:04d}</p></article>")
        doc = si.extract(html, f"p/{i}.html")
        assert doc is not None
        docs.append(doc)
    docs.append(si.PageDoc(url="p/undated.html", title="无日期", text="无日期 页面"))
    return docs


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_documents_pickled_without_tokens_give_the_same_index(tmp_path: Path):
    docs = _docs()
    bare = []
    for d in docs:  # as pickled before PageDoc had tokens
        old = si.PageDoc.__new__(si.PageDoc)
        old.__dict__.update({k: v for k, v in vars(d).items() if k != "tokens"})
        bare.append(pickle.loads(pickle.dumps(old)))
    assert all(d.tokens is None for d in bare) and all(d.tokens for d in docs[:-1])
    si.write_index(tmp_path / "a", docs)
    si.write_index(tmp_path / "b", bare)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_index_files_hold_the_delta_coded_posting_lists(tmp_path: Path):
    docs = _docs()
    stats = si.write_index(tmp_path, docs)
    root = tmp_path / si.INDEX_DIR
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    texts = [row for k in range(-(-manifest["docs"] // si.CHUNK))
             for row in json.loads(gzip.decompress((root / f"d/{k}.json.gz").read_bytes()))]
    expected: dict[str, list[int]] = {}
    for n, row in enumerate(texts):  # newest first, undated last
        for tok in si.doc_tokens(si.normalize(row[5])) | si.number_tokens(row[5]):
            expected.setdefault(tok, []).append(n)
    assert [row[3] for row in texts] == sorted((d.date for d in docs), reverse=True)
    table: dict[str, list[int]] = {}
    for b in range(manifest["buckets"]):
        raw = gzip.decompress((root / f"t/{b:03x}.json.gz").read_bytes())
        part = json.loads(raw)
        assert raw == json.dumps(part, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        for tok, deltas in part.items():
            assert si.fnv1a(tok) & (manifest["buckets"] - 1) == b
            ids, n = [], 0
            for delta in deltas:
                n += delta
                ids.append(n)
            table[tok] = ids
    assert table == expected
    assert stats["tokens"] == len(expected) and stats["postings"] == sum(map(len, expected.values()))


def _many_docs(n: int, seed: int) -> list[si.PageDoc]:
    """n documents over a small alphabet: tokens shared by a few or by almost all of them, so
    the delta-coded lists hold numbers of one to four digits and there are several buckets."""
    rnd = random.Random(seed)
    alphabet = "安全生产监督管理局行政处罚决定书检查许可证号年月日" + "0123456789"
    docs = []
    for i in range(n):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 120)))
        docs.append(si.PageDoc(f"p/{i}.html", title=f"第{i}号", text=text,
                               meta={"date": f"20{rnd.randrange(20, 27)}-0{rnd.randrange(1, 10)}-1{rnd.randrange(10)}"}))
    return docs


def _reference_buckets(docs: list[si.PageDoc], buckets: int) -> list[bytes]:
    """The bucket files' JSON as the first implementation built it: a dict of lists per bucket."""
    table: list[dict[str, list[int]]] = [{} for _ in range(buckets)]
    for n, d in enumerate(si._order(docs)):
        for tok in dict.fromkeys(d.token_list()):
            table[si.fnv1a(tok) & (buckets - 1)].setdefault(tok, []).append(n)
    out = []
    for part in table:
        deltas = {tok: [ids[0]] + [b - a for a, b in zip(ids, ids[1:])] for tok, ids in part.items()}
        out.append(json.dumps(deltas, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return out


@pytest.mark.parametrize("processes,per_part", [(1, None), (2, None), (1, 20_000), (2, 20_000)])
def test_bucket_files_match_the_plain_dict_of_lists_at_scale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             processes: int, per_part: int | None):
    """processes 2: a forked helper writes every other file; per_part: the bucket texts are made
    a part of the buckets at a time (as for 100,000 records)."""
    monkeypatch.setattr(si, "TARGET_POSTINGS_PER_BUCKET", 500)  # several buckets from a few thousand pages
    if per_part:
        monkeypatch.setattr(si, "POSTINGS_PER_PART", per_part)
    docs = _many_docs(2500, 7)
    stats = si.write_index(tmp_path, docs, processes=processes)
    assert stats["buckets"] > 8
    assert stats["tokens"] == len({t for d in docs for t in d.token_list()})
    root = tmp_path / si.INDEX_DIR
    got = [gzip.decompress((root / f"t/{b:03x}.json.gz").read_bytes()) for b in range(stats["buckets"])]
    ref = _reference_buckets(docs, stats["buckets"])
    assert max(max(map(abs, v)) for raw in got for v in json.loads(raw).values()) >= 1000
    assert got == ref


def test_a_kept_vocabulary_writes_the_same_index(tmp_path: Path):
    """generator.cache keeps the vocabulary and each document's token numbers between builds:
    numbers from an older, larger vocabulary give exactly the files of a fresh one."""
    old = _many_docs(400, 1)
    vocab = si.Vocabulary()
    vocab.number(old + [si.PageDoc("x.html", text="词表里 另有 别的 词 #12345")])
    kept = si.Vocabulary.from_state(pickle.loads(pickle.dumps(vocab.state())))
    docs = old[:300] + _many_docs(450, 2)[300:]  # 300 documents known, 150 new ones
    for d in docs[:300]:
        d.tids = pickle.loads(pickle.dumps(d.tids))
    si.write_index(tmp_path / "kept", docs, vocab=kept)
    assert kept.grown and kept.uid == vocab.uid
    fresh = [si.PageDoc(d.url, d.title, d.text, d.filters, d.meta) for d in docs]
    si.write_index(tmp_path / "fresh", fresh)
    assert _tree(tmp_path / "kept") == _tree(tmp_path / "fresh")


# -- determinism ------------------------------------------------------------------------------

def test_index_bytes_do_not_depend_on_the_order_of_the_documents(tmp_path: Path):
    docs = _docs()
    # the same url twice with different content: ordered by content, not by arrival
    docs.append(si.PageDoc(url="p/3.html", title="同名", text="同名 另一个", meta={"date": docs[3].date}))
    si.write_index(tmp_path / "ref", docs)
    ref = _tree(tmp_path / "ref")
    rnd = random.Random(20261122)
    for k in range(4):
        shuffled = list(docs)
        rnd.shuffle(shuffled)
        si.write_index(tmp_path / f"s{k}", iter(shuffled) if k % 2 else tuple(shuffled))
        assert _tree(tmp_path / f"s{k}") == ref


def test_index_files_are_overwritten_only_when_no_other_name_shares_them(tmp_path: Path):
    """search_index._put: a file of the spare tree's own index is rewritten in place (and cut to
    the new length); a file that is also published under another name is replaced, its bytes kept."""
    own, shared, published = tmp_path / "own", tmp_path / "shared", tmp_path / "published"
    own.write_bytes(b"x" * 100)
    published.write_bytes(b"published bytes")
    os.link(published, shared)
    ino = own.stat().st_ino
    si._put(tmp_path, "own", b"new")
    assert own.read_bytes() == b"new" and own.stat().st_ino == ino
    si._put(tmp_path, "shared", b"new")
    assert shared.read_bytes() == b"new" and published.read_bytes() == b"published bytes"
    assert shared.stat().st_ino != published.stat().st_ino
    si._put(tmp_path, "fresh", b"new")
    assert (tmp_path / "fresh").read_bytes() == b"new"


def test_whatever_else_is_in_the_index_folder_is_deleted(tmp_path: Path):
    docs = [si.PageDoc(f"p/{i}.html", title=f"标题{i}", text=f"正文 第{i}号 安全生产", meta={"date": f"2026-01-{i + 1:02d}"})
            for i in range(25)]
    si.write_index(tmp_path / "ref", docs)
    root = tmp_path / "spare" / si.INDEX_DIR
    (root / "t").mkdir(parents=True)
    (root / "t/fff.json.gz").write_bytes(b"stale bucket")
    (root / "d/99").mkdir(parents=True)
    (root / "d/9.json.gz").write_bytes(b"stale chunk")
    (root / "old.json").write_bytes(b"{}")
    si.write_index(tmp_path / "spare", docs)
    ref = sorted(p.relative_to(tmp_path / "ref").as_posix() for p in (tmp_path / "ref").rglob("*"))
    got = sorted(p.relative_to(tmp_path / "spare").as_posix() for p in (tmp_path / "spare").rglob("*"))
    assert got == ref
    for rel in ref:
        if (tmp_path / "ref" / rel).is_file():
            assert (tmp_path / "spare" / rel).read_bytes() == (tmp_path / "ref" / rel).read_bytes()
