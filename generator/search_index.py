"""Citizen search index: a static, sharded index of character bigrams built from the pages.

Built only from what the public pages show: after every page has been written
into the staging directory, the detail pages that carry ``data-pagefind-body``
on their ``<article>`` are read back, their visible text is extracted, and the
index is written to ``search/idx/``. Withdrawal notices, listings and other
pages carry no marker and are never indexed; records that are not on the site
have no page, so they cannot reach the index. Nothing here can see a Record.

Why our own index and not Pagefind (measured, see bench/bench_search.py and
the search issue's report): Pagefind 1.5.2 segments Chinese with jieba at index
time and with the browser's Intl.Segmenter at query time, so 政府 misses a page
whose only occurrence is inside 中华人民共和国政府采购法; its filter files are
written in hash-map order (two builds of the same content differ); and it needs
0.17-0.28 GB of memory per 1,000 pages. Character bigrams have none of these
problems: every substring of two or more characters of a page is found by the
AND of the query's bigrams, single characters by their unigram. Whole numbers
(#40, and #40号 with the character after them) are indexed too, because digits
have only a hundred bigrams and decision numbers would otherwise match half
the site before the text check.

Format (all JSON, gzip'd with a fixed header, sorted keys: byte-identical
output for the same pages):

  search/idx/manifest.json         counts, bucket count, filter vocabularies, version
  search/idx/f.json.gz             per document: index of its (type, year, statuses) combo
  search/idx/t/XXX.json.gz         bucket of the token table: token -> delta-coded doc ids
  search/idx/d/N.json.gz           CHUNK documents: [url, title, type, date, status, text]

Documents are numbered newest first, so a posting list read in order is a
result list in date order. The browser side is theme/static/js/search.js; its
normalisation, tokenisation and bucket hash mirror the functions below.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import time
import unicodedata
from array import array
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable

INDEX_DIR = "search/idx"
FORMAT = 1
CHUNK = 10  # documents per text chunk (one chunk is fetched per displayed result)
TARGET_POSTINGS_PER_BUCKET = 4000
MAX_BUCKETS = 4096
BODY_ATTR = "data-pagefind-body"
IGNORE_ATTR = "data-pagefind-ignore"
STATUS_SEP = re.compile(r"\s*·\s*")


# -- normalisation and tokens (mirrored in search.js) ------------------------------------

def _norm_char(ch: str) -> str:
    """NFKC, lower case, keep letters, digits and marks: everything else separates nothing."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).lower():
        if unicodedata.category(c)[0] in "LNM":
            out.append(c)
    return "".join(out)


class _NormTable(dict):
    def __missing__(self, cp: int) -> str:
        value = _norm_char(chr(cp))
        self[cp] = value
        return value


_TABLE = _NormTable()


def normalize(text: str) -> str:
    """The searchable form of a text: per-character NFKC + lower case, punctuation and spaces dropped.

    Dropping separators means 阜应急罚字〔2023〕40号, 阜应急罚字[2023]40号 and
    阜应急罚字 2023 40号 all have the same form.
    """
    return text.translate(_TABLE)


class _SpacedTable(dict):
    def __missing__(self, cp: int) -> str:
        value = _TABLE[cp] or " "
        self[cp] = value
        return value


_SPACED = _SpacedTable()
_DIGITS = re.compile(r"[0-9]+")


def spaced(text: str) -> str:
    """normalize(), but a dropped character leaves a space: numbers keep their bounds."""
    return text.translate(_SPACED)


def doc_tokens(norm: str) -> set[str]:
    """Every character and every pair of adjacent characters of a normalised text."""
    tokens = set(norm)
    tokens.update(norm[i : i + 2] for i in range(len(norm) - 1))
    return tokens


