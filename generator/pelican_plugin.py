"""The Pelican plugin: gongshi's pipeline as a Pelican generator.

Pelican's own readers never see the records (pelicanconf.py disables them and
points ARTICLE_PATHS/PAGE_PATHS at nothing). On `initialized` the plugin moves
Pelican's output into a staging directory; the generator prepares records and
renders every page there; on `finalized` the staging tree is swapped into the
real output directory. `gongshi build` and `pelican content -s pelicanconf.py`
therefore build the same site the same way.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

from pelican import signals
from pelican.generators import Generator

from .pipeline import Prepared, prepare
from .policy import Policy
from .publish import Publisher

log = logging.getLogger("gongshi")


class BuildState:
    """What one Pelican run of gongshi did; read by the CLI for its summary and exit code."""

    def __init__(self, publisher: Publisher, as_of: date):
        self.publisher = publisher
        self.as_of = as_of
        self.prepared: Prepared | None = None
        self.content_files: dict[str, str] | None = None  # generator.unchanged.Inputs.content_files
        self.content_files_read: int | None = None  # of those, read to hash them (the rest: Memo)
        # Called once the build has read every input (templates, attachments: all pages are
        # written), while the search index is made: `gongshi build` checks there that no input
        # changed while the build read it (generator.unchanged.Inputs.unchanged_since).
        self.inputs_read: Callable[[], Any] | None = None
        self.files: list[str] = []
        self.index_stats: dict[str, Any] = {}
        self.published = False
        self.cache: Any = None  # generator.cache.BuildCache, when caching is on
        self.pages: Any = None  # generator.cache.PageCache, made with the cache (generator.build.page_cache)
        self.workers = 1
        self.min_items = 200
        self.seconds: dict[str, float] = {}  # stage -> wall seconds (GONGSHI_STATS_FILE, bench/)
        self.stages: dict[str, float] = {}  # the same, finer: load, validate, lifecycle, views, pages ...


def _as_of(settings: dict[str, Any]) -> date:
    value = settings.get("GONGSHI_AS_OF")
    if value:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    from .cli import today_in_shanghai

    return today_in_shanghai()


def _theme_dir(settings: dict[str, Any]) -> Path:
    return Path(settings["THEME"])


def on_initialized(pelican: Any) -> None:
    from .search_index import INDEX_DIR

    # The search index is rewritten by every build that changes a document: each tree keeps its
    # own copy, overwritten in place next time (generator.search_index._put).
    publisher = Publisher(Path(pelican.output_path), private=(INDEX_DIR + "/",))
    staging = publisher.begin()
    pelican._gongshi = BuildState(publisher, _as_of(pelican.settings))
    pelican.output_path = str(staging)
    pelican.settings["OUTPUT_PATH"] = str(staging)
    pelican.settings["GONGSHI_STATE"] = pelican._gongshi


class GongshiGenerator(Generator):
    """Runs load -> validate -> lifecycle -> redact, then render -> index."""

    def generate_context(self) -> None:
        state: BuildState = self.settings["GONGSHI_STATE"]
        policy = Policy.from_settings(self.settings)
        from .cache import BuildCache
        from .parallel import min_items_setting, workers_setting

        # GONGSHI_CACHE / GONGSHI_WORKERS: see generator/cache.py, generator/parallel.py
        state.cache = BuildCache.open(Path(self.path), self.settings)
        state.workers, state.min_items = workers_setting(self.settings), min_items_setting(self.settings)
        if state.cache is not None:
            from .build import page_cache

            state.pages = page_cache(state.cache, Path(self.output_path), _theme_dir(self.settings), state.as_of,
                                     self.settings, state.workers, state.publisher.output)
            reuse = state.pages.reuse
            if state.pages.background_index and reuse is not None and \
                    sum(1 for entry in reuse.previous.values() if entry[5]) >= state.min_items:
                # The search index child forks now, small, and loads the last build's documents on
                # the core prepare() leaves idle; it waits for this build's pages (render_details).
                state.pages.prefetch_index(Path(self.output_path))
        started = time.perf_counter()
        # GONGSHI_PROGRESS: optional callable(done, total) set by `gongshi build` (progress bar)
        with long_lived_objects():
            state.prepared = prepare(Path(self.path), state.as_of, policy,
                                     progress=self.settings.get("GONGSHI_PROGRESS"),
                                     cache=state.cache, workers=state.workers, min_items=state.min_items,
                                     timings=state.stages, known_files=state.content_files)
        state.seconds["prepare"] = time.perf_counter() - started

    def generate_output(self, writer: Any) -> None:
        from .build import render_site

        state: BuildState = self.settings["GONGSHI_STATE"]
        assert state.prepared is not None
        started = time.perf_counter()
        state.files, state.index_stats = render_site(
            state.prepared, Path(self.output_path), _theme_dir(self.settings), self.settings,
            cache=state.cache, workers=state.workers, min_items=state.min_items,
            published=state.publisher.output, timings=state.stages, pages=state.pages,
            inputs_read=state.inputs_read,
        )
        state.seconds["render_and_index"] = time.perf_counter() - started
        if state.cache is not None:
            state.cache.close()


@contextmanager
def long_lived_objects() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the site's records and views are loaded, then
    move everything loaded out of its reach (gc.freeze).

    prepare() allocates millions of objects that live until the build ends and form almost no
    reference cycles. With the collector running, every time the heap had grown by a quarter a
    full collection walked all of it again: ~0.4-0.5 s of a 10,000-record nightly rebuild (its
    validate and views stages, measured with and without). Frozen objects are also not touched by
    the collections of the render stage or of forked workers (no copy-on-write of their pages).
    Cyclic garbage made during prepare() is kept until the process ends: a build is one process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


def get_generators(pelican: Any) -> type:
    return GongshiGenerator


def on_finalized(pelican: Any) -> None:
    state: BuildState | None = getattr(pelican, "_gongshi", None)
    if state is None or state.prepared is None:
        return
    started = time.perf_counter()
    state.publisher.commit(state.files)
    state.published = True
    state.seconds["publish"] = time.perf_counter() - started
    stats_file = os.environ.get("GONGSHI_STATS_FILE")  # figures for bench/run.py
    if stats_file:
        Path(stats_file).write_text(json.dumps({
            "seconds": state.seconds, "index": state.index_stats,
            # in pipeline order (the cache is written partly while the search index is made)
            "stages": dict(sorted(state.stages.items(), key=lambda kv: _STAGE_ORDER.index(kv[0])
                                  if kv[0] in _STAGE_ORDER else len(_STAGE_ORDER))),
            "workers": state.workers,
            "cache": state.cache.summary() if state.cache is not None else None,
            "content_files_hashed_before": len(state.content_files) if state.content_files is not None else None,
            "content_files_read": state.content_files_read,
        }, ensure_ascii=False, default=str), encoding="utf-8")


_STAGE_ORDER = ("load", "validate", "lifecycle", "views", "pages", "index", "cache")


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(on_finalized)
