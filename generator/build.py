"""Render and index a prepared site into a directory (the staging tree)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from .pipeline import Prepared
from .render import Renderer, SiteView


def render_site(prepared: Prepared, out_dir: Path, theme_dir: Path,
                settings: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Write every page of the prepared site into out_dir; returns (files, index stats)."""
    site = SiteView(prepared.site, prepared.as_of, base_url=str(prepared.site.get("base_url", "")))
    renderer = Renderer(theme_dir, out_dir, site, page_size=prepared.policy.page_size)
    files = renderer.render_all(prepared.views)
    index_stats: dict[str, Any] = {}
    try:
        from .search_index import build_citizen_index
    except ImportError:
        build_citizen_index = None  # search issue not landed yet
    if build_citizen_index is not None and settings.get("GONGSHI_SEARCH_INDEX", True):
        index_stats = build_citizen_index(out_dir, renderer.written.files)
    return files, index_stats
