"""Content-hash build cache: what a rebuild can reuse, and why it may.

The nightly build usually sees the same files as the night before with a new
as-of date. The expensive stages are pure functions of inputs that can be
hashed, so their results are looked up by the hash of those inputs (never by
mtime). Every key also includes CODE_VERSION (the source of generator/ and
redaction/, the Python and library versions), so new code starts afresh.

==========  =====================================================================
kind        key -> value
==========  =====================================================================
records     per group of ~64 files (generator.parallel.RecordStage.load_all): the
            keys of its files (sha256 of the bytes + display path, source path,
            id, type) -> [(RawRecord stand-in, Record | None, problems)]. Records
            listing attachments are parsed every time: their check looks at
            other files.
views       the record's file key (or the pickled Record) + its Lifecycle (state, phase, dates: the only way the
            as-of date reaches a view) + the site context (site.yaml, policy,
            public officer and law lists) [+ the as-of date for laws, whose
            已废止 flag reads it] -> (PublicView, counts) or the leak message.
            A record whose state did not change keeps its key.
pages       (not stored: OutputReuse) the templates + the page context (PublicView
            key, meta ...) + site.yaml -> a key per page. Pages are rendered
            with AsOfToken in place of the as-of date; a page that shows the
            date gets the date in its key. The next build hard-links the
            published file of an unchanged key instead of rendering it.
rows        the view key + the templates -> the view's row in lists of records (the
            item_row macro, root as a placeholder: generator.rows); the view key +
            the columns + the base URL -> its open-data CSV and JSON lines (opendata).
index       (a) per page: rel + the page's date-free digest -> its search
            document (search_index.read_pages); (b) hash of all documents ->
            the index's figures; its files are linked from the published tree.
==========  =====================================================================

So a rebuild with a new as-of date recomputes exactly the views of the records
whose lifecycle changed and renders the pages that show them (and the listings
they move on); every other file is the published file itself, linked into the
staging tree. The output tree is complete and byte-identical to a cold build
(tests/test_cache.py).

Storage: one SQLite file in content/../.gongshi/cache/ (outside output/, never
published; GONGSHI_CACHE_DIR moves it, GONGSHI_CACHE=0 turns it off). Only the
build's main process writes (in batches of WRITE_BATCH_BYTES, then at the end);
forked workers read. Entries unused for 2 x KEEP_GENERATIONS builds are deleted (every
KEEP_GENERATIONS-th build looks for them). A
broken or unwritable cache is logged and ignored: it can make a build slower,
never wrong or failed. The cache holds pickles: its directory must be as trusted
as content/ itself.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import logging
import os
import pickle
import re
import sqlite3
import sys
import time
import weakref
import zlib
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

log = logging.getLogger("gongshi.cache")

CACHE_FORMAT = 1
KEEP_GENERATIONS = 3  # uses are recorded, unused entries dropped, every 3rd build (after 4-8 builds)
WRITE_BATCH_BYTES = 32 << 20  # pending entries are written once they exceed this
KINDS = ("records", "lives", "views", "pages", "rows", "opendata", "index")
_PKG = Path(__file__).resolve().parent
_LIBS = ("PyYAML", "Jinja2", "Markdown", "nh3", "chinesecalendar", "feedgenerator", "MarkupSafe")

_code_version: str | None = None


def code_version() -> str:
    """Hash of everything that turns inputs into outputs: our sources and the libraries' versions."""
    global _code_version
    if _code_version is None:
        from importlib import metadata

        h = hashlib.sha256(f"gongshi-cache-{CACHE_FORMAT}|{sys.version}".encode())
        for folder in (_PKG, _PKG.parent / "redaction"):
            for path in sorted(folder.glob("*.py")):
                h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        for lib in _LIBS:
            try:
                h.update(f"{lib}={metadata.version(lib)}|".encode())
            except metadata.PackageNotFoundError:
                h.update(f"{lib}=-|".encode())
        _code_version = h.hexdigest()
    return _code_version


def digest(*parts: Any) -> str:
    """sha256 of the parts (bytes as they are, everything else as str), unambiguously joined
    (each part after its length). Hashed in one call: ~80,000 keys a 10,000-record build."""
    chunks: list[Any] = []
    for p in parts:
        b = p if isinstance(p, (bytes, bytearray, memoryview)) else str(p).encode("utf-8")
        chunks += (len(b).to_bytes(8, "little"), b)
    return hashlib.sha256(b"".join(chunks)).hexdigest()


