"""Staff search (`gongshi search QUERY`): full text over ALL records, with their state.

An internal tool: it shows raw, unredacted data, so its index lives next to the
content folder (``<project>/.gongshi/staff-index/``), never inside output/.

The index is a Whoosh index whose text field is analysed into the same
character unigrams and bigrams as the citizen index (generator.search_index),
so two-character names (李某, 王芳) and exact decision numbers
(阜应急罚字〔2023〕40号) are always found; a hit is then confirmed on the stored
normalised text, so a page is reported only when it really contains every word.

It is kept up to date incrementally by record digest: on each search only new
or changed records are (re)indexed and records whose files are gone are removed.
The state is not stored: it depends on the as-of date and is taken from the
pipeline (load -> validate -> lifecycle) on every run.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from whoosh import index as windex
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.query import And, Every, Term

from .model import State
from .search_index import doc_tokens, normalize, query_tokens
from .views import flatten_text

INDEX_VERSION = 1
STAFF_DIR = ".gongshi/staff-index"


class GramTokenizer(Tokenizer):
    """Whoosh tokenizer: every character and adjacent pair of the normalised text.

    At query time (mode="query") it yields the covering bigrams of a word
    instead, like the browser does.
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, mode: str = "",
                 **kwargs: Any):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        norm = normalize(value)
        grams = query_tokens(norm) if mode == "query" else sorted(doc_tokens(norm))
        for i, gram in enumerate(grams):
            t.text = gram
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = gram
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t


def schema() -> Schema:
    return Schema(
        key=ID(stored=True, unique=True),  # display path + "#" + record id (spreadsheet rows share a path)
        digest=STORED(),
        grams=TEXT(analyzer=GramTokenizer(), phrase=False),
        norm=STORED(),  # normalised raw text, to confirm hits
    )


def index_dir(content_dir: Path) -> Path:
    return Path(content_dir).resolve().parent / STAFF_DIR


# -- what is indexed for a record ------------------------------------------------------------

def _source(entry: Any, content_dir: Path) -> Path:
    p = Path(entry.path)
    return p if p.is_absolute() else content_dir.resolve().parent / p


@dataclass
class StaffDoc:
    key: str
    digest: str
    text: str


def staff_doc(entry: Any, content_dir: Path) -> StaffDoc:
    """Raw (unredacted) text of a record; for a quarantined file, the file itself."""
    key = f"{entry.path}#{entry.rid}"
    record = entry.record
    if record is not None:
        parts = [record.rid, record.type, *flatten_text(dict(record.fields)), record.body, record.path]
        return StaffDoc(key, record.digest, "\n".join(parts))
    src = _source(entry, content_dir)
    try:
        data = src.read_bytes()
    except OSError:
        data = b""
    text = data.decode("utf-8", errors="replace") if src.suffix.lower() in (".md", ".yaml", ".yml", ".csv", ".txt") else ""
    digest = hashlib.sha256(data + b"\0" + entry.rid.encode()).hexdigest()
    return StaffDoc(key, digest, "\n".join([entry.rid, entry.path, text]))


def entry_title(entry: Any, content_dir: Path) -> str:
    record = entry.record
    if record is not None:
        f = record.fields
        if record.type in ("law", "officer", "power", "random_item") and f.get("name"):
            return str(f["name"])
        if f.get("title"):
            return str(f["title"])
        for key in ("name", "number"):
            if f.get(key):
                return str(f[key])
        for key in ("applicant", "target"):
            if isinstance(f.get(key), Mapping) and f[key].get("name"):
                return f"{f[key]['name']}{f.get('item') or f.get('content') or ''}"
        return record.rid
    try:
        raw = _source(entry, content_dir).read_text(encoding="utf-8", errors="replace")
    except OSError:
        raw = ""
    m = re.search(r"^(?:title|name)\s*:\s*(.+)$", raw, re.M)
    return m.group(1).strip().strip("'\"") if m else f"（{entry.rid}）"


# -- the index ---------------------------------------------------------------------------------

@dataclass
class UpdateStats:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


def _open(path: Path, rebuild: bool):
    meta = path / "gongshi-index.json"
    ok = False
    if not rebuild and path.is_dir() and windex.exists_in(str(path)):
        try:
            ok = json.loads(meta.read_text(encoding="utf-8")).get("version") == INDEX_VERSION
        except (OSError, ValueError):
            ok = False
    if ok:
        return windex.open_dir(str(path))
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    ix = windex.create_in(str(path), schema())
    meta.write_text(json.dumps({"version": INDEX_VERSION}) + "\n", encoding="utf-8")
    return ix


