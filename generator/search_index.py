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
import os
import pickle
import re
import shutil
import time
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import lru_cache, partial
from html import unescape
from collections import defaultdict
from itertools import count, islice
from operator import add
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from .publish import _prune

INDEX_DIR = "search/idx"
FORMAT = 1
CHUNK = 10  # documents per text chunk (one chunk is fetched per displayed result)
TARGET_POSTINGS_PER_BUCKET = 4000
POSTINGS_PER_PART = 8_000_000  # write_index: bucket texts of a bigger index are made in parts
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
    # page_tokens(text), set by extract(); None (as in documents pickled before it) = not computed
    tokens: str | None = field(default=None, repr=False, compare=False)

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

    def token_list(self) -> list[str]:
        toks = self.tokens if self.tokens is not None else page_tokens(self.text)
        return toks.split("\n") if toks else []


_NUMBER = re.compile(r"([0-9]+)([^ ]?)")


def page_tokens(text: str) -> str:
    """doc_tokens(normalize(text)) | number_tokens(text), "\\n"-joined in order of first occurrence.

    Normalised text has no "\\n" (nor spaces or "#"), so the tokens split back unambiguously.
    """
    sp = spaced(text)
    chars = list(sp.replace(" ", ""))  # normalize(text): the table never maps to a space
    toks = dict.fromkeys(chars)
    toks.update(dict.fromkeys(map(add, chars, islice(chars, 1, None))))
    for digits, after in _NUMBER.findall(sp):  # a maximal digit run and the character after it
        toks["#" + digits] = None
        if after:
            toks["#" + digits + after] = None
    return "\n".join(toks)


# The reader below takes markup as html.parser.HTMLParser of CPython 3.11 (used before, ~5x
# slower) did: the same tag extents (">" may stand inside a quoted attribute value), attribute
# values, comments, raw text of <script> and <style>, character references in text runs and
# fall-backs for broken markup. One regex finds each tag, comment or element holding only text
# (<td>..</td>); only tags with data-pagefind attributes (or a questionable "/>") are parsed further.
_TAG_NAME = r"[a-zA-Z][^\t\n\r\f />\x00]*"


def _tag_attrs(attr_name: str) -> str:
    """html.parser's pattern of what follows the name of a start tag, up to its ">" or "/>"."""
    return (r"(?:[\s/]*(?:(?<=['\"\s/])" + attr_name + r"(?:\s*=+\s*(?:'[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*)\s*)?"
            r"(?:\s|/(?!>))*)*)?\s*")


_MARKUP = re.compile(
    # 1: start tag, 2: set when one of its attribute names starts with data-pagefind,
    "<(?:(?>(" + _TAG_NAME + ")" + _tag_attrs(r"(?:((?i:data-pagefind))|[^\s/>])[^\s/=>]*") + ")"
    r"(?:(?<!/)>(?:([^<]*+)</\1\s*>)?|/?>)"  # 3: its text when only text stands up to its end tag
    r"|/\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>"  # 4: end tag
    r"|!--.*?--\s*>"  # comment
    "|)", re.S)  # anything else: _odd()
_START_OPEN = re.compile("<[a-zA-Z]")
_START_TAG = re.compile("<" + _TAG_NAME + _tag_attrs(r"[^\s/>][^\s/=>]*"))
_TAG_FIND = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTR_FIND = re.compile(r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?"
                        r"(?:\s|/(?!>))*")
_DECL_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
_SECTION_END = {**dict.fromkeys(("temp", "cdata", "ignore", "include", "rcdata"), re.compile(r"]\s*]\s*>")),
                **dict.fromkeys(("if", "else", "endif"), re.compile(r"]\s*>"))}
_RAW_END = {tag: re.compile(r"</\s*%s\s*>" % tag, re.I) for tag in ("script", "style")}
_PAGEFIND = re.compile("data-pagefind", re.I)
# 1: breaks words, 2: void, 3: both, 4: skipped or h1 (see _scan); other elements 0
_TAG_CLASS = {**dict.fromkeys(_BREAK, 1), **dict.fromkeys(_VOID, 2), **dict.fromkeys(_VOID & _BREAK, 3),
              **dict.fromkeys(_SKIP | {"h1"}, 4)}