def dumps(obj: Any) -> bytes:
    """Bytes to store."""
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def key_bytes(obj: Any) -> bytes:
    """Bytes to hash into a key: a pickle without its memo, so that two equal objects give the
    same bytes whether or not their parts are shared (a fresh Record vs one read from the cache)."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo: no back-references
    pickler.dump(obj)
    return buf.getvalue()


def _ref(reference: str) -> str:
    """What a _RefPickler writes in place of an object: a call of this (never unpickled)."""
    return reference


class _RefPickler(pickle.Pickler):
    """key_bytes' pickler (no memo) that writes reference(obj), when it is not None, in place
    of the object, as a call of _ref: never confused with a pickled value. (reducer_override
    is not consulted for str, int, list, dict ...: a long list of strings costs no Python call.)"""

    def __init__(self, buf: io.BytesIO, reference: Callable[[Any], str | None]):
        super().__init__(buf, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = True
        self._reference = reference

    def reducer_override(self, obj: Any) -> Any:
        ref = self._reference(obj)
        return NotImplemented if ref is None else (_ref, (ref,))


# -- where the cache lives ------------------------------------------------------------------

_OFF = ("0", "false", "no", "off", "")


def cache_dir(content_dir: Path, settings: Mapping[str, Any] | None = None) -> Path | None:
    """The cache directory for a content dir, or None when caching is off.

    GONGSHI_CACHE (environment first, then settings; default on) turns it off;
    GONGSHI_CACHE_DIR (environment, then settings) puts it elsewhere; default
    content_dir/../.gongshi/cache (next to content/, never inside output/).
    """
    settings = settings or {}
    flag = os.environ.get("GONGSHI_CACHE")
    if flag is not None:
        if flag.strip().lower() in _OFF:
            return None
    elif not settings.get("GONGSHI_CACHE", True):
        return None
    where = os.environ.get("GONGSHI_CACHE_DIR") or settings.get("GONGSHI_CACHE_DIR")
    if where:
        return Path(where).resolve()
    return Path(content_dir).resolve().parent / ".gongshi" / "cache"


class BuildCache:
    """Key -> bytes store (SQLite) with per-build pending writes and usage marks."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.path = self.root / "cache.sqlite3"
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self.disabled = False
        self.pending: dict[str, dict[str, bytes]] = {k: {} for k in KINDS}
        self.used: dict[str, set[str]] = {k: set() for k in KINDS}
        self.hits: dict[str, int] = {k: 0 for k in KINDS}
        self.misses: dict[str, int] = {k: 0 for k in KINDS}
        self._pending_bytes = 0
        self._written: dict[str, set[str]] = {k: set() for k in KINDS}  # keys written by _write this build
        self._marked: dict[str, set[str]] = {k: set() for k in KINDS}  # keys marked used by _write this build
        self._settled: set[str] = set()  # kinds whose unused entries this build has dropped already
        self._gen: int | None = None
        self._owner = os.getpid()  # the process that writes
        self._empty: set[str] | None = None  # kinds with nothing stored when the build began: no lookups
        self.pending_manifest: tuple[str, bytes] | None = None  # (output dir, manifest) for flush()

    @classmethod
    def open(cls, content_dir: Path, settings: Mapping[str, Any] | None = None) -> "BuildCache | None":
        root = cache_dir(content_dir, settings)
        if root is None:
            return None
        cache = cls(root)
        return cache if cache._db() is not None else None

    # -- connection (one per process: forked workers open their own) -------------------------
    def _db(self) -> sqlite3.Connection | None:
        if self.disabled:
            return None
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
        except sqlite3.DatabaseError as exc:  # corrupt file: start again
            log.warning("构建缓存已损坏，将重建：%s（%s）", self.path, exc)
            try:
                self.path.unlink(missing_ok=True)
                conn = self._connect()
            except (OSError, sqlite3.Error) as exc2:
                return self._disable(exc2)
        except (OSError, sqlite3.Error) as exc:
            return self._disable(exc)
        self._conn, self._pid = conn, os.getpid()
        return conn

    def _empty_kinds(self, conn: sqlite3.Connection) -> set[str]:
        """Kinds with nothing stored when this build began (a first build): no point looking up.
        Decided once per build, usually before the pool forks: workers inherit the answer."""
        if self._empty is None:
            try:
                self._empty = {k for k in KINDS if conn.execute(f"SELECT 1 FROM kv_{k} LIMIT 1").fetchone() is None}
            except sqlite3.Error:
                self._empty = set()
        return self._empty

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        # Values are pickles of 1-60 KB: 64 KB pages halve the time and syscalls of writing them
        # (a new cache file only; an existing one keeps its page size).
        conn.execute("PRAGMA page_size=65536")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
        for kind in KINDS:
            conn.execute(f"CREATE TABLE IF NOT EXISTS kv_{kind} (key TEXT PRIMARY KEY, gen INTEGER, value BLOB)")
            # The last build that used an entry it did not write: small rows, so marking 30,000
            # entries takes ~0.08 s (setting kv_*.gen rewrote every value: ~0.9 s at 10k records).
            conn.execute(f"CREATE TABLE IF NOT EXISTS used_{kind} (key TEXT PRIMARY KEY, gen INTEGER) WITHOUT ROWID")
        conn.execute("CREATE TABLE IF NOT EXISTS outputs (output TEXT PRIMARY KEY, code TEXT, manifest BLOB)")
        # The last published build of each output: generator.unchanged
        conn.execute("CREATE TABLE IF NOT EXISTS published (output TEXT PRIMARY KEY, meta TEXT, inputs TEXT, tree TEXT, "
                     "outcome BLOB)")
        conn.execute("SELECT count(*) FROM meta").fetchone()  # raises DatabaseError on a broken file
        return conn

    def _disable(self, exc: BaseException) -> None:
        log.warning("构建缓存不可用，本次不使用缓存：%s（%s）", self.path, exc)
        self.disabled = True
        return None

    # -- reading ---------------------------------------------------------------------------------
    def get_many(self, kind: str, keys: Iterable[str], count: bool = True) -> dict[str, bytes]:
        """The stored values of those keys that are stored. count=False: the caller counts hits."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, bytes] = {}
        conn = self._db()
        if conn is None or not keys or kind in self._empty_kinds(conn):
            if count:
                self.misses[kind] += len(keys)
            return found
        try:
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                rows = conn.execute(f"SELECT key, value FROM kv_{kind} WHERE key IN ({','.join('?' * len(part))})",
                                    part).fetchall()
                found.update(rows)
        except sqlite3.Error as exc:
            self._disable(exc)
            found = {}
        self.used[kind].update(found)
        if count:
            self.hits[kind] += len(found)
            self.misses[kind] += len(keys) - len(found)
        return found

    def get_either(self, kind: str, pairs: list[tuple[str, str]]) -> list[bytes | None]:
        """For each (key, dated key): the value stored under either, counted as one lookup."""
        found = self.get_many(kind, [k for pair in pairs for k in pair], count=False)
        out = [found.get(a) or found.get(b) for a, b in pairs]
        hit = sum(1 for v in out if v is not None)
        self.hits[kind] += hit
        self.misses[kind] += len(out) - hit
        return out

    def load_manifest(self, output: str) -> dict[str, tuple]:
        """What the last build into `output` wrote (OutputReuse); empty when unknown."""
        conn = self._db()
        if conn is None:
            return {}
        try:
            row = conn.execute("SELECT code, manifest FROM outputs WHERE output=?", (output,)).fetchone()
            if row is None or row[0] != code_version():
                return {}
            return pickle.loads(zlib.decompress(row[1]))
        except (sqlite3.Error, zlib.error, pickle.UnpicklingError, EOFError) as exc:
            log.warning("构建缓存中的页面清单不可用：%s", exc)
            return {}

    def save_manifest(self, output: str, manifest: Mapping[str, tuple]) -> None:
        self.pending_manifest = (output, zlib.compress(dumps(dict(manifest)), 1))

    def last_build(self, output: str) -> tuple[str, str, str, bytes] | None:
        """(meta digest, inputs digest, tree digest, outcome) of the last published build of
        `output` (generator.unchanged), or None."""
        conn = self._db()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT meta, inputs, tree, outcome FROM published WHERE output=?", (output,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("构建缓存不可用：%s", exc)
            return None
        return None if row is None else tuple(row)

    def remember_build(self, output: str, meta: str | None, inputs: str | None, tree: str | None,
                       outcome: bytes) -> None:
        """Record the build just published into `output`; without digests, forget the last one."""
        conn = self._db()
        if conn is None:
            return
        try:
            if meta is None or inputs is None or tree is None:
                conn.execute("DELETE FROM published WHERE output=?", (output,))
            else:
                conn.execute("INSERT OR REPLACE INTO published VALUES (?, ?, ?, ?, ?)",
                             (output, meta, inputs, tree, outcome))
        except sqlite3.Error as exc:
            log.warning("构建缓存写入失败（不影响本次生成）：%s", exc)

    def get(self, kind: str, key: str) -> bytes | None:
        return self.get_many(kind, [key]).get(key)

    # -- writing (buffered; written by the main process only) -----------------------------------
    def put(self, kind: str, key: str, value: bytes) -> None:
        if not self.disabled:
            self.pending[kind][key] = value
            self.used[kind].add(key)
            self._pending_bytes += len(value)
            self._maybe_write()

    def take_delta(self) -> tuple[dict[str, dict[str, bytes]], dict[str, set[str]], dict[str, int], dict[str, int]]:
        """What this process added since the last call (a forked worker hands it to the parent)."""
        delta = (self.pending, self.used, self.hits, self.misses)
        self.pending = {k: {} for k in KINDS}
        self.used = {k: set() for k in KINDS}
        self.hits = {k: 0 for k in KINDS}
        self.misses = {k: 0 for k in KINDS}
        self._pending_bytes = 0
        return delta

    def merge_delta(self, delta: tuple) -> None:
        pending, used, hits, misses = delta
        for kind in KINDS:
            self.pending[kind].update(pending[kind])
            self.used[kind].update(used[kind])
            self.hits[kind] += hits[kind]
            self.misses[kind] += misses[kind]
            self._pending_bytes += sum(len(v) for v in pending[kind].values())
        self._maybe_write()

    def _maybe_write(self) -> None:
        """Big sites: write pending entries in batches instead of holding them all to the end."""
        if self._pending_bytes > WRITE_BATCH_BYTES and os.getpid() == self._owner:
            self._write(final=False)

    def _generation(self, conn: sqlite3.Connection) -> int:
        if self._gen is None:
            row = conn.execute("SELECT v FROM meta WHERE k='gen'").fetchone()
            self._gen = (int(row[0]) if row else 0) + 1
        return self._gen

    def _write(self, final: bool, settle: Iterable[str] = ()) -> None:
        """Write the pending entries. On every KEEP_GENERATIONS-th build, for the kinds in
        `settle` (final: all kinds not settled yet) also mark the keys used and not written, and
        drop the entries unused for 2 x KEEP_GENERATIONS builds; a kind settled earlier in the
        build has only its keys used since marked."""
        conn = self._db()
        if conn is None:
            return
        settle = set(KINDS) - self._settled if final else set(settle) - self._settled
        try:
            conn.execute("BEGIN IMMEDIATE")
            gen = self._generation(conn)
            marking = gen % KEEP_GENERATIONS == 0
            for kind in KINDS:
                conn.executemany(f"INSERT OR REPLACE INTO kv_{kind} VALUES (?, ?, ?)",
                                 ((k, gen, v) for k, v in self.pending[kind].items()))
                self._written[kind].update(self.pending[kind])
                if marking and (kind in settle or (final and kind in self._settled)):
                    # Marking the used keys every KEEP_GENERATIONS-th build keeps an entry in use
                    # alive just the same as marking them every build.
                    mark = [k for k in self.used[kind] if k not in self._written[kind] and k not in self._marked[kind]]
                    conn.executemany(f"INSERT OR REPLACE INTO used_{kind} VALUES (?, ?)", ((k, gen) for k in mark))
                    self._marked[kind].update(mark)
                if marking and kind in settle:
                    # Dropped on the same builds: each DELETE scans its table (~0.15 s in all at
                    # 10,000 records), and an entry unused for 4-6 builds may as well go within 9.
                    cutoff = gen - 2 * KEEP_GENERATIONS + 1
                    conn.execute(f"DELETE FROM kv_{kind} WHERE gen < ? AND NOT EXISTS "
                                 f"(SELECT 1 FROM used_{kind} u WHERE u.key = kv_{kind}.key AND u.gen >= ?)",
                                 (cutoff, cutoff))
                    conn.execute(f"DELETE FROM used_{kind} WHERE gen < ?", (cutoff,))
            if final:
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('gen', ?)", (str(gen),))
                if self.pending_manifest is not None:
                    conn.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)",
                                 (self.pending_manifest[0], code_version(), self.pending_manifest[1]))
                    self.pending_manifest = None
            conn.execute("COMMIT")
            self._settled |= settle
        except sqlite3.Error as exc:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            log.warning("构建缓存写入失败（不影响本次生成）：%s", exc)
        self.pending = {k: {} for k in KINDS}
        self._pending_bytes = 0

    def write_early(self, keep: Iterable[str] = ("index",)) -> None:
        """Write what is pending now, and settle (_write) every kind but those in `keep`, still
        in use: the main process does this while the search index child works, instead of all
        of it after (a night's cache write took 0.1-0.9 s, the index 0.5-0.7 s)."""
        if os.getpid() == self._owner:
            self._write(final=False, settle=set(KINDS) - set(keep))

    def flush(self) -> None:
        """Write what is pending; every KEEP_GENERATIONS-th build also marks what was used and drops
        entries unused for 2 x KEEP_GENERATIONS builds."""
        self._write(final=True)
        self.used = {k: set() for k in KINDS}
        self._written = {k: set() for k in KINDS}
        self._marked = {k: set() for k in KINDS}
        self._settled = set()
        self._gen = None
        self._empty = None

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None

    def summary(self) -> dict[str, tuple[int, int]]:
        """(hits, misses) per kind: for the bench and the tests."""
        return {k: (self.hits[k], self.misses[k]) for k in KINDS}


# -- records -------------------------------------------------------------------------------------

def record_key(digest_: str, path: str, source: str, rid: str, rtype: str | None) -> str:
    return digest("record", code_version(), digest_, path, source, rid, rtype)


# -- views ---------------------------------------------------------------------------------------

def context_digest(ctx: Any) -> str:
    """Everything site-wide a view depends on: site.yaml, policy, public officer and law lists."""
    return digest("ctx", code_version(), key_bytes((dict(ctx.site), ctx.policy, list(ctx.officers), list(ctx.law_names))))


def life_key(life: Any, life_bytes: bytes | None = None) -> bytes:
    """What a view's key takes of a Lifecycle: the sha256 of key_bytes(life) (life_bytes, if given)."""
    return hashlib.sha256(key_bytes(life) if life_bytes is None else life_bytes).digest()


def view_key(record: Any, life: Any, ctx_digest: str, as_of: date, record_key_: str | None = None,
             life_key_: bytes | None = None) -> str:
    """record_key_: the cache key of the file the record was parsed from (which determines it);
    life_key_: life_key(life) when the caller has it (the lifecycle stage keeps it)."""
    # The as-of date reaches a view through the Lifecycle, except for a law's
    # 已废止 flag (views.ViewBuilder._extra compares repealed_on with it): laws
    # are keyed by the date as well (tests/test_cache.py guards this list).
    when = as_of.isoformat() if record.type in AS_OF_IN_VIEW_TYPES else ""
    return digest("view", ctx_digest, record_key_ or key_bytes(record), life_key_ or life_key(life), when)


AS_OF_IN_VIEW_TYPES = frozenset({"law"})

# PublicView -> its view key, set by the views stage (generator.parallel): a page's key
# can use the view's key instead of pickling the view again. Weak, checked by identity.
_VIEW_KEYS: dict[int, tuple[Any, str]] = {}


def remember_view_key(view: Any, key: str) -> None:
    try:
        _VIEW_KEYS[id(view)] = (weakref.ref(view), key)
    except TypeError:  # not weak-referenceable: pages pickle it instead
        pass


def forget_view_keys() -> None:
    _VIEW_KEYS.clear()


def _view_key_of(value: Any) -> str | None:
    got = _VIEW_KEYS.get(id(value))
    return got[1] if got is not None and got[0]() is value else None


# -- pages: the as-of date as a placeholder -----------------------------------------------------

# A placeholder is U+E000 NONCE:FORMAT-IN-HEX U+E001. The nonce is random per build
# (forked workers share it), so no text in a record can look like one; it is left out
# of keys and digests, and stored with each page so that fill() finds its placeholders.
NONCE = os.urandom(8).hex()
_OPEN, _CLOSE = "\ue000", "\ue001"
_UNSAFE_FORMAT = re.compile(r"[<>&'\"\ue000\ue001]")


def _token_re(nonce: str) -> re.Pattern[str]:
    return re.compile(_OPEN + re.escape(nonce) + ":([0-9a-f]*)" + _CLOSE)


class AsOfUsed(Exception):
    """A page used the as-of date other than by formatting it: render it the ordinary way."""


class AsOfToken:
    """Stands in for the as-of date while a page is rendered for the cache.

    strftime()/isoformat()/str() give a placeholder that fill() later turns into
    the real date; anything else (comparisons, .year, arithmetic, pickling) raises
    AsOfUsed, so a page that depends on the date in another way is never cached as
    if it did not.
    """

    __slots__ = ()

    def strftime(self, fmt: str) -> str:
        if _UNSAFE_FORMAT.search(fmt):  # the template would escape the real text
            raise AsOfUsed(fmt)
        return f"{_OPEN}{NONCE}:{fmt.encode('utf-8').hex()}{_CLOSE}"

    def isoformat(self) -> str:
        return self.strftime("%Y-%m-%d")

    def __str__(self) -> str:
        return self.isoformat()

    def __format__(self, spec: str) -> str:
        return self.strftime(spec) if spec else str(self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AsOfUsed(name)

    def _refuse(self, *_: Any) -> Any:
        raise AsOfUsed("comparison or arithmetic")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse  # type: ignore[assignment]
    __add__ = __sub__ = __radd__ = __rsub__ = __hash__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        raise AsOfUsed("pickle")


def fill(tokenised: str, as_of: date, nonce: str = NONCE) -> str:
    """The page for as_of: every placeholder replaced by the formatted date."""
    if _OPEN not in tokenised:
        return tokenised
    return _token_re(nonce).sub(lambda m: as_of.strftime(bytes.fromhex(m.group(1)).decode("utf-8")), tokenised)


def theme_digest(theme_dir: Path) -> str:
    """Hash of the templates (names and bytes)."""
    h = hashlib.sha256()
    folder = Path(theme_dir) / "templates"
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _frozen_schema() -> tuple[type, ...]:
    from .schema import F, RecordType

    return (RecordType, F)


_FROZEN_SCHEMA = _frozen_schema()


def _index_marker() -> str | None:
    try:
        from . import search_index
    except ImportError:
        return None
    return getattr(search_index, "BODY_ATTR", None)


@dataclasses.dataclass
class _Prefetched:
    """What the index child loaded before the detail pages were done (PageCache._prefetch)."""

    by_rel: dict[str, tuple[str, bytes]] = dataclasses.field(default_factory=dict)  # rel -> (digest, blob)
    sums: dict[int, bytes] = dataclasses.field(default_factory=dict)  # id(blob) -> sha256 of the blob
    docs: dict[bytes, Any] = dataclasses.field(default_factory=dict)  # sha256 -> unpickled, numbered doc
    vocab: Any = None


class PageCache:
    """Renderer.page() through the cache (generator.render.Renderer.pages).

    Every page is rendered with an AsOfToken for the date and keyed without it (with
    it, _dated, when the date shows on the page); an unchanged page is linked from
    the published tree (OutputReuse). For every page it remembers the digest of its
    date-free form and whether the search index reads it: the key of the search
    index (search_index()), and the manifest entry for the next build.
    """

    def __init__(self, cache: BuildCache, theme_dir: Path, as_of: date, reuse: "OutputReuse | None" = None):
        self.cache = cache
        self.reuse = reuse
        self.as_of = as_of
        self.theme = theme_digest(theme_dir)
        self.marker = _index_marker()
        # rel -> (date-free digest, read by the search index, key the next build may link it by)
        self.pages: dict[str, tuple[str, bool, str | None]] = {}
        self.formats: set[str] = set()  # date formats the placeholders asked for
        self.linked: set[str] = set()  # pages linked from the last build (this process)
        self.docs: dict[str, bytes] = {}  # rel -> pickled search document (page_doc)
        self._background: Any = None  # (process, pipe, pages, temp dir) of start_index
        self.background_index = False  # set by generator.build: the index will be built, in 2+ processes
        self._token_sites: dict[int, tuple[Any, Any]] = {}
        self._site_digests: dict[int, tuple[Any, str]] = {}
        self._schema_digests: dict[int, tuple[Any, bytes]] = {}

    def token_site(self, site: Any) -> Any:
        """The renderer's SiteView with the as-of date replaced by a placeholder (one per site)."""
        got = self._token_sites.get(id(site))
        if got is None or got[0] is not site:
            got = self._token_sites[id(site)] = (site, dataclasses.replace(site, as_of=AsOfToken()))
        return got[1]

    def _site_digest(self, site: Any) -> str:
        """site.yaml and the base URL; never the date (a key that needs it is _dated)."""
        got = self._site_digests.get(id(site))
        if got is None or got[0] is not site:  # the tuple keeps `site` alive: its id stays its own
            info = key_bytes((getattr(site, "info", None), getattr(site, "base_url", None)))
            got = self._site_digests[id(site)] = (site, digest(info))
        return got[1]

    def _schema_digest(self, value: Any) -> bytes:
        got = self._schema_digests.get(id(value))
        if got is None or got[0] is not value:
            got = self._schema_digests[id(value)] = (value, digest(key_bytes(value)).encode())
        return got[1]

    def _value_bytes(self, value: Any) -> bytes:
        if isinstance(value, _FROZEN_SCHEMA):  # the same few RecordTypes on every page
            return self._schema_digest(value)
        known = _view_key_of(value)
        if known is not None:
            return b"view:" + known.encode()
        if isinstance(value, (list, tuple)) and value and _view_key_of(value[0]) is not None:
            keys = [_view_key_of(v) for v in value]
            if all(keys):  # a listing's page of views
                return b"views:" + ",".join(keys).encode()  # type: ignore[arg-type]
        # Anything else (a year page's months of views, the home page's blocks): pickled with
        # every keyed view and schema type in it as a reference to its key, not pickled again.
        buf = io.BytesIO()
        _RefPickler(buf, self._reference).dump(value)
        return buf.getvalue().replace(NONCE.encode("ascii"), b"")

    def _reference(self, obj: Any) -> str | None:
        if isinstance(obj, _FROZEN_SCHEMA):
            return "schema:" + self._schema_digest(obj).decode()
        known = _view_key_of(obj)
        return None if known is None else "view:" + known

    def _key(self, site: Any, rel: str, template: str, ctx: dict[str, Any]) -> str | None:
        if self.cache.disabled:
            return None
        try:
            parts = [self._site_digest(site)]
            for name, value in ctx.items():
                parts += [name, self._value_bytes(value)]
        except AsOfUsed:  # the context holds the date object itself
            raise
        except Exception:  # not picklable: render without the cache
            return None
        return digest("page", code_version(), self.theme, template, rel, *parts)

    def page(self, renderer: Any, rel: str, template: str, ctx: dict[str, Any]) -> str | None:
        """The page's HTML, or None when the unchanged file of the last build was linked in.

        Every page is rendered with AsOfToken for the date; a template that uses the date
        other than by formatting it is rendered again with the real date (dated key)."""
        real = renderer.site
        site = self.token_site(real)
        try:
            key = self._key(site, rel, template, ctx)
        except AsOfUsed:  # the context itself holds the date
            key, site = None, real
        if self._linked(rel, key and (key, self._dated(key))):
            return None
        if site is not real:
            try:
                html = self._done(rel, renderer.render_page(rel, template, site, ctx), NONCE, key)
                return None if self._same_as_published(rel, key) else html
            except AsOfUsed:
                pass
        return self._done(rel, renderer.render_page(rel, template, real, ctx), "", key and self._dated(key))

    def link_page(self, renderer: Any, rel: str, template: str, ctx: dict[str, Any]) -> bool:
        """page()'s first half: link the last build's file if the page's key is unchanged, else
        False (nothing rendered, no miss counted: page() does that when it renders it)."""
        try:
            key = self._key(self.token_site(renderer.site), rel, template, ctx)
        except AsOfUsed:
            return False
        return self._linked(rel, key and (key, self._dated(key)), count_miss=False)

    def _same_as_published(self, rel: str, key: str | None) -> bool:
        """A page or file made again (something it was given changed that it does not show: say a
        pending application's view, a working day further, on a list that shows only its row)
        into exactly the bytes of the published file: that file is linked in instead of a new
        one written, as if its key had not changed
        (the next build links it under the new key). Only for pages without the date on them
        (their digest is then of the very bytes), and only while the published file is untouched."""
        now = self.pages.get(rel)
        got = self.reuse.previous.get(rel) if self.reuse is not None else None
        if got is None or now is None or key is None or now[2] != key or (got[4], got[5]) != now[:2]:
            return False
        if self.reuse.link(rel, (got[0],)) is None:
            return False
        self.linked.add(rel)
        return True

    def file(self, renderer: Any, rel: str, inputs: tuple, produce: Callable[[], str | bytes]) -> str | bytes | None:
        """Renderer.file through the reuse manifest: None when the last build's file was linked in.
        produce() must depend only on `inputs` and the site (site.yaml, base URL), never on the date."""
        try:
            key = digest("file", code_version(), rel, self._site_digest(renderer.site),
                         *[self._value_bytes(x) for x in inputs])
        except Exception:  # not picklable: no reuse
            key = None
        if self._linked(rel, key and (key,)):
            return None
        data = produce()
        self.pages[rel] = (digest(data), False, key)
        return None if self._same_as_published(rel, key) else data

    def _linked(self, rel: str, keys: tuple[str, ...] | None, count_miss: bool = True) -> bool:
        """Link the last build's file of one of these keys into the staging tree (counted)."""
        got = self.reuse.link(rel, keys) if keys and self.reuse is not None else None
        if got is None:
            if count_miss:
                self.cache.misses["pages"] += 1
            return False
        self.pages[rel] = got
        self.linked.add(rel)
        self.cache.hits["pages"] += 1
        return True

    def _dated(self, key: str) -> str:
        return digest(key, "as-of", self.as_of.isoformat())

    def _done(self, rel: str, html: str, nonce: str, key: str | None) -> str:
        """Note the page's date-free digest, whether the index reads it and the key under which
        the next build may link it (dated when the date shows on it); fill in the date."""
        marked = bool(self.marker) and self.marker in html
        if not nonce or _OPEN not in html:
            self.pages[rel] = (digest(html.replace(nonce, "") if nonce else html), marked, key)
            return html
        for m in _token_re(nonce).finditer(html):
            self.formats.add(bytes.fromhex(m.group(1)).decode("utf-8"))
        self.pages[rel] = (digest(html.replace(nonce, "")), marked, key and self._dated(key))
        return fill(html, self.as_of, nonce)

    # -- the citizen search index --------------------------------------------------------------
    # search_index.build_citizen_index(out_dir, files) is read_pages (page -> document, page
    # by page) then write_index (documents -> search/idx/). Documents are cached per page
    # under the page's date-free digest: extracted right after a detail page is written
    # (page_doc, in the worker that wrote it) or, for other pages, in search_index(); when
    # every document is as before, the files of the last write_index are replayed. A
    # document or index in which the as-of date shows up is stored under a key with the date.

    def _search_functions(self) -> tuple[Any, Any] | None:
        from . import search_index as si

        read_pages, write_index = getattr(si, "read_pages", None), getattr(si, "write_index", None)
        if not self.marker or self.cache.disabled or read_pages is None or write_index is None:
            return None
        return read_pages, write_index

    def _doc_keys(self, rel: str, page_digest: str) -> tuple[str, str]:
        k = digest("doc", code_version(), rel, page_digest)
        return k, digest(k, self.as_of.isoformat())

    def _store_doc(self, keys: tuple[str, str], blob: bytes) -> None:
        self.cache.put("index", keys[1] if self._mentions_as_of([blob]) else keys[0], blob)

    def page_doc(self, out_dir: Path, rel: str) -> None:
        """The search document of a page just written (None when it has none), kept pickled."""
        fns = self._search_functions()
        known = self.pages.get(rel)
        if fns is None or known is None or not known[1] or rel in self.linked:
            return  # a linked page's document is looked up with the others in _write_index
        keys = self._doc_keys(rel, known[0])
        blob = self.cache.get_either("index", [keys])[0]
        if blob is None:
            got = fns[0](out_dir, [rel])
            blob = dumps(got[0] if got else None)
            self._store_doc(keys, blob)
        self.docs[rel] = blob

    def _index_pages(self, out_dir: Path, files: Iterable[str]) -> list[tuple[str, str]]:
        """(rel, date-free digest) of every page the index reads, in read_pages' order."""
        marker = self.marker.encode("utf-8") if self.marker else b""
        pages = []
        for rel in sorted(set(files)):
            if not rel.endswith(".html"):
                continue
            known = self.pages.get(rel)
            if known is None:  # not rendered through the cache: its bytes decide
                data = (out_dir / rel).read_bytes()
                known = (digest(data), marker in data)
            if known[1]:
                pages.append((rel, known[0]))
        return pages

    def _write_index(self, out_dir: Path, pages: list[tuple[str, str]], workers: int, min_items: int,
                     processes: int = 1, early: "_Prefetched | None" = None) -> tuple[dict[str, Any], list[str]]:
        """Write the index of these pages into out_dir's index folder, whose earlier files it
        overwrites or deletes (search_index._put); (stats, files of the index).

        workers: pool size for pages whose documents are not known yet; processes: for the
        index files themselves (search_index.write_index); early: what prefetch_index loaded."""
        read_pages, write_index = self._search_functions() or (None, None)
        started = time.perf_counter()
        blobs: list[bytes | None] = [self.docs.get(rel) for rel, _ in pages]
        if early is not None:  # the last build's document of a page whose digest is the same
            for i, (rel, page_digest) in enumerate(pages):
                got = early.by_rel.get(rel)
                if blobs[i] is None and got is not None and got[0] == page_digest:
                    blobs[i] = got[1]
                    self.cache.hits["index"] += 1
        ask = [i for i, b in enumerate(blobs) if b is None]
        keys = {i: self._doc_keys(*pages[i]) for i in ask}
        for i, blob in zip(ask, self.cache.get_either("index", [keys[i] for i in ask])):
            blobs[i] = blob
        todo = [i for i in ask if blobs[i] is None]
        from .parallel import map_chunks

        def extract(start: int, stop: int) -> list[bytes]:
            out = []
            for i in todo[start:stop]:
                got = read_pages(out_dir, [pages[i][0]])
                out.append(dumps(got[0] if got else None))
            return out

        fresh = (blob for chunk in map_chunks(extract, len(todo), workers, min_items) for blob in chunk)
        for i in todo:
            blobs[i] = next(fresh)
            self._store_doc(keys[i], blobs[i])
        # The documents decide the index: its key hashes their pickles (no need to pickle them again).
        sums = [early.sums.get(id(b)) or hashlib.sha256(b).digest() if early is not None
                else hashlib.sha256(b).digest() for b in blobs if b is not None]
        key = digest("index", code_version(), *sums)
        parsed = time.perf_counter()
        stats_blob = self.cache.get("index", key)
        linked = None
        root = out_dir / self._index_dir()
        if stats_blob is not None and self.reuse is not None:
            linked = self.reuse.link_tree(self._index_dir() + "/", lambda rel: digest(key, rel), out_dir)
        if linked is not None:  # the last build's index files, unchanged
            from .publish import _prune

            _prune(root, {rel[len(self._index_dir()) + 1 :] for rel in linked})
            stats = dict(pickle.loads(stats_blob))
            stats["reused"] = True
        else:
            ready = early.docs if early is not None else {}
            found = [(s, ready.get(s) or pickle.loads(b)) for s, b in zip(sums, (b for b in blobs if b is not None))]
            docs = [(s, d) for s, d in found if d is not None]
            vocab = self._numbered(docs, early.vocab if early is not None else None)
            parsed = time.perf_counter()
            stats = write_index(out_dir, [d for _, d in docs], processes=processes, vocab=vocab)
            self._keep_numbers(docs, vocab)
            self.cache.put("index", key, dumps(stats))
        from .publish import scan_tree

        rels = sorted(f"{self._index_dir()}/{rel}" for rel in scan_tree(root)[0])
        for rel in rels:
            self.pages[rel] = ("", False, digest(key, rel))
        stats["seconds_read"] = round(parsed - started, 3)
        stats["seconds"] = round(time.perf_counter() - started, 3)
        stats["docs_extracted"] = len(todo)
        return stats, rels

    # The vocabulary of the last index (search_index.Vocabulary) and each document's tokens as its
    # numbers: a rebuild skips splitting and looking up every token of every unchanged document.
    def _numbered(self, docs: list[tuple[bytes, Any]], vocab: Any = None) -> Any:
        """The kept vocabulary (or a new one), each document given its kept numbers (or None).
        vocab: the kept vocabulary, already loaded: only documents without numbers are looked up."""
        from .search_index import Vocabulary

        if vocab is None:
            vkey = digest("vocab", code_version())
            blob = self.cache.get_many("index", [vkey], count=False).get(vkey)
            try:
                vocab = Vocabulary.from_state(pickle.loads(blob)) if blob is not None else None
            except Exception:  # noqa: BLE001 - an unreadable vocabulary: start a new one
                vocab = None
            if vocab is None:
                return Vocabulary()
        else:
            docs = [(s, d) for s, d in docs if getattr(d, "tids", None) is None]
        import numpy as np

        keys = [digest("tids", vocab.uid, s) for s, _ in docs]
        found = self.cache.get_many("index", keys, count=False)
        for k, (_, d) in zip(keys, docs):
            got = found.get(k)
            d.tids = np.frombuffer(got, dtype=np.uint32) if got is not None else None
        return vocab

    def _prefetch(self) -> "_Prefetched":
        """The documents of the last build's index pages (most of them unchanged), unpickled and
        numbered, and the vocabulary: loaded by the index child while the detail pages render."""
        early = _Prefetched()
        last = [(rel, entry[4]) for rel, entry in (self.reuse.previous.items() if self.reuse is not None else ())
                if entry[5]]
        keys = [self._doc_keys(rel, page_digest) for rel, page_digest in last]
        found = self.cache.get_many("index", [k for pair in keys for k in pair], count=False)
        docs = []
        for (rel, page_digest), (plain, dated) in zip(last, keys):
            blob = found.get(plain) or found.get(dated)
            if blob is None:
                continue
            early.by_rel[rel] = (page_digest, blob)
            s = hashlib.sha256(blob).digest()
            early.sums[id(blob)] = s
            doc = pickle.loads(blob)
            if doc is not None:
                early.docs[s] = doc
                docs.append((s, doc))
        early.vocab = self._numbered(docs)
        return early

    def _keep_numbers(self, docs: list[tuple[bytes, Any]], vocab: Any) -> None:
        """Store the numbers write_index gave documents that had none, and a grown vocabulary."""
        for s, d in docs:
            key = digest("tids", vocab.uid, s)
            if key not in self.cache.used["index"]:
                self.cache.put("index", key, d.tids.tobytes())
        if vocab.grown:
            self.cache.put("index", digest("vocab", code_version()), dumps(vocab.state()))

    @staticmethod
    def _index_dir() -> str:
        from .search_index import INDEX_DIR

        return INDEX_DIR

    def prefetch_index(self, out_dir: Path) -> None:
        """Fork the index child now, before the detail pages are rendered: it loads the last
        build's documents (_prefetch) while they render, then waits for start_index()."""
        if not self.background_index or self._search_functions() is None or self._background is not None:
            return
        if self.reuse is None or not any(entry[5] for entry in self.reuse.previous.values()):
            return  # nothing to load early: start_index forks it later, and the documents come with the fork
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)
        orders, order = ctx.Pipe(duplex=False)

        def child() -> None:
            from .procs import die_with_parent

            die_with_parent()
            order.close()  # the parent's end: EOF on orders when the parent is gone
            self.cache.take_delta()  # inherited pending entries belong to the parent
            try:
                early = self._prefetch()
                got = orders.recv()  # (pages, their new documents) from start_index
                self.docs.update(got[1])
                stats, rels = self._write_index(out_dir, got[0], 1, 1, processes=2, early=early)
                send.send(("ok", stats, rels, self.cache.take_delta(), {r: self.pages[r] for r in rels}))
            except EOFError:  # the parent went on without an index from here
                send.send(("error", "abandoned"))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, which redoes it
                send.send(("error", repr(exc)))

        proc = ctx.Process(target=child, daemon=True)
        proc.start()
        send.close()
        orders.close()
        self._background = (proc, recv, None, order)

    def start_index(self, out_dir: Path, files: list[str]) -> None:
        """Build the index in a forked child while the main process renders the other pages.

        Called once the detail pages are written (generator.parallel.render_details); the
        child (forked now, or already by prefetch_index) writes the index folder of the
        staging tree (which nothing else writes), search_index() checks that the pages the
        index reads are still exactly those (or does it again)."""
        if not self.background_index or self._search_functions() is None:
            return
        if self._background is not None and self._background[2] is None:  # prefetch_index's child
            proc, recv, _none, order = self._background
            try:
                pages = self._index_pages(out_dir, files)
                order.send((pages, {rel: self.docs[rel] for rel, _ in pages if rel in self.docs}))
            except Exception:  # search_index() will do it in the foreground
                self.discard_background()
                return
            order.close()
            self._background = (proc, recv, pages, None)
            return
        if self._background is not None:
            return
        import multiprocessing

        try:
            pages = self._index_pages(out_dir, files)
        except Exception:  # search_index() will do it in the foreground
            return
        recv, send = multiprocessing.get_context("fork").Pipe(duplex=False)

        def child() -> None:
            from .procs import die_with_parent

            die_with_parent()
            self.cache.take_delta()  # inherited pending entries belong to the parent
            try:
                stats, rels = self._write_index(out_dir, pages, 1, 1, processes=2)
                send.send(("ok", stats, rels, self.cache.take_delta(), {r: self.pages[r] for r in rels}))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, which redoes it
                send.send(("error", repr(exc)))

        proc = multiprocessing.get_context("fork").Process(target=child, daemon=True)
        proc.start()
        send.close()
        self._background = (proc, recv, pages, None)

    def discard_background(self) -> None:
        if self._background is not None:
            proc, recv, _pages, order = self._background
            self._background = None
            proc.terminate()  # a half-written index folder: this build fails, the next one redoes it
            proc.join()
            recv.close()
            if order is not None:
                order.close()

    def _finish_background(self, out_dir: Path, files: list[str]) -> dict[str, Any] | None:
        if self._background[2] is None:  # prefetched, never started: hand it the pages now
            self.start_index(out_dir, files)
            if self._background is None:
                return None
        proc, recv, pages, _order = self._background
        self._background = None
        try:
            result = recv.recv()
        except EOFError:
            result = ("error", "no result")
        proc.join()
        if result[0] == "ok" and self._index_pages(out_dir, files) == pages:
            _, stats, rels, delta, entries = result
            self.cache.merge_delta(delta)
            self.pages.update(entries)
            stats["background"] = True
            return stats
        if result[0] != "ok":
            log.warning("后台生成搜索索引失败，改为直接生成：%s", result[1])
        return None

    def search_index(self, out_dir: Path, files: list[str], build: Callable[[Path, list[str]], dict[str, Any]],
                     workers: int = 1, min_items: int = 200) -> dict[str, Any]:
        """What build(out_dir, files) (search_index.build_citizen_index) writes, reusing earlier work."""
        if self._background is not None:
            stats = self._finish_background(out_dir, files)
            if stats is not None:
                return stats
        if self._search_functions() is None:
            return build(out_dir, files)
        try:
            stats, _rels = self._write_index(out_dir, self._index_pages(out_dir, files), workers, min_items,
                                             processes=workers)
        except Exception as exc:  # the search module changed shape: its own entry point decides
            log.warning("搜索索引缓存不可用，直接生成：%r", exc)
            return build(out_dir, files)
        return stats

    def _mentions_as_of(self, blobs: Iterable[bytes]) -> bool:
        """Does the as-of date (in any format a page used, or ISO) appear in these files?"""
        needles = set()
        for fmt in self.formats | {"%Y-%m-%d"}:
            s = self.as_of.strftime(fmt)
            needles.add(s.encode("utf-8"))
            needles.add(json.dumps(s)[1:-1].encode("utf-8"))
        for data in blobs:
            if data[:2] == b"\x1f\x8b":
                try:
                    data = gzip.decompress(data)
                except OSError:
                    return True
            if any(n in data for n in needles):
                return True
        return False


class OutputReuse:
    """Keeps or links unchanged files of the last published tree in the staging tree.

    The staging tree is the spare (generator.publish), normally a tree of hard links to
    output/ itself: a page already there as the very file output/ has (same inode) is kept
    as it is; otherwise the published file is linked in.

    After a build the manifest (kept in the cache, per output directory) records for
    every page the key it was rendered under and the file's inode, size and mtime. The
    next build links a page from output/ instead of rendering it when its key is the
    same and the file is still exactly the one written (same inode, size and mtime: an
    edited or replaced file is rendered again). Files are never written in place
    (render.Renderer.write replaces), so the old and new trees sharing an inode is safe.
    """

    def __init__(self, cache: BuildCache, output: Path, staging: Path):
        self.cache = cache
        self.output = os.fspath(Path(output).absolute())
        self.staging = os.fspath(staging)
        self.previous: dict[str, tuple] = cache.load_manifest(self.output)
        self._dirs: set[str] = set()
        self._noted: dict[str, tuple] = {}  # note(): rel -> (pages value, manifest entry)

    def _link(self, rel: str, keys: tuple[str, ...], root: str) -> tuple | None:
        """Link the published file rel to root/rel if it was written under one of `keys` and is
        untouched; its manifest entry, or None (gone, changed, another file system ...)."""
        got = self.previous.get(rel)
        if got is None or got[0] not in keys:
            return None
        src, dst = os.path.join(self.output, rel), os.path.join(root, rel)
        try:
            st = os.stat(src, follow_symlinks=False)
            if (st.st_ino, st.st_size, st.st_mtime_ns) != got[1:4]:
                return None
            try:  # the staging tree is the spare (generator.publish): it may hold the file already
                if os.stat(dst, follow_symlinks=False).st_ino == st.st_ino:
                    return got
                os.unlink(dst)
            except FileNotFoundError:
                pass
            folder = os.path.dirname(dst)
            if folder not in self._dirs:
                os.makedirs(folder, exist_ok=True)
                self._dirs.add(folder)
            os.link(src, dst, follow_symlinks=False)
        except OSError:
            return None
        return got

    def link(self, rel: str, keys: tuple[str, ...]) -> tuple[str, bool, str] | None:
        """(digest, marked, key) of the page linked into the staging tree, or None: render it."""
        got = self._link(rel, keys, self.staging)
        return None if got is None else (got[4], got[5], got[0])

    def link_tree(self, prefix: str, key_of: Callable[[str], str], into: Path) -> list[str] | None:
        """Link every file of the last build under `prefix` into `into` (same relative paths) if
        each has the key key_of(rel) and is intact; None (and nothing left behind) otherwise."""
        rels = sorted(rel for rel in self.previous if rel.startswith(prefix))
        for n, rel in enumerate(rels):
            if self._link(rel, (key_of(rel),), os.fspath(into)) is None:
                for done in rels[:n]:
                    os.unlink(os.path.join(into, done))
                return None
        return rels or None

    def note(self, pages: Mapping[str, tuple]) -> None:
        """The manifest entries of these pages, written and final in the staging tree (the main
        process does this while the search index child works); remember() takes them."""
        self._noted = self._entries(pages)

    def _entries(self, pages: Mapping[str, tuple], noted: Mapping[str, tuple] | None = None) -> dict[str, tuple]:
        manifest = {}
        for rel, value in pages.items():
            page_digest, marked, key = value
            if key is None:
                continue
            got = noted.get(rel) if noted else None
            if got is not None and got[0] == value:
                manifest[rel] = got
                continue
            try:
                st = os.stat(os.path.join(self.staging, rel), follow_symlinks=False)
            except OSError:
                continue
            manifest[rel] = (value, (key, st.st_ino, st.st_size, st.st_mtime_ns, page_digest, marked))
        return manifest

    def remember(self, pages: Mapping[str, tuple]) -> None:
        """Record the pages of this build (call before publishing the staging tree)."""
        entries = self._entries(pages, self._noted)
        self._noted = {}
        self.cache.save_manifest(self.output, {rel: entry for rel, (_, entry) in entries.items()})