def number_tokens(text: str) -> set[str]:
    """Whole numbers of a text: "#" + every maximal run of digits, and the run + the character
    right after it: 〔2026〕1号 holds #2026, #1 and #1号.

    Digits have only a hundred bigrams, so a decision number such as 〔2026〕1号
    is selective only through its whole numbers (#1号 is not in 〔2026〕11号).
    """
    sp = spaced(text)
    out = set()
    for m in _DIGITS.finditer(sp):
        out.add("#" + m.group())
        if m.end() < len(sp) and sp[m.end()] != " ":
            out.add("#" + m.group() + sp[m.end()])
    return out


def query_number_tokens(word: str) -> list[str]:
    """Whole numbers of a query word: digit runs with a non-digit on both sides inside the word.

    A run at either end of the word may be part of a longer number in the page, so it is not used.
    """
    sp = spaced(word)
    out: list[str] = []
    for m in _DIGITS.finditer(sp):
        if m.start() > 0 and m.end() < len(sp):
            for tok in ("#" + m.group(), "#" + m.group() + sp[m.end()] if sp[m.end()] != " " else ""):
                if tok and tok not in out:
                    out.append(tok)
    return out


def query_tokens(norm_word: str) -> list[str]:
    """Tokens a page must hold to contain norm_word: a covering set of its bigrams."""
    n = len(norm_word)
    if n <= 2:
        return [norm_word] if n else []
    picks = list(range(0, n - 1, 2))
    if picks[-1] != n - 2:
        picks.append(n - 2)
    return [norm_word[i : i + 2] for i in picks]


def fnv1a(token: str) -> int:
    """32-bit FNV-1a over the UTF-8 bytes of a token (same as search.js)."""
    h = 0x811C9DC5
    for b in token.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


# -- reading the pages -------------------------------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SKIP = {"script", "style", "template", "noscript", "svg"}
_BREAK = {"p", "div", "section", "article", "li", "ol", "ul", "tr", "td", "th", "table", "tbody", "thead",
          "h1", "h2", "h3", "h4", "h5", "h6", "br", "figure", "figcaption", "dl", "dt", "dd", "blockquote",
          "pre", "header", "footer", "nav", "aside", "hr", "caption"}


@dataclass
class PageDoc:
    url: str
    title: str = ""
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return (self.filters.get("type") or [""])[0]

    @property
    def year(self) -> int | None:
        ys = self.filters.get("year") or []
        return int(ys[0]) if ys and ys[0].isdigit() else None

    @property
    def statuses(self) -> list[str]:
        return self.filters.get("status", [])

    @property
    def date(self) -> str:
        return self.meta.get("date", "")


class _Frame:
    __slots__ = ("tag", "captures", "ignore", "skip", "body")

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.captures: list[tuple[str, str, list[str]]] = []
        self.ignore = self.skip = self.body = False