_SPEC = re.compile(r"([^:\[\]]+?)\s*(?:\[([^\]]+)\]|:(.*))?", re.S)


class _Attrs(NamedTuple):
    """What the attributes of a start tag do."""

    close: str  # ">" or "/>"; anything else: html.parser takes the tag for text
    body: bool = False  # data-pagefind-body
    ignore: bool = False  # data-pagefind-ignore
    values: tuple[tuple[str, str, str], ...] = ()  # (kind, key, value) of literals and [attribute]s
    captures: tuple[tuple[str, str], ...] = ()  # (kind, key) that take the element's text


_NO_ATTRS = _Attrs(">")


@lru_cache(maxsize=4096)  # tags with data-pagefind attributes repeat from page to page
def _attrs(tag: str) -> _Attrs:
    """The attributes of a start tag (its whole text), read as html.parser reads them."""
    k = _TAG_FIND.match(tag, 1).end()  # type: ignore[union-attr]
    a: dict[str, str] = {}
    while k < len(tag):
        m = _ATTR_FIND.match(tag, k)
        if not m:
            break
        name, rest, value = m.group(1, 2, 3)
        if not rest:
            value = None
        elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
            value = value[1:-1]
        a[name.lower()] = unescape(value) if value else ""
        k = m.end()
    values: list[tuple[str, str, str]] = []
    captures: list[tuple[str, str]] = []
    for attr, kind in (("data-pagefind-filter", "filter"), ("data-pagefind-meta", "meta")):
        spec = a.get(attr)
        if spec is None:
            continue
        for item in (s.strip() for s in spec.split(",")):
            m = _SPEC.fullmatch(item) if item else None
            if not m:
                continue
            key, from_attr, literal = m.group(1).strip(), m.group(2), m.group(3)
            if literal is not None:
                values.append((kind, key, literal))
            elif from_attr is not None:
                values.append((kind, key, a.get(from_attr.strip(), "")))
            else:
                captures.append((kind, key))
    return _Attrs(tag[k:].strip(), BODY_ATTR in a, IGNORE_ATTR in a, tuple(values), tuple(captures))


def _odd(html: str, i: int) -> tuple[int, str, str | None]:
    """Markup at i that _MARKUP does not take, as html.parser takes it at the end of its input:
    (where to go on, text to add, name of an end tag to handle or None)."""
    k = -1  # html.parser's "incomplete"
    if _START_OPEN.match(html, i):  # a start tag not closed by > or />
        j = _START_TAG.match(html, i).end()  # type: ignore[union-attr]
        nxt = html[j : j + 1]
        if nxt and nxt not in "abcdefghijklmnopqrstuvwxyz=/ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            return j, html[i:j], None
    elif html.startswith("</", i):
        gt = html.find(">", i + 1)
        if gt >= 0:
            m = _TAG_FIND.match(html, i + 2)
            if m:  # </a b="c">: an end tag all the same
                return html.find(">", m.end()) + 1, "", m.group(1).lower()
            return (i + 3 if html.startswith("</>", i) else gt + 1), "", None
    elif html.startswith("<!--", i):
        pass  # unterminated comment
    elif html.startswith("<![", i):
        m = _DECL_NAME.match(html, i + 3)
        close = _SECTION_END.get(m.group().strip().lower()) if m else None
        if close is None:  # html.parser raises here; read it as a bogus comment
            gt = html.find(">", i + 2)
            k = gt + 1 if gt >= 0 else -1
        elif m.end() < len(html):  # type: ignore[union-attr]
            mm = close.search(html, i + 3)
            k = mm.end() if mm else -1
    elif html.startswith("<!", i) or html.startswith("<?", i):  # doctype, processing instruction, bogus
        gt = html.find(">", i + (9 if html[i : i + 9].lower() == "<!doctype" else 2))
        k = gt + 1 if gt >= 0 else -1
    else:
        return i + 1, "<", None
    if k >= 0:
        return k, "", None
    k = html.find(">", i + 1)
    if k < 0:
        k = html.find("<", i + 1)
        k = k if k >= 0 else i + 1
    else:
        k += 1
    return k, unescape(html[i:k]), None


