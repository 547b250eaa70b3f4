"""Both cores: the per-record stages in a pool of forked workers, plus the build cache.

Three stages are independent per record and take most of a build: parsing and
validating files, redacting records into PublicViews, and rendering detail
pages. Each runs over chunks of its list in a `fork` pool (workers inherit the
parent's memory, so only chunk bounds go in and only results come back); the
parent consumes the results in list order, so the output is byte-identical to a
run without the pool (tests/test_parallel.py). Everything else (listings, feed,
open data, the search index, publishing) stays in the main process.

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
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from . import loader
from .cache import AsOfUsed, BuildCache, PageCache, context_digest, dumps, record_key, view_key
from .model import Problem, RawRecord, Record
from .validate import validate
from .views import LeakError

DEFAULT_MAX_WORKERS = 4
DEFAULT_MIN_ITEMS = 200


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
    if _INIT is not None:
        _INIT()


def _call(bounds: tuple[int, int]) -> Any:
    assert _TASK is not None
    return _TASK(*bounds)


def map_chunks(task: Callable[[int, int], Any], n: int, workers: int, min_items: int,
               init: Callable[[], Any] | None = None) -> Iterator[Any]:
    """task(start, stop) over [0, n) in chunks, results in order; in a fork pool when worth it.

    init() runs once in each worker before its first chunk.
    """
    global _TASK, _INIT
    if n == 0:
        return
    pool_ok = workers > 1 and n >= min_items and "fork" in multiprocessing.get_all_start_methods()
    size = max(8, min(500, -(-n // (max(workers, 1) * 8))))
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    if not pool_ok:
        for b in bounds:
            yield task(*b)
        return
    _TASK, _INIT = task, init
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_init) as pool:
            yield from pool.imap(_call, bounds, chunksize=1)
    finally:
        _TASK = _INIT = None


# -- load + validate, redact ----------------------------------------------------------------------

class RecordStage:
    """pipeline.prepare's per-record work, through the cache and the pool.

    With cache=None and workers=1 it does exactly what prepare did inline.
    """

    def __init__(self, content_dir: Path, cache: BuildCache | None = None, workers: int = 1,
                 min_items: int = DEFAULT_MIN_ITEMS):
        self.content_dir = Path(content_dir)
        self.cache = cache
        self.workers = workers
        self.min_items = min_items
        self._validated: dict[int, tuple[Record | None, list[Problem]]] = {}  # id(raw) -> result

    # Stage 1: files -> RawRecords (stand-ins on a cache hit) with their validation done.
    def load_all(self) -> tuple[list[RawRecord], list[Problem], list[Path]]:
        sources, stray, tables = loader.scan(self.content_dir)
        if self.cache is None and self.workers <= 1:
            return [loader.read_record_file(s, self.content_dir) for s in sources], stray, tables
        raws: list[RawRecord | None] = [None] * len(sources)
        keys: list[str | None] = [None] * len(sources)
        for i, source in enumerate(sources):
            if self.cache is None:
                continue
            try:
                data = source.read_bytes()
            except OSError:
                continue  # read_record_file reports it
            path = loader.display_path(source, self.content_dir)
            rtype = loader.type_for(source.parent.relative_to(self.content_dir).as_posix())
            keys[i] = record_key(hashlib.sha256(data).hexdigest(), path, str(source), source.stem, rtype)
        found = self.cache.get_many("records", [k for k in keys if k]) if self.cache is not None else {}
        for i, key in enumerate(keys):
            if key in found:
                stub, record, problems = pickle.loads(found[key])
                raws[i] = stub
                self._validated[id(stub)] = (record, problems)
        todo = [i for i, raw in enumerate(raws) if raw is None]
        content_dir = self.content_dir

        def parse(start: int, stop: int) -> list[tuple[RawRecord, Record | None, list[Problem], bool]]:
            out = []
            for i in todo[start:stop]:
                raw = loader.read_record_file(sources[i], content_dir)
                record, problems = validate(raw)
                stub = RawRecord(raw.path, raw.source, raw.rid, raw.type, {}, {}, "", raw.body_line, raw.digest)
                out.append((stub, record, problems, not raw.fields.get("attachments")))
            return out

        done = iter(todo)
        for chunk in map_chunks(parse, len(todo), self.workers, self.min_items):
            for stub, record, problems, cacheable in chunk:
                i = next(done)
                raws[i] = stub
                self._validated[id(stub)] = (record, problems)
                key = keys[i]
                if self.cache is not None and cacheable and key is not None and stub.digest and \
                        key == record_key(stub.digest, stub.path, stub.source, stub.rid, stub.type):
                    self.cache.put("records", key, dumps((stub, record, problems)))
        return [r for r in raws if r is not None], stray, tables

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
                try:
                    keys[i] = view_key(record, life, ctx, builder.as_of)
                except Exception:  # something not picklable: no caching for it
                    keys[i] = None
            found = self.cache.get_many("views", [k for k in keys if k])
        todo = [i for i, k in enumerate(keys) if k not in found]

        def build(start: int, stop: int) -> list[tuple]:
            return [_one_view(builder, *items[i]) for i in todo[start:stop]]

        results = (r for chunk in map_chunks(build, len(todo), self.workers, self.min_items) for r in chunk)
        for i, key in enumerate(keys):
            if key in found:
                yield pickle.loads(found[key])
                continue
            result = next(results)
            if key is not None and self.cache is not None:
                self.cache.put("views", key, dumps(result))
            yield result


def _one_view(builder: Any, record: Record, life: Any) -> tuple:
    try:
        view, counts = builder.build(record, life)
    except LeakError as exc:
        return ("leak", str(exc))
    return ("view", view, counts)


# -- detail pages -------------------------------------------------------------------------------------

def render_details(renderer: Any, views: Sequence[Any], workers: int, min_items: int) -> None:
    """Renderer.render_details through the pool: each worker renders a chunk of detail pages
    (and copies their attachments) straight into the staging tree; the parent appends the
    files in list order and takes the workers' new cache entries."""
    pages: PageCache | None = renderer.pages
    written_type = type(renderer.written)

    def task(start: int, stop: int) -> tuple[list[str], Any, Any]:
        mine = written_type()
        saved, renderer.written = renderer.written, mine
        before = dict(pages.pages) if pages is not None else {}
        try:
            for v in views[start:stop]:
                _render_detail(renderer, pages, v)
        finally:
            renderer.written = saved
        if pages is None:
            return mine.files, None, None
        new_pages = {rel: d for rel, d in pages.pages.items() if before.get(rel) != d}
        return mine.files, (pages.cache.take_delta() if os.getpid() != parent else None), (new_pages, pages.formats)

    def forget_inherited() -> None:  # a worker starts with a copy of the parent's pending entries
        if pages is not None:
            pages.cache.take_delta()

    parent = os.getpid()
    for files, delta, page_info in map_chunks(task, len(views), workers, min_items, init=forget_inherited):
        renderer.written.files.extend(files)
        if pages is not None and delta is not None:
            pages.cache.merge_delta(delta)
            pages.pages.update(page_info[0])
            pages.formats |= page_info[1]


def _render_detail(renderer: Any, pages: PageCache | None, v: Any) -> None:
    """One detail page (placeholder date when cached) and its attachments."""
    if pages is not None:
        real = renderer.site
        renderer.site = pages.token_site(real)
        try:
            renderer.render_detail(v)
        except AsOfUsed:
            renderer.site = real
            renderer.render_detail(v)
        finally:
            renderer.site = real
    else:
        renderer.render_detail(v)
    for a in v.attachments:
        renderer.write(a["url"], Path(a["src"]).read_bytes())