class _Extractor(HTMLParser):
    """Reads a page the way Pagefind does: data-pagefind-body, -meta, -filter and -ignore.

    Only the text inside the body element counts. A meta or filter attribute
    takes its value from a literal (``year:2024``), from another attribute
    (``date[datetime]``) or from the element's text; the title defaults to the
    first <h1> of the body.
    """

    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.in_body = False
        self.found_body = False
        self.ignore = 0
        self.skip = 0
        self.parts: list[str] = []
        self.active: list[list[str]] = []
        self.filters: dict[str, list[str]] = {}
        self.meta: dict[str, str] = {}
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        opens_body = BODY_ATTR in a and not self.in_body and not self.found_body
        live = (self.in_body or opens_body) and not self.ignore and IGNORE_ATTR not in a
        if tag in _VOID:
            if live:
                self._attr_values(a, None)
                if tag in _BREAK:
                    self.parts.append(" ")
            return
        frame = _Frame(tag)
        if live:
            self._attr_values(a, frame)
            if tag == "h1" and "title" not in self.meta and not any(k == "title" for _, k, _ in frame.captures):
                buf: list[str] = []
                frame.captures.append(("meta", "title", buf))
                self.active.append(buf)
        if opens_body:
            frame.body = self.in_body = self.found_body = True
        if IGNORE_ATTR in a:
            frame.ignore = True
            self.ignore += 1
        if tag in _SKIP:
            frame.skip = True
            self.skip += 1
        self.stack.append(frame)
        if self.in_body and tag in _BREAK:
            self.parts.append(" ")

    def _attr_values(self, a: dict[str, str], frame: _Frame | None) -> None:
        for attr, kind in (("data-pagefind-filter", "filter"), ("data-pagefind-meta", "meta")):
            spec = a.get(attr)
            if spec is None:
                continue
            for item in (s.strip() for s in spec.split(",")):
                m = re.fullmatch(r"([^:\[\]]+?)\s*(?:\[([^\]]+)\]|:(.*))?", item, re.S) if item else None
                if not m:
                    continue
                key, from_attr, literal = m.group(1).strip(), m.group(2), m.group(3)
                if literal is not None:
                    self._put(kind, key, literal)
                elif from_attr is not None:
                    self._put(kind, key, a.get(from_attr.strip(), ""))
                elif frame is not None:
                    buf: list[str] = []
                    frame.captures.append((kind, key, buf))
                    self.active.append(buf)

    def _put(self, kind: str, key: str, value: str) -> None:
        value = " ".join(value.split())
        if not value:
            return
        if kind == "filter":
            values = self.filters.setdefault(key, [])
            if value not in values:
                values.append(value)
        else:
            self.meta.setdefault(key, value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:  # closes unclosed children too (<p>, <li> ...)
                while len(self.stack) > i:
                    self._close(self.stack.pop())
                break

    def _close(self, frame: _Frame) -> None:
        for kind, key, buf in frame.captures:
            self._put(kind, key, "".join(buf))
            self.active.remove(buf)
        if frame.ignore:
            self.ignore -= 1
        if frame.skip:
            self.skip -= 1
        if self.in_body and frame.tag in _BREAK:
            self.parts.append(" ")
        if frame.body:
            self.in_body = False

    def handle_data(self, data: str) -> None:
        if not self.in_body or self.ignore or self.skip:
            return
        self.parts.append(data)
        for buf in self.active:
            buf.append(data)


_BODY_RE = re.compile(r"<(\w+)[^>]*\s" + BODY_ATTR + r"[\s=>/]", re.S)


def extract(html: str, url: str) -> PageDoc | None:
    """The indexable part of a page, or None when it has no data-pagefind-body element."""
    m = _BODY_RE.search(html)
    if not m:
        return None
    # Parse from the body element on: the site header and navigation are not content.
    p = _Extractor()
    p.feed(html[m.start():])
    p.close()
    if not p.found_body:
        return None
    text = " ".join("".join(p.parts).split())
    doc = PageDoc(url=url, text=text, filters=p.filters, meta=p.meta)
    doc.title = p.meta.get("title", "")
    statuses: list[str] = []
    for s in doc.filters.get("status", []):
        for part in STATUS_SEP.split(s):
            if part and part not in statuses:
                statuses.append(part)
    if statuses:
        doc.filters["status"] = statuses
    return doc


# -- writing -------------------------------------------------------------------------------

def _gz(obj: Any) -> bytes:
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return gzip.compress(raw, compresslevel=6, mtime=0)


def _bucket_count(postings: int) -> int:
    b = 1
    while b < MAX_BUCKETS and postings / b > TARGET_POSTINGS_PER_BUCKET:
        b *= 2
    return b


def _type_order(label: str) -> tuple[int, str]:
    from .schema import TYPES

    sections = ("post", "in-process", "pre")
    ranked = [t.label for sec in sections for t in TYPES.values() if t.section == sec]
    return (ranked.index(label), "") if label in ranked else (len(ranked), label)


STATUS_ORDER = ("公示中", "公示期满", "即将举行", "已举行", "已更正", "已废止")


def _status_order(label: str) -> tuple[int, str]:
    return (STATUS_ORDER.index(label), "") if label in STATUS_ORDER else (len(STATUS_ORDER), label)


def _order(docs: list[PageDoc]) -> list[PageDoc]:
    docs = sorted(docs, key=lambda d: d.url)
    return sorted(docs, key=lambda d: d.date, reverse=True)  # stable: url order within a date; undated last


def read_pages(out_dir: Path, files: Iterable[str]) -> list[PageDoc]:
    """The indexable pages among files (paths relative to out_dir), in path order."""
    docs = []
    for rel in sorted(set(files)):
        if not rel.endswith(".html"):
            continue
        html = (out_dir / rel).read_text(encoding="utf-8")
        if BODY_ATTR not in html:
            continue
        doc = extract(html, rel)
        if doc is not None:
            docs.append(doc)
    return docs


def write_index(out_dir: Path, docs: list[PageDoc]) -> dict[str, Any]:
    """Write search/idx/ for the given page documents; returns figures for the build summary."""
    docs = _order(docs)
    root = out_dir / INDEX_DIR
    (root / "t").mkdir(parents=True, exist_ok=True)
    (root / "d").mkdir(parents=True, exist_ok=True)

    # Filter vocabularies, in a stable order.
    types = sorted({d.type for d in docs if d.type}, key=_type_order)
    statuses = sorted({s for d in docs for s in d.statuses}, key=_status_order)
    years = sorted({d.year for d in docs if d.year}, reverse=True)
    t_ix = {t: i for i, t in enumerate(types)}
    s_ix = {s: i for i, s in enumerate(statuses)}
    combos: dict[tuple, int] = {}
    facet = []
    for d in docs:
        key = (t_ix.get(d.type, -1), d.year or 0, tuple(sorted(s_ix[s] for s in d.statuses)))
        facet.append(combos.setdefault(key, len(combos)))

    written: dict[str, tuple[bytes, int]] = {}  # name -> (sha256, size); files go to disk at once

    def put(name: str, data: bytes) -> None:
        (root / name).write_bytes(data)
        written[name] = (hashlib.sha256(data).digest(), len(data))

    postings: dict[str, array] = {}
    for start in range(0, len(docs), CHUNK):
        chunk = []
        for n, d in enumerate(docs[start : start + CHUNK], start):
            for tok in doc_tokens(normalize(d.text)) | number_tokens(d.text):
                arr = postings.get(tok)
                if arr is None:
                    arr = postings[tok] = array("I")
                arr.append(n)
            chunk.append([d.url, d.title, d.type, d.date, " · ".join(d.statuses), d.text])
        put(f"d/{start // CHUNK}.json.gz", _gz(chunk))

    total = sum(len(a) for a in postings.values())
    tokens = len(postings)
    buckets = _bucket_count(total)
    table: list[list[str]] = [[] for _ in range(buckets)]
    for tok in postings:
        table[fnv1a(tok) & (buckets - 1)].append(tok)
    for b, toks in enumerate(table):
        part = {}
        for tok in toks:
            arr = postings.pop(tok)
            part[tok] = [arr[0]] + [arr[i] - arr[i - 1] for i in range(1, len(arr))]
        put(f"t/{b:03x}.json.gz", _gz(part))  # empty buckets too: every lookup finds a file
    put("f.json.gz", _gz({"combos": [[t, y or None, list(s)] for (t, y, s) in combos], "doc": facet}))

    version = hashlib.sha256()
    for name in sorted(written):
        version.update(name.encode())
        version.update(written[name][0])
    manifest = {
        "format": FORMAT,
        "engine": "gongshi-bigram",
        "v": version.hexdigest()[:16],
        "docs": len(docs),
        "chunk": CHUNK,
        "buckets": buckets,
        "types": types,
        "years": years,
        "statuses": statuses,
    }
    put("manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return {
        "engine": "gongshi-bigram",
        "docs": len(docs),
        "tokens": tokens,
        "postings": total,
        "buckets": buckets,
        "files": len(written),
        "bytes": sum(size for _, size in written.values()),
    }


def build_citizen_index(out_dir: Path, files: list[str]) -> dict[str, Any]:
    """Index the public detail pages written into out_dir (the staging tree)."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    docs = read_pages(out_dir, files)
    parsed = time.perf_counter()
    stats = write_index(out_dir, docs)
    stats["seconds_read"] = round(parsed - started, 3)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return stats
