"""Render and index a prepared site into a directory (the staging tree)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2

from .pipeline import Prepared
from .render import Renderer, SiteView


def wants_index(settings: Mapping[str, Any]) -> bool:
    try:
        from .search_index import build_citizen_index  # noqa: F401
    except ImportError:
        return False  # search issue not landed yet
    return bool(settings.get("GONGSHI_SEARCH_INDEX", True))


def page_cache(cache: Any, out_dir: Path, theme_dir: Path, as_of: Any, settings: Mapping[str, Any],
               workers: int, published: Path | None) -> Any:
    """The build's generator.cache.PageCache (pages and files reused from `published`, the
    current output/, which out_dir will replace)."""
    from .cache import OutputReuse, PageCache

    reuse = OutputReuse(cache, published, out_dir) if published is not None else None
    pages = PageCache(cache, theme_dir, as_of, reuse)
    pages.background_index = wants_index(settings) and workers > 1
    return pages


def render_site(prepared: Prepared, out_dir: Path, theme_dir: Path,
                settings: Mapping[str, Any], cache: Any = None, workers: int = 1,
                min_items: int = 200, published: Path | None = None,
                timings: dict[str, float] | None = None, pages: Any = None,
                inputs_read: Callable[[], Any] | None = None) -> tuple[list[str], dict[str, Any]]:
    """Write every page of the prepared site into out_dir; returns (files, index stats).
    files: every file of the site (relative paths), the search index's included; anything else
    in out_dir is left from an earlier build (generator.publish.Publisher.commit deletes it).

    cache (generator.cache.BuildCache) reuses pages and the search index whose inputs
    hash equal, linking unchanged pages from `published` (the current output/, which out_dir
    will replace); workers > 1 renders detail pages in a process pool (generator.parallel).
    timings, when given, receives the wall seconds of pages / index / cache. pages: the
    page_cache() made earlier (its search index child may already be loading), else one is made.
    inputs_read: called once every page is written (every input read), before the index is
    waited for."""
    from .pipeline import StageClock

    clock = StageClock(timings)
    site = SiteView(prepared.site, prepared.as_of, base_url=str(prepared.site.get("base_url", "")))
    renderer = Renderer(theme_dir, out_dir, site, page_size=prepared.policy.page_size)
    want_index = wants_index(settings)
    if cache is not None:
        renderer.env.bytecode_cache = template_cache(cache.root)
        renderer.pages = pages or page_cache(cache, out_dir, theme_dir, prepared.as_of, settings, workers, published)
        renderer.rows.use(cache, renderer.pages.theme)
    if cache is not None or workers > 1:
        from .parallel import render_details

        renderer.details = lambda r, views, meanwhile: render_details(r, views, workers, min_items, meanwhile)
    try:
        files = renderer.render_all(prepared.views)
    except BaseException:
        if renderer.pages is not None:
            renderer.pages.discard_background()
        raise
    clock.lap("pages")
    if cache is not None:
        # While the search index child works (its files are the only ones still to come): the
        # other pages' manifest entries and the cache entries made so far.
        if renderer.pages.reuse is not None:
            renderer.pages.reuse.note(renderer.pages.pages)
        cache.write_early()
        clock.lap("cache")
    if inputs_read is not None:
        inputs_read()
    index_stats: dict[str, Any] = {}
    if want_index:
        from .search_index import build_citizen_index

        if renderer.pages is not None:
            index_stats = renderer.pages.search_index(out_dir, renderer.written.files, build_citizen_index,
                                                      workers, min_items)
        else:
            index_stats = build_citizen_index(out_dir, renderer.written.files)
        files = files + _index_files(out_dir)
    clock.lap("index")
    if cache is not None:
        if renderer.pages.reuse is not None:
            renderer.pages.reuse.remember(renderer.pages.pages)
        cache.flush()
    clock.lap("cache")
    return files, index_stats


def _index_files(out_dir: Path) -> list[str]:
    """The files of the search index (written into a folder emptied first, so all of this build)."""
    from .publish import scan_tree
    from .search_index import INDEX_DIR

    root = out_dir / INDEX_DIR
    return sorted(f"{INDEX_DIR}/{rel}" for rel in scan_tree(root)[0]) if root.is_dir() else []


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates kept between builds (compiling the theme took ~0.14 s of every
    build's main process, and again in every worker). Jinja checks each template's source
    checksum; a file it cannot read or write is compiled again, never a failed build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or damaged: compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache(cache_root: Path) -> jinja2.BytecodeCache | None:
    """A bytecode cache under the build cache, one folder per gongshi code version (the
    environment's options, which Jinja's keys leave out, are part of the code); older folders
    are removed."""
    from .cache import code_version

    base = Path(cache_root) / "templates"
    here = base / code_version()[:16]
    try:
        here.mkdir(parents=True, exist_ok=True)
        for old in base.iterdir():
            if old != here:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return None
    return _TemplateCache(str(here), "%s.jinja")