class _Frame:
    """An open element that holds more than its name (it stands on the stack for the name)."""

    __slots__ = ("tag", "captures", "ignore", "skip", "body")

    def __init__(self, tag: str, captures: list[tuple[str, str, list[str]]], ignore: bool, skip: bool,
                 body: bool) -> None:
        self.tag, self.captures, self.ignore, self.skip, self.body = tag, captures, ignore, skip, body


def _scan(html: str, pos: int) -> tuple[list[str], dict[str, list[str]], dict[str, str]] | None:
    """Text parts, filters and meta of the data-pagefind-body element, reading html from pos on;
    None when no element opens the body."""
    stack: list[str | _Frame] = []  # open elements
    parts: list[str] = []
    active: list[list[str]] = []  # buffers of element-text captures being filled
    filters: dict[str, list[str]] = {}
    meta: dict[str, str] = {}
    in_body = found_body = False
    ignore = skip = 0
    live = False  # text counts: in the body, neither ignored nor skipped

    def put(kind: str, key: str, value: str) -> None:
        value = " ".join(value.split())
        if not value:
            return
        if kind == "filter":
            values = filters.setdefault(key, [])
            if value not in values:
                values.append(value)
        else:
            meta.setdefault(key, value)

    def start(tag: str, a: _Attrs) -> None:
        """A start tag with attributes that count, or that skips or may capture the title."""
        nonlocal in_body, found_body, ignore, skip, live
        opens = a.body and not in_body and not found_body
        counts = (in_body or opens) and not ignore and not a.ignore
        if counts:
            for kind, key, value in a.values:
                put(kind, key, value)
        if tag in _VOID:
            if counts and tag in _BREAK:
                parts.append(" ")
            return
        captures: list[tuple[str, str, list[str]]] = []
        if counts:
            for kind, key in a.captures:
                buf: list[str] = []
                captures.append((kind, key, buf))
                active.append(buf)
            if tag == "h1" and "title" not in meta and not any(k == "title" for _, k, _ in captures):
                buf = []
                captures.append(("meta", "title", buf))
                active.append(buf)
        if opens:
            in_body = found_body = True
        skp = tag in _SKIP
        ignore += a.ignore
        skip += skp
        live = in_body and not ignore and not skip
        stack.append(_Frame(tag, captures, a.ignore, skp, opens))
        if in_body and tag in _BREAK:
            parts.append(" ")

    def end(tag: str) -> bool:
        """Close tag and the unclosed elements inside it (<p>, <li> ...); True once the body is closed."""
        nonlocal in_body, ignore, skip, live
        j = len(stack) - 1
        while j >= 0 and stack[j] != tag and getattr(stack[j], "tag", None) != tag:
            j -= 1
        if j < 0:
            return False
        while len(stack) > j:
            el = stack.pop()
            if el.__class__ is str:
                if in_body and el in _BREAK:
                    parts.append(" ")
                continue
            for kind, key, buf in el.captures:  # type: ignore[union-attr]
                put(kind, key, "".join(buf))
                del active[next(x for x, b in enumerate(active) if b is buf)]
            ignore -= el.ignore  # type: ignore[union-attr]
            skip -= el.skip  # type: ignore[union-attr]
            if in_body and el.tag in _BREAK:  # type: ignore[union-attr]
                parts.append(" ")
            if el.body:  # type: ignore[union-attr]
                in_body = live = False
                return True  # nothing after the body counts
            live = in_body and not ignore and not skip
        return False

    def start_tag(tag: str, i: int, e: int) -> int:
        """Any start tag html[i:e]: where to read on, -1 once the body is closed."""
        selfclose = html[e - 2] == "/"
        a = _NO_ATTRS
        if _PAGEFIND.search(html, i, e) or selfclose and tag not in _VOID and "=" in html[i:e]:
            a = _attrs(html[i:e])
            if a.close not in (">", "/>"):  # html.parser takes it for text
                if live:
                    parts.append(html[i:e])
                    for buf in active:
                        buf.append(html[i:e])
                return e
            selfclose = a.close == "/>"
        start(tag, a)
        if tag in _VOID:  # no element: its end tag (<br/>) does nothing
            return e
        if selfclose:
            return -1 if end(tag) else e
        if tag in _RAW_END:  # raw text up to its end tag, skipped (script and style are in _SKIP)
            m = _RAW_END[tag].search(html, e)
            if m is None:
                return len(html)
            return -1 if end(tag) else m.end()
        return e

    n = len(html)
    while 0 <= pos < n:
        for m in _MARKUP.finditer(html, pos):
            i, e = m.span()
            if live and i > pos:
                text = html[pos:i]
                if "&" in text:
                    text = unescape(text)
                parts.append(text)
                if active:
                    for buf in active:
                        buf.append(text)
            pos = e
            name, pagefind, text, end_name = m.groups()
            if name is not None:  # start tag
                tag = name.lower()
                c = _TAG_CLASS.get(tag, 0)
                if text is not None:  # an element holding only text
                    if c < 2 and pagefind is None:  # nothing special: start tag, text and end tag at once
                        if live and text:
                            if "&" in text:
                                text = unescape(text)
                            if active:
                                for buf in active:
                                    buf.append(text)
                            if c:
                                parts.extend((" ", text, " "))
                            else:
                                parts.append(text)
                        elif c and in_body:
                            parts.append(" ")
                        continue
                    e = m.start(3)  # one at a time, from its start tag on
                if c < 4 and pagefind is None and html[e - 2] != "/":  # nothing special
                    if c < 2:
                        stack.append(tag)
                        if c and in_body:
                            parts.append(" ")
                    elif c == 3 and in_body and not ignore:
                        parts.append(" ")
                    if text is None:
                        continue
                    pos = e
                    break  # read on after the start tag
                pos = start_tag(tag, i, e)
                if pos != m.end():
                    break  # read on at pos (or stop)
            elif end_name is not None:  # end tag
                tag = end_name.lower()
                if stack and stack[-1] == tag:
                    stack.pop()
                    if in_body and tag in _BREAK:
                        parts.append(" ")
                elif tag not in _VOID and end(tag):
                    pos = -1
                    break
            elif e == i + 1:  # neither a tag nor a comment
                pos, text, tag = _odd(html, i)
                if live and text:
                    parts.append(text)
                    for buf in active:
                        buf.append(text)
                if tag is not None and tag not in _VOID and end(tag):
                    pos = -1
                if pos != e:
                    break
        else:
            if live and pos < n:
                text = unescape(html[pos:])
                parts.append(text)
                for buf in active:
                    buf.append(text)
            break
    return (parts, filters, meta) if found_body else None