def update_index(path: Path, docs: Mapping[str, StaffDoc], rebuild: bool = False):
    """Bring the index at path in line with docs (key -> StaffDoc); returns (index, stats)."""
    ix = _open(path, rebuild)
    with ix.searcher() as s:
        existing = {f["key"]: f.get("digest") for f in s.all_stored_fields()}
    stats = UpdateStats()
    removed = sorted(set(existing) - set(docs))
    changed = sorted(k for k, d in docs.items() if existing.get(k) != d.digest)
    stats.removed = len(removed)
    stats.added = sum(1 for k in changed if k not in existing)
    stats.updated = len(changed) - stats.added
    stats.unchanged = len(docs) - len(changed)
    if removed or changed:
        writer = ix.writer(limitmb=256)
        try:
            for k in removed:
                writer.delete_by_term("key", k)
            for k in changed:
                d = docs[k]
                norm = normalize(d.text)
                writer.update_document(key=k, digest=d.digest, grams=norm, norm=norm)
            writer.commit(optimize=False)
        except BaseException:
            writer.cancel()
            raise
    return ix, stats


def query_words(query: str) -> list[str]:
    words = []
    for w in query.split():
        n = normalize(w)
        if n and n not in words:
            words.append(n)
    return words


def search_keys(ix: Any, query: str) -> list[str]:
    """Keys of the records whose raw text contains every word of the query."""
    words = query_words(query)
    terms = [Term("grams", t) for w in words for t in query_tokens(w)]
    q = And(terms) if terms else Every()
    out = []
    with ix.searcher() as s:
        for hit in s.search(q, limit=None):
            norm = hit.get("norm", "")
            if all(w in norm for w in words):
                out.append(hit["key"])
    return out


# -- the command -------------------------------------------------------------------------------

_STATE_ALIASES = {s.value: s for s in State} | {s.label: s for s in State} | {
    "公开": State.PUBLIC, "撤回": State.WITHDRAWN, "过期": State.EXPIRED, "隔离": State.QUARANTINED,
    "不予公开": State.WITHHELD, "草稿": State.DRAFT, "未到公开日期": State.EMBARGOED,
}


def parse_states(values: Iterable[str]) -> set[State]:
    out = set()
    for v in values:
        for part in re.split(r"[,，\s]+", v.strip()):
            if not part:
                continue
            if part not in _STATE_ALIASES:
                names = "、".join(s.value for s in State)
                raise ValueError(f"未知的状态“{part}”，可用：{names}")
            out.add(_STATE_ALIASES[part])
    return out


def parse_types(values: Iterable[str]) -> set[str]:
    from .schema import TYPES

    by_label = {t.label: name for name, t in TYPES.items()}
    out = set()
    for v in values:
        for part in re.split(r"[,，\s]+", v.strip()):
            if not part:
                continue
            if part in TYPES:
                out.add(part)
            elif part in by_label:
                out.add(by_label[part])
            else:
                raise ValueError(f"未知的类型“{part}”，可用：{'、'.join(TYPES)}")
    return out


@dataclass
class Hit:
    rid: str
    type: str
    state: State
    reason: str
    title: str
    path: str


def staff_search(prepared: Any, query: str, states: set[State] | None = None, types: set[str] | None = None,
                 rebuild: bool = False, path: Path | None = None) -> tuple[list[Hit], UpdateStats, Path]:
    """Search every record of a prepared content dir; updates the staff index first."""
    content_dir = Path(prepared.content_dir)
    path = path or index_dir(content_dir)
    entries = {f"{e.path}#{e.rid}": e for e in prepared.entries}
    docs = {k: staff_doc(e, content_dir) for k, e in entries.items()}
    ix, stats = update_index(path, docs, rebuild=rebuild)
    hits = []
    for key in search_keys(ix, query):
        e = entries.get(key)
        if e is None:
            continue
        if states and e.life.state not in states:
            continue
        rtype = e.record.type if e.record is not None else (e.type or "")
        if types and rtype not in types:
            continue
        hits.append(Hit(e.rid, rtype or "-", e.life.state, e.life.reason, entry_title(e, content_dir), e.path))
    hits.sort(key=lambda h: (h.path, h.rid))
    return hits, stats, path


def format_hit(h: Hit) -> str:
    state = f"{h.state.value}（{h.state.label}）"
    return "\t".join([h.rid, h.type, state, h.title, h.path])
