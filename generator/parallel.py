"""Both cores: the per-record stages in a pool of forked workers, plus the build cache.

Three stages are independent per record and take most of a build: parsing and
validating files, redacting records into PublicViews, and rendering detail
pages. Each runs over chunks of its list in a `fork` pool (workers inherit the
parent's memory, so only chunk bounds go in and only results come back); the
parent consumes the results in list order, so the output is byte-identical to a
run without the pool (tests/test_parallel.py). The search index reads the detail
pages: with the cache on, each worker also extracts the search documents of the
pages it has just written, and the index itself is written by one forked child
while the main process renders listings, home, statistics, open data, feed and
sitemap (generator.cache.PageCache.start_index). Publishing stays in the main process.

GONGSHI_WORKERS (environment first, then pelicanconf.py) sets the pool size;
default: the CPUs this process may use, at most DEFAULT_MAX_WORKERS. 1 turns the
pool off. Lists shorter than GONGSHI_PARALLEL_MIN_ITEMS (default 200) are done
in-process: forking costs more than it saves on a small site.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import zlib
from dataclasses import fields as dataclass_fields
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from . import loader
from .cache import (BuildCache, PageCache, context_digest, digest, dumps, forget_view_keys, key_bytes, life_key,
                    record_key, remember_view_key, view_key)
from .lifecycle import evaluate
from .model import VIEW_BULK_FIELDS, Lifecycle, Problem, RawRecord, Record, StoredView
from .policy import Policy
from .validity import evaluate_kept
from .procs import die_with_parent
from .validate import validate
from .views import LeakError
from .workdays import WorkCalendar

DEFAULT_MAX_WORKERS = 4
DEFAULT_MIN_ITEMS = 200
RECORD_GROUP = 64  # files per cache entry of parsed records, on average


def _setting(name: str, settings: Mapping[str, Any] | None, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None and settings is not None:
        raw = settings.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    try:
        return max(1, int(str(raw).strip()))
    except ValueError:
        return default


def workers_setting(settings: Mapping[str, Any] | None = None) -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return _setting("GONGSHI_WORKERS", settings, max(1, min(cpus, DEFAULT_MAX_WORKERS)))


def min_items_setting(settings: Mapping[str, Any] | None = None) -> int:
    return _setting("GONGSHI_PARALLEL_MIN_ITEMS", settings, DEFAULT_MIN_ITEMS)


# -- the pool ----------------------------------------------------------------------------------

_TASK: Callable[[int, int], Any] | None = None  # what a forked worker runs (inherited, never pickled)
_INIT: Callable[[], Any] | None = None


def _init() -> None:
    die_with_parent()
    if _INIT is not None:
        _INIT()


def _call(bounds: tuple[int, int]) -> Any:
    assert _TASK is not None
    return _TASK(*bounds)


def map_chunks(task: Callable[[int, int], Any], n: int, workers: int, min_items: int,
               init: Callable[[], Any] | None = None,
               meanwhile: Callable[[], Any] | None = None,
               on_results: Callable[[], Any] | None = None) -> Iterator[Any]:
    """task(start, stop) over [0, n) in chunks, results in order; in a fork pool when worth it.

    init() runs once in each worker before its first chunk; meanwhile(), when given, runs in
    this process once the workers have their chunks (before the first task without a pool).
    If meanwhile() returns an iterator it is run step by step, and once the workers are done
    their results are handed out (and on_results() called, after the caller took the last
    one) before the remaining steps: what waits for the results need not wait for meanwhile.
    """
    global _TASK, _INIT
    pool_ok = n > 0 and workers > 1 and n >= min_items and "fork" in multiprocessing.get_all_start_methods()
    size = max(8, min(500, -(-n // (max(workers, 1) * 8))))
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    if not pool_ok:
        for _ in _steps(meanwhile):
            pass
        for b in bounds:
            yield task(*b)
        if on_results is not None:
            on_results()
        return
    _TASK, _INIT = task, init
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_init) as pool:
            results = pool.map_async(_call, bounds, chunksize=1)
            steps = _steps(meanwhile)
            for _ in steps:
                if results.ready():
                    break
            yield from results.get()
            if on_results is not None:
                on_results()
            for _ in steps:
                pass
    finally:
        _TASK = _INIT = None


def _steps(meanwhile: Callable[[], Any] | None) -> Iterator[Any]:
    """meanwhile() run: its steps if it returns an iterator (not started yet), else nothing left."""
    if meanwhile is None:
        return iter(())
    out = meanwhile()
    return out if isinstance(out, Iterator) else iter(())


# -- load + validate, redact ----------------------------------------------------------------------

class RecordStage:
    """pipeline.prepare's per-record work, through the cache and the pool.

    With cache=None and workers=1 it does exactly what prepare did inline.
    """

    def __init__(self, content_dir: Path, cache: BuildCache | None = None, workers: int = 1,
                 min_items: int = DEFAULT_MIN_ITEMS, known_files: dict[str, str] | None = None):
        self.content_dir = Path(content_dir)
        self.cache = cache
        self.known_files = known_files if cache is not None else None  # relative name -> sha256 hex
        self.workers = workers
        self.min_items = min_items
        self._validated: dict[int, tuple[Record | None, list[Problem]]] = {}  # id(raw) -> result
        # id(record) -> (record, key of its file): a view's key can name the file, not pickle the record
        self._record_keys: dict[int, tuple[Record, str]] = {}
        # Lifecycles kept with their validity intervals (lifecycle()): per group of files
        # (load_all), a list with one (first day, last day as ordinals, Lifecycle, its life_key,
        # unknown calendar years asked) or None per file, pickled together (one memo: ~4 us a
        # Lifecycle to read back, where a pickle of its own took ~14).
        self._group_keys: list[str | None] = []
        self._group_bounds: list[tuple[int, int]] = []
        self._slots: dict[int, tuple[Record, int, int]] = {}  # id(record) -> (record, group, index in it)
        self._lives: dict[int, list[tuple[int, int, Lifecycle, bytes, tuple[int, ...]] | None]] = {}
        self._lives_keys: dict[int, str] = {}
        self._lives_changed: dict[int, dict[int, tuple[int, int, Lifecycle, bytes, tuple[int, ...]]]] = {}
        self._life_keys: dict[int, tuple[Lifecycle, bytes]] = {}  # id(life) -> (life, life_key(life))

    # Stage 1: files -> RawRecords (stand-ins with their validation done), through cache and pool.
    def load_all(self) -> tuple[list[RawRecord], list[Problem], list[Path]]:
        """Every file's bytes are its key; records are cached per group of files. A file hashed just
        before the build (known_files, from generator.unchanged) is read only if its group is
        parsed, and a group whose files changed after hashing is not cached.

        Groups end after a file whose path hashes to 0 mod GROUP (content-defined: adding or
        editing a file changes its own group's key only), so a rebuild looks up and unpickles
        a few hundred entries instead of one per file, and parses only the groups that changed."""
        sources, stray, tables = loader.scan_names(self.content_dir)
        if self.cache is None and self.workers <= 1:
            return [loader.read_record_file(Path(s), self.content_dir) for s in sources], stray, tables
        content_dir, cache = self.content_dir, self.cache
        datas: list[bytes | None] = []
        keys: list[str | None] = []
        groups: list[tuple[int, int]] = []
        start = 0
        # Plain strings instead of pathlib per file (10,000 files: ~0.3 s of the main process);
        # the same values as loader.display_path / type_for(relative dir) / Path.stem.
        parent = str(content_dir.parent) + os.sep
        inside = str(content_dir) + os.sep
        known = self.known_files or {}
        hashes: list[str | None] = []  # the hash each file's key was made with (known, not read)
        types: dict[str, str | None] = {}
        for i, src in enumerate(sources):
            sha = known.get(src[len(inside):]) if known and src.startswith(inside) else None
            data = None
            if sha is None:
                try:
                    with open(src, "rb") as f:
                        data = f.read()
                    sha = hashlib.sha256(data).hexdigest()
                except OSError:
                    pass  # read_record_file reports it
            hashes.append(sha if data is None else None)
            shown = src[len(parent):] if src.startswith(parent) else loader.display_path(Path(src), content_dir)
            datas.append(data)
            if sha is not None and cache is not None:
                folder, _, name = src.rpartition(os.sep)
                if folder not in types:
                    types[folder] = loader.type_for(Path(folder).relative_to(content_dir).as_posix())
                keys.append(record_key(sha, shown, src, loader.stem(name), types[folder]))
            else:
                keys.append(None)
            if zlib.crc32(shown.encode("utf-8")) % RECORD_GROUP == 0 or i + 1 - start >= 4 * RECORD_GROUP:
                groups.append((start, i + 1))
                start = i + 1
        if start < len(sources):
            groups.append((start, len(sources)))
        group_keys = [digest("records", *keys[a:b]) if all(keys[a:b]) else None for a, b in groups]
        found = cache.get_many("records", [k for k in group_keys if k], count=False) if cache is not None else {}
        todo = [g for g, k in enumerate(group_keys) if k not in found]

        def parse(i: int) -> tuple[RawRecord, Record | None, list[Problem], bool, bool]:
            """(stub, record, problems, lists attachments, the bytes are those its key was made with)."""
            data, same = datas[i], True
            if data is None and hashes[i] is not None:  # its key is the hash taken before the build
                try:
                    with open(sources[i], "rb") as f:
                        data = f.read()
                    same = hashlib.sha256(data).hexdigest() == hashes[i]
                except OSError:
                    data, same = None, False  # read_record_file reports it
            raw = loader.read_record_file(Path(sources[i]), content_dir, data)
            record, problems = validate(raw)
            stub = RawRecord(raw.path, raw.source, raw.rid, raw.type, {}, {}, "", raw.body_line, raw.digest)
            return stub, record, problems, bool(raw.fields.get("attachments")), same

        def load(first: int, last: int) -> list[tuple[bytes, bytes | None]]:
            """Per group to parse: pickled [(stub, record, problems, has attachments) ...], and the
            same for the cache with None for records that list attachments (checked against other
            files, so parsed every time); None (not cached) when a file was edited since it was
            hashed: what was parsed is not what the group's key says."""
            out = []
            for g in todo[first:last]:
                parsed_ = [parse(i) for i in range(*groups[g])]
                results = [r[:4] for r in parsed_]
                blob = dumps(results)
                if not all(r[4] for r in parsed_):
                    out.append((blob, None))
                    continue
                out.append((blob, dumps([None if r[3] else r for r in results]) if any(r[3] for r in results)
                            else blob))
            return out

        parsed = (r for chunk in map_chunks(load, len(todo), self.workers, max(1, self.min_items // RECORD_GROUP))
                  for r in chunk)
        raws: list[RawRecord] = []
        for g, (a, b) in enumerate(groups):
            key = group_keys[g]
            hit = key in found
            if hit:
                results = pickle.loads(found[key])
                keyed = True
            else:
                blob, cached = next(parsed)
                results = pickle.loads(blob)
                keyed = cached is not None  # else a file was edited since its key was made
                if key is not None and cache is not None and keyed:
                    cache.put("records", key, cached)
            for i, (result, rkey) in enumerate(zip(results, keys[a:b]), a):
                if result is None:
                    stub, record, problems, _, same = parse(i)
                else:
                    (stub, record, problems, _), same = result, keyed
                raws.append(stub)
                self._validated[id(stub)] = (record, problems)
                if rkey is not None and record is not None and same:
                    # Only a record parsed from the very bytes its key was made with: views are
                    # cached under it (tests/test_cache.py: ..._keys_no_view_by_the_old_hash).
                    self._record_keys[id(record)] = (record, rkey)
                    if result is not None and key is not None:  # (files with attachments: checked anew)
                        self._slots[id(record)] = (record, g, i - a)
                if cache is not None:
                    if hit and result is not None:
                        cache.hits["records"] += 1
                    else:
                        cache.misses["records"] += 1
        self._group_keys, self._group_bounds = group_keys, groups
        return raws, stray, tables

    # Stage 1b: Record -> Lifecycle on the as-of date, kept over the dates on which it holds.
    def load_lifecycles(self, policy: Policy) -> None:
        """Look up the lifecycles kept for the groups of files load_all() read (one entry per group
        under its files' keys and the policy, which the calendar comes from)."""
        if self.cache is None or not self._slots:
            return
        rules = key_bytes(policy)
        wanted = {g: digest("lives", k, rules) for g, k in enumerate(self._group_keys) if k is not None}
        found = self.cache.get_many("lives", wanted.values(), count=False)
        self._lives_keys = wanted
        for g, k in wanted.items():
            if k in found:
                try:
                    stored = pickle.loads(found[k])
                except Exception:  # noqa: BLE001 - a damaged entry: evaluate those records again
                    continue
                a, b = self._group_bounds[g]
                if isinstance(stored, list) and len(stored) == b - a and all(
                        kept is None or (type(kept) is tuple and len(kept) == 5 and type(kept[0]) is int
                                          and type(kept[1]) is int and type(kept[2]) is Lifecycle
                                          and type(kept[3]) is bytes and type(kept[4]) is tuple)
                        for kept in stored):
                    self._lives[g] = stored

    def lifecycle(self, record: Record, as_of: date, policy: Policy, cal: WorkCalendar) -> Lifecycle:
        """evaluate(record, as_of, policy, cal), taken from the last build that evaluated the
        record when as_of lies within the dates over which that result holds
        (generator.validity: ~97 % of records on the next day); the calendar is told about the
        unknown years the evaluation asked about, as if it had run."""
        slot = self._slots.get(id(record))
        if slot is None or slot[0] is not record or slot[1] not in self._lives_keys:
            return evaluate(record, as_of, policy, cal)
        _, g, j = slot
        stored = self._lives.get(g)
        kept = stored[j] if stored is not None else None
        day = as_of.toordinal()
        if kept is not None and kept[0] <= day <= kept[1]:
            self.cache.hits["lives"] += 1
            cal.note_unknown_years(kept[4])
            life = kept[2]
            self._life_keys[id(life)] = (life, kept[3])
            return life
        self.cache.misses["lives"] += 1
        with cal.noting_unknown_years() as years:
            life, lo, hi, life_bytes = evaluate_kept(record, as_of, policy, cal, key_bytes)
        lkey = life_key(life, life_bytes)
        self._life_keys[id(life)] = (life, lkey)
        if lo < hi:  # one day only (pinned): evaluated every build anyway
            self._lives_changed.setdefault(g, {})[j] = (lo.toordinal(), hi.toordinal(), life, lkey, tuple(years))
        return life

    def store_lifecycles(self) -> None:
        """Keep the lifecycles evaluated by this build whose interval is longer than its day."""
        if self.cache is None:
            return
        for g, changed in self._lives_changed.items():
            a, b = self._group_bounds[g]
            stored = list(self._lives.get(g) or [None] * (b - a))
            for j, kept in changed.items():
                stored[j] = kept
            self.cache.put("lives", self._lives_keys[g], dumps(stored))
        self._lives_changed = {}

    def validate(self, raw: RawRecord) -> tuple[Record | None, list[Problem]]:
        found = self._validated.pop(id(raw), None)
        if found is not None:
            record, problems = found
            return record, list(problems)
        return validate(raw)

    # Stage 2: (Record, Lifecycle) -> ("view", PublicView, counts) | ("leak", message), in order.
    def build_views(self, builder: Any, items: Sequence[tuple[Record, Any]]) -> Iterator[tuple]:
        if self.cache is None and self.workers <= 1:
            for record, life in items:
                yield _one_view(builder, record, life)
            return
        keys: list[str | None] = [None] * len(items)
        found: dict[str, bytes] = {}
        if self.cache is not None:
            ctx = context_digest(builder.ctx)
            for i, (record, life) in enumerate(items):
                known = self._record_keys.get(id(record))
                kept = self._life_keys.get(id(life))
                try:
                    keys[i] = view_key(record, life, ctx, builder.as_of,
                                       known[1] if known is not None and known[0] is record else None,
                                       kept[1] if kept is not None and kept[0] is life else None)
                except Exception:  # something not picklable: no caching for it
                    keys[i] = None
            found = self.cache.get_many("views", [k for k in keys if k])
        todo = [i for i, k in enumerate(keys) if k not in found]

        def build(start: int, stop: int) -> list[bytes]:  # pickled here: what the cache stores
            return [view_blob(_one_view(builder, *items[i])) for i in todo[start:stop]]

        results = (r for chunk in map_chunks(build, len(todo), self.workers, self.min_items) for r in chunk)
        forget_view_keys()
        for i, key in enumerate(keys):
            if key in found:
                result = view_result(found[key])
            else:
                blob = next(results)
                if key is not None and self.cache is not None:
                    self.cache.put("views", key, blob)
                result = view_result(blob)
            if key is not None and result[0] == "view":
                remember_view_key(result[1], key)
            yield result


def view_blob(result: tuple) -> bytes:
    """_one_view's result as the cache stores it: a view in two pickles, its small fields (and
    the redaction counts) first and its bulky ones (model.VIEW_BULK_FIELDS) after, so that
    view_result() need not unpickle what no page of this build reads."""
    if result[0] != "view":
        return b"R" + dumps(result)
    view = result[1]
    small = {f.name: getattr(view, f.name) for f in dataclass_fields(view) if f.name not in VIEW_BULK_FIELDS}
    head = dumps(("view", small, result[2]))
    return b"V" + len(head).to_bytes(4, "little") + head + dumps({f: getattr(view, f) for f in VIEW_BULK_FIELDS})


def view_result(blob: bytes) -> tuple:
    """view_blob() read back: ("view", StoredView, counts) or ("leak", message)."""
    if blob[:1] != b"V":
        return pickle.loads(blob[1:])
    n = int.from_bytes(blob[1:5], "little")
    kind, small, counts = pickle.loads(blob[5 : 5 + n])
    return kind, StoredView.from_parts(small, blob[5 + n :]), counts


def _one_view(builder: Any, record: Record, life: Any) -> tuple:
    try:
        view, counts = builder.build(record, life)
    except LeakError as exc:
        return ("leak", str(exc))
    return ("view", view, counts)


# -- detail pages -------------------------------------------------------------------------------------

def render_details(renderer: Any, views: Sequence[Any], workers: int, min_items: int,
                   meanwhile: Callable[[], Any] | None = None) -> None:
    """The renderer's detail pages (Renderer.details hook) through the pool: each worker renders
    a chunk of detail pages (and copies their attachments) straight into the staging tree; the
    parent runs meanwhile() (the pages that read no detail page), then appends the files in list
    order and takes the workers' new cache entries."""
    pages: PageCache | None = renderer.pages
    written_type = type(renderer.written)

    def task(start: int, stop: int) -> tuple[list[str], Any, Any]:
        mine = written_type()
        saved, renderer.written = renderer.written, mine
        try:
            for v in views[start:stop]:
                _render_detail(renderer, v)
                if pages is not None:
                    pages.page_doc(renderer.out, v.url)
        finally:
            renderer.written = saved
        if pages is None or os.getpid() == parent:
            return mine.files, None, None
        rels = [v.url for v in views[start:stop]]
        info = ({r: pages.pages[r] for r in mine.files if r in pages.pages},  # attachments too
                {r: pages.docs.pop(r) for r in rels if r in pages.docs}, pages.formats)
        return mine.files, pages.cache.take_delta(), info

    def forget_inherited() -> None:  # a worker starts with a copy of the parent's pending entries
        if pages is not None:
            pages.cache.take_delta()

    def details_done() -> None:
        if pages is not None and in_pool:
            # The detail pages are the ones the search index reads: build it alongside the rest
            # (the pages meanwhile() has not rendered yet included).
            pages.start_index(renderer.out, list(renderer.written.files))

    parent = os.getpid()
    in_pool = workers > 1 and len(views) >= min_items
    if pages is not None and in_pool:
        # The index child starts now: it loads the last build's documents while the pages render.
        pages.prefetch_index(renderer.out)
    if pages is not None and pages.reuse is not None:
        # Pages that are unchanged (most, on a rebuild) are linked here: ~50 us each, where
        # through the pool each cost several times that in the workers and in sending back
        # their entries. The pool gets the pages to render.
        views = [v for v in views if v.attachments or not renderer.link_detail(v)]
    for files, delta, page_info in map_chunks(task, len(views), workers, min_items, init=forget_inherited,
                                              meanwhile=meanwhile, on_results=details_done):
        renderer.written.files.extend(files)
        if pages is not None and delta is not None:
            pages.cache.merge_delta(delta)
            pages.pages.update(page_info[0])
            pages.docs.update(page_info[1])
            pages.formats |= page_info[2]


def _render_detail(renderer: Any, v: Any) -> None:
    """One detail page (through the page cache when there is one) and its attachments."""
    renderer.render_detail(v)
    for a in v.attachments:
        renderer.copy(a["url"], Path(a["src"]).read_bytes())