_WORD_TAG = re.compile(r"<\w")


def _body_start(html: str) -> int:
    r"""Where the regex <(\w+)[^>]*\sdata-pagefind-body[\s=>/] (re.S) first matches, or -1: the
    same position, found without trying the regex at every tag before the body."""
    k = html.find(BODY_ATTR)
    while k >= 0:
        after = html[k + len(BODY_ATTR) : k + len(BODY_ATTR) + 1]
        if k and html[k - 1].isspace() and after and (after.isspace() or after in "=>/"):
            # the first "<" + word character after the last ">" before the space
            m = _WORD_TAG.search(html, html.rfind(">", 0, k - 1) + 1, k - 1)
            if m:
                return m.start()
        k = html.find(BODY_ATTR, k + 1)
    return -1


def extract(html: str, url: str) -> PageDoc | None:
    """The indexable part of a page, or None when it has no data-pagefind-body element.

    Reads a page the way Pagefind does: data-pagefind-body, -meta, -filter and -ignore.
    Only the text inside the body element counts. A meta or filter attribute takes
    its value from a literal (``year:2024``), from another attribute
    (``date[datetime]``) or from the element's text; the title defaults to the
    first <h1> of the body.
    """
    start = _body_start(html)
    if start < 0:
        return None
    # Read from the body element on: the site header and navigation are not content.
    got = _scan(html, start)
    if got is None:
        return None
    parts, filters, meta = got
    text = " ".join("".join(parts).split())
    doc = PageDoc(url=url, text=text, filters=filters, meta=meta, tokens=page_tokens(text))
    doc.title = meta.get("title", "")
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
    return _gzip(json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8"))


def _gzip(raw: bytes) -> bytes:
    return gzip.compress(raw, compresslevel=6, mtime=0)


class Vocabulary:
    """Tokens numbered in the order they were first seen; numbers given out never change.

    Only an internal device: the index files hold tokens, never these numbers, so a
    vocabulary kept from earlier builds (generator.cache) and a new one write the same
    files. Keeping it lets a rebuild reuse every unchanged document's numbered tokens
    instead of splitting and looking up 2.7 million token strings again (10,000 records).
    """

    def __init__(self, tokens: Iterable[str] = (), hashes: bytes = b"", uid: str = ""):
        self.tokens: list[str] = list(tokens)
        self.index: defaultdict[str, int] = defaultdict(None, {t: i for i, t in enumerate(self.tokens)})
        self.hashes = array("I")
        self.hashes.frombytes(hashes)
        if len(self.hashes) != len(self.tokens):
            self.hashes = array("I", map(fnv1a, self.tokens))
        self.uid = uid or os.urandom(8).hex()  # names the numbering (cached numbers say which)
        self.grown = False
        self._keys: list[bytes] = []  # JSON form of each token as an object key
        self._rank: Any = None  # numpy: each token's place in code point order

    def state(self) -> tuple[str, list[str], bytes]:
        return self.uid, self.tokens, self.hashes.tobytes()

    @classmethod
    def from_state(cls, state: tuple[str, list[str], bytes]) -> "Vocabulary":
        uid, tokens, hashes = state
        return cls(tokens, hashes, uid)

    def number(self, docs: list[PageDoc]) -> None:
        """Set d.tids (numpy uint32) for every document: its tokens' numbers, new tokens added.
        A few hundred documents at a time: the token strings of all of them at once would
        take ~300 MB at 10,000 records."""
        for start in range(0, len(docs), 256):
            self._number(docs[start : start + 256])

    def _number(self, docs: list[PageDoc]) -> None:
        import numpy as np

        if not docs:
            return
        lists = [d.tokens if d.tokens is not None else page_tokens(d.text) for d in docs]
        counts = [s.count("\n") + 1 if s else 0 for s in lists]
        every = "\n".join(s for s in lists if s).split("\n") if any(counts) else []
        start = len(self.tokens)
        index = self.index
        index.default_factory = count(start).__next__  # a new token: the next number, in C
        try:
            ids = np.frombuffer(array("I", map(index.__getitem__, every)), dtype=np.uint32)
        finally:
            index.default_factory = None
        if len(index) > start:  # the new tokens are the last keys (insertion order)
            new = list(islice(reversed(index), len(index) - start))[::-1]
            self.tokens.extend(new)
            self.hashes.extend(map(fnv1a, new))
            self.grown = True
            self._rank = None
        for d, part in zip(docs, np.split(ids, np.cumsum(counts)[:-1])):
            d.tids = part  # type: ignore[attr-defined]

    def keys(self) -> list[bytes]:
        """Each token as a JSON object key ("token"), as json.dumps writes it with ensure_ascii=False."""
        if len(self._keys) < len(self.tokens):
            enc = json.encoder.encode_basestring  # type: ignore[attr-defined]
            self._keys.extend(enc(t).encode("utf-8") for t in self.tokens[len(self._keys):])
        return self._keys

    def rank(self) -> Any:
        """numpy array: each token's place among all tokens in code point order (sort_keys' order)."""
        import numpy as np

        if self._rank is None or len(self._rank) != len(self.tokens):
            order = sorted(range(len(self.tokens)), key=self.tokens.__getitem__)
            self._rank = np.empty(len(self.tokens), dtype=np.int64)
            self._rank[order] = np.arange(len(self.tokens))
        return self._rank


_POW10 = tuple(10 ** k for k in range(1, 19))  # int64 holds up to 10 ** 18


class _Postings(NamedTuple):
    """Every posting of the index, documents numbered 0, 1, ... in order (numpy arrays)."""

    tids: Any  # uint32: the token number of each posting, document after document
    lengths: Any  # int64: each document's number of postings
    doc_of: Any  # uint32: the document of each posting (made only for an index in parts)
    present: Any  # the token numbers that occur, ascending
    bucket_of: Any  # int64: the bucket of each of them


def _postings(per_doc: list[Any], vocab: Vocabulary, buckets: int, parts: int) -> _Postings:
    """What every part of _bucket_texts starts from, made once (each part made it again: at
    100,000 records 4 parts joined, counted and numbered all 28 million postings 4 times)."""
    import numpy as np

    lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
    tids = np.concatenate(per_doc) if per_doc else np.zeros(0, dtype=np.uint32)
    present = np.flatnonzero(np.bincount(tids, minlength=len(vocab.tokens)))
    bucket_of = np.frombuffer(vocab.hashes, dtype=np.uint32)[present].astype(np.int64) & (buckets - 1)
    doc_of = np.repeat(np.arange(len(per_doc), dtype=np.uint32), lengths) if parts > 1 else None
    return _Postings(tids, lengths, doc_of, present, bucket_of)


def _bucket_texts(post: _Postings, vocab: Vocabulary, buckets: int, part: int = 0,
                  parts: int = 1) -> tuple[dict[int, bytes], int]:
    """The JSON text of the bucket files b with b % parts == part (json.dumps(..., sort_keys=True)
    of {token: delta-coded document numbers}, as compact bytes) for the postings of _postings()
    (made for the same number of parts), as {b: text}; and the number of distinct tokens in all
    buckets. A token's list does not depend on other tokens, so a big index is made a part at a
    time (write_index): its temporary arrays are per part.

    All per-posting work is in numpy, with as few and as small temporary arrays as it takes:
    at 10,000 records there are 2.7 million postings, and first touching fresh memory is a
    large part of the time on a virtual machine."""
    import numpy as np

    tids, present, bucket_of = post.tids, post.present, post.bucket_of
    distinct = len(present)
    doc_of = None
    if parts > 1:  # this part's tokens and their postings only
        mine = bucket_of % parts == part
        present, bucket_of = present[mine], bucket_of[mine]
        wanted = np.zeros(len(vocab.tokens), dtype=bool)
        wanted[present] = True
        keep = wanted[tids]
        doc_of = post.doc_of[keep].astype(np.uint64)
        tids = tids[keep]
        del keep, wanted
    n = len(present)
    # Tokens in file order: by bucket, then by code points within a bucket.
    order = np.lexsort((vocab.rank()[present], bucket_of))
    place = np.zeros(len(vocab.tokens), dtype=np.uint64)
    place[present[order]] = np.arange(n, dtype=np.uint64)
    # One sort of (token place, document number) pairs packed in a uint64: all different.
    docs = len(post.lengths)
    shift = max(docs - 1, 1).bit_length()
    pairs = place[tids]
    del tids
    counts = np.bincount(pairs, minlength=n) if n else np.zeros(0, dtype=np.int64)
    pairs <<= np.uint64(shift)
    pairs |= doc_of if doc_of is not None else np.repeat(np.arange(docs, dtype=np.uint64), post.lengths)
    del doc_of
    pairs.sort(kind="stable")  # the fastest of numpy's sorts for these (measured)
    pairs &= np.uint64((1 << shift) - 1)  # now the document numbers, by token
    ends = np.cumsum(counts)
    starts = ends - counts
    deltas = np.empty(len(pairs), dtype=np.int64)
    if len(pairs):
        deltas[0] = pairs[0]
        np.subtract(pairs[1:], pairs[:-1], out=deltas[1:], casting="unsafe")
        deltas[starts] = pairs[starts]  # each list starts with its first number
    del pairs
    # Decimal text of every delta followed by a comma, built in numpy one digit count at a time.
    digits = np.searchsorted(np.array(_POW10, dtype=np.int64), deltas, side="right").astype(np.int8)
    digits += 1
    pos = np.cumsum(digits, dtype=np.int64)
    pos += np.arange(len(deltas), dtype=np.int64)  # the commas before: pos = where each comma goes
    buf = np.empty(int(pos[-1]) + 1 if len(pos) else 0, dtype=np.uint8)
    buf[pos] = ord(",")
    for k in range(1, int(digits.max()) + 1 if len(digits) else 1):
        sel = np.flatnonzero(digits == k)
        if not len(sel):
            continue
        value, at = deltas[sel], pos[sel]
        for _ in range(k):
            at -= 1
            buf[at] = value % 10 + 48
            value //= 10
    text = buf.tobytes()
    stop = pos[ends - 1].tolist() if n else []  # the comma after each list's last number
    begin = (pos[starts] - digits[starts]).tolist() if n else []
    keys = vocab.keys()
    tok = present[order].tolist()
    edges = np.searchsorted(bucket_of[order], np.arange(buckets + 1)).tolist()
    texts = {}
    for b in range(part, buckets, parts):
        lists = [keys[tok[i]] + b":[" + text[begin[i] : stop[i]] + b"]" for i in range(edges[b], edges[b + 1])]
        texts[b] = b"{" + b",".join(lists) + b"}"
    return texts, distinct


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


def _content_key(d: PageDoc) -> tuple[str, str, str, str]:
    return d.url, d.title, d.text, json.dumps([d.filters, d.meta], ensure_ascii=False, sort_keys=True)


def _order(docs: Iterable[PageDoc]) -> list[PageDoc]:
    """Newest first, undated last, by url within a date: an order that depends on the documents
    only, never on the order they are passed in (two with the same url: by their content)."""
    docs = sorted(docs, key=lambda d: d.url)
    if any(a.url == b.url for a, b in zip(docs, docs[1:])):
        docs.sort(key=_content_key)
    return sorted(docs, key=lambda d: d.date, reverse=True)  # stable


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


def _put(root: Path, name: str, data: bytes) -> tuple[bytes, int]:
    """Write root/name. A file already there is overwritten in place only when it has no other
    name (st_nlink 1): the spare tree's own copy of an earlier index (generator.publish keeps
    search/idx/ private to each tree), which saves creating ~1,800 files a build. A file with
    another name may be the published one: it is replaced by a new file, never written."""
    path = root / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
    except OSError:  # missing (or a symlink, or a folder): replaced below
        fd = -1
    if fd >= 0:
        try:
            if os.fstat(fd).st_nlink == 1:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.ftruncate(fd, len(data))
                return hashlib.sha256(data).digest(), len(data)
        finally:
            os.close(fd)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    try:
        f = open(path, "xb")
    except FileExistsError:
        path.unlink()
        f = open(path, "xb")
    with f:
        f.write(data)
    return hashlib.sha256(data).digest(), len(data)


_DONE = "\0jobs done"  # the helper's report: how many jobs it finished (no file has this name)


def _write_files(root: Path, jobs: list[Any], processes: int) -> dict[str, tuple[bytes, int]]:
    """Run job() -> [(name, data), ...] for every job and write the files; name -> (sha256, size).

    With processes > 1 (and os.fork) a forked helper does every other job and reports back
    through a pipe; whatever it did not report (it failed, or was killed) is done here."""
    written: dict[str, tuple[bytes, int]] = {}
    helper = None
    if processes > 1 and hasattr(os, "fork") and len(jobs) > 1:
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            pid = -1
        if pid == 0:  # the helper: the odd jobs, then its report, then out without cleanup
            code = 1
            try:
                from .procs import die_with_parent

                die_with_parent()
                os.close(r)
                done_here = {}
                for job in jobs[1::2]:
                    for name, data in job():
                        done_here[name] = _put(root, name, data)
                done_here[_DONE] = len(jobs[1::2])  # a job may write any number of files
                with os.fdopen(w, "wb") as out:
                    pickle.dump(done_here, out)
                code = 0
            finally:
                os._exit(code)
        if pid > 0:
            os.close(w)
            helper = (pid, r)
    theirs = jobs[1::2] if helper is not None else []
    report: dict[str, tuple[bytes, int]] = {}
    done = False
    try:
        for job in (jobs[0::2] if helper is not None else jobs):
            for name, data in job():
                written[name] = _put(root, name, data)
        done = True
    finally:
        if helper is not None:
            pid, r = helper
            with os.fdopen(r, "rb") as inp:  # closed unread on an error: a blocked helper stops
                raw = inp.read() if done else b""
            _, status = os.waitpid(pid, 0)
            try:
                report = pickle.loads(raw) if status == 0 and raw else {}
            except Exception:  # noqa: BLE001 - a broken report: its share is redone below
                report = {}
    if report.pop(_DONE, None) == len(theirs):
        written.update(report)
    else:
        for job in theirs:
            for name, data in job():
                written[name] = _put(root, name, data)
    return written


def write_index(out_dir: Path, pages: Iterable[PageDoc], processes: int = 1,
                vocab: Vocabulary | None = None) -> dict[str, Any]:
    """Write search/idx/ for the given page documents; returns figures for the build summary.

    The files depend only on the set of documents, not on their order in pages. With
    processes=2 a forked helper writes every other file (compressing and writing is most
    of the time); the files are the same either way. vocab: a Vocabulary kept from earlier
    builds (generator.cache), whose numbers documents may carry already (d.tids); every
    document leaves with its tokens' numbers in d.tids (the vocabulary grows as needed)."""
    docs = _order(pages)
    root = out_dir / INDEX_DIR
    # Files of an earlier index may be there (the spare tree, generator.publish): _put
    # overwrites the tree's own copies and replaces shared ones; the rest is deleted at the end.
    for folder in (root, root / "t", root / "d"):
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            folder.unlink()
    (root / "t").mkdir(parents=True, exist_ok=True)
    (root / "d").mkdir(parents=True, exist_ok=True)

    # Filter vocabularies, in a stable order. Each document's filters are read once, and each
    # distinct (type, year, statuses) is numbered once: a few hundred among 73,000 documents.
    filters = [(d.type, d.year, tuple(d.statuses)) for d in docs]
    distinct_filters = dict.fromkeys(filters)
    types = sorted({t for t, _, _ in distinct_filters if t}, key=_type_order)
    statuses = sorted({s for _, _, ss in distinct_filters for s in ss}, key=_status_order)
    years = sorted({y for _, y, _ in distinct_filters if y}, reverse=True)
    t_ix = {t: i for i, t in enumerate(types)}
    s_ix = {s: i for i, s in enumerate(statuses)}
    combos: dict[tuple, int] = {}
    for raw in distinct_filters:  # in order of first occurrence: combos are numbered as before
        t, y, ss = raw
        key = (t_ix.get(t, -1), y or 0, tuple(sorted(s_ix[s] for s in ss)))
        distinct_filters[raw] = combos.setdefault(key, len(combos))
    facet = list(map(distinct_filters.__getitem__, filters))

    # Posting lists: every document's tokens as numbers of the vocabulary, then sorted by
    # (bucket, token) with numpy; the delta-coded lists are written as text in one pass.
    if vocab is None:
        vocab = Vocabulary()
        vocab.number(docs)
    else:
        vocab.number([d for d in docs if getattr(d, "tids", None) is None])
    per_doc = [d.tids for d in docs]  # type: ignore[attr-defined]
    total = sum(map(len, per_doc))
    buckets = _bucket_count(total)
    # A big index a part of the buckets at a time: its temporary arrays took ~1 GB at 28 million
    # postings (100,000 records) in one go; 10,000 records (2.7 million) stay one part. With
    # two processes each makes its own parts (the sort and the text of half the postings).
    parts = min(buckets, -(-total // POSTINGS_PER_PART)) if total else 1
    if processes > 1:
        parts = min(buckets, -(-parts // processes) * processes)
    distinct = [0]
    post = _postings(per_doc, vocab, buckets, parts)  # before the helper forks: shared with it

    def part_files(part: int) -> list[tuple[str, bytes]]:
        texts, distinct[0] = _bucket_texts(post, vocab, buckets, part, parts)
        # {token: delta-coded ids (the first number, then the difference to the one before)}
        return [(f"t/{b:03x}.json.gz", _gzip(text)) for b, text in texts.items()]  # empty buckets too

    def chunk_file(c: int) -> list[tuple[str, bytes]]:
        chunk = [[d.url, d.title, d.type, d.date, " · ".join(d.statuses), d.text]
                 for d in docs[c * CHUNK : (c + 1) * CHUNK]]
        return [(f"d/{c}.json.gz", _gz(chunk))]

    # The parts first (part 0, and so the count of distinct tokens, is made here: the helper
    # takes every other job), then the chunks of document texts.
    jobs = [partial(part_files, part) for part in range(parts)]
    jobs += [partial(chunk_file, c) for c in range(-(-len(docs) // CHUNK))]
    written = _write_files(root, jobs, processes)  # name -> (sha256, size)
    tokens = distinct[0]
    name, data = "f.json.gz", _gz({"combos": [[t, y or None, list(s)] for (t, y, s) in combos], "doc": facet})
    written[name] = _put(root, name, data)

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
    data = (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    written["manifest.json"] = _put(root, "manifest.json", data)
    _prune(root, set(written))  # leftovers of an earlier index
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
