"""Rows of lists of records (generator.rows): made once per view, reused, never stale.

A view's row (the item_row macro) is rendered once per build for every depth, and kept in
the build cache under its view's key; the open-data lines likewise. The figures of what was
rendered come from the build itself (GONGSHI_STATS_FILE: cache "rows" / "opendata" are
[taken from the cache, rendered]).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from generator.model import PublicView
from generator.pipeline import prepare
from generator.policy import Policy
from generator.render import Renderer, SiteView
from generator.rows import RootToken, RootUsed, Rows
from tests.conftest import REPO
from tests.test_cache import EXPIRING, INSPECTION, A, B, assert_same_tree, build, cold, make_site

THEME = REPO / "theme"


def _view(n: int, **kw) -> PublicView:
    fields = dict(rid=f"r{n}", type="inspection", section="post", url=f"post/inspections/r{n}.html",
                  title=f"检查{n}<&>", date=date(2026, 3, n), year=2026, status="公示中", fields=(),
                  body_html="", summary=f"摘要{n}")
    fields.update(kw)
    return PublicView(**fields)


def _rows(tmp_path: Path, row_macro: str) -> tuple[Rows, jinja2.Environment]:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "_macros.html").write_text(row_macro, encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                             undefined=jinja2.ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
    rows = Rows(env)
    env.globals["row"] = rows.row
    return rows, env


# -- within a build ------------------------------------------------------------------------------

def test_each_row_is_rendered_once_per_build_and_equals_the_macro_at_every_depth(tmp_path: Path):
    """The shipped theme: every listed view's row is rendered once, though it shows on its
    listing page, its year page, the home page and its section page (different roots), and
    every row on every page is exactly item_row(root, v) rendered with that page's root."""
    site = make_site(tmp_path / "s")
    prepared = prepare(site.content, date.fromisoformat(A), Policy())
    renderer = Renderer(THEME, tmp_path / "out", SiteView(prepared.site, prepared.as_of))
    renderer.render_all(prepared.views)
    listed = [v for v in prepared.views if v.type not in ("officer", "power", "random_item")]
    assert renderer.rows.rendered == len(listed)  # once each: laws show on home and section only
    macro = renderer.env.get_template("_macros.html").module.item_row
    seen = 0
    for v in listed:
        for page in (tmp_path / "out").rglob("index.html"):
            rel = page.relative_to(tmp_path / "out").as_posix()
            root = "../" * rel.count("/")
            text = page.read_text(encoding="utf-8")
            if f'href="{root}{v.url}"' in text and "<ul class=\"items\">" in text:
                assert f"  {macro(root, v)}\n" in text, (rel, v.rid)
                seen += 1
    assert seen >= 2 * len(listed) - 1  # listing + year page (+ home, section) for each


@pytest.mark.parametrize("use", [
    "{{ root }}",  # the shipped theme's way: one render for every depth
    "{% if root %}{{ root }}{% else %}./{% endif %}",
    "{{ root|length }}",
    "{{ root|replace('../', '') }}",
    "{{ root|replace('.', '') }}",
    "{{ root|upper }}",
    "{{ root|urlencode }}",
    "{{ root[:-1] }}",
    "{{ 'top' if root == '' else 'sub' }}",
    "{{ root ~ '#x' }}",
    "{{ root|trim }}",
    "{{ root|wordcount }}",  # the first row is checked against real roots: per root from then on
    "{{ '%-10s'|format(root) }}",
    "{{ root|center(30) }}",
    "{{ root|tojson }}",  # fails on the placeholder object: per root
    "{{ 'x' if root in '../../' else 'y' }}",
])
def test_a_row_using_root_other_than_by_printing_it_is_rendered_per_root(tmp_path: Path, use: str):
    rows, env = _rows(tmp_path, "{% macro item_row(root, v) %}<a href=\"" + use
                      + "{{ v.url }}\">{{ v.title }}</a>{% endmacro %}")
    direct = env.get_template("_macros.html").module.item_row
    v = _view(1)
    for root in ("../../", "", "../", "../../../", "../../"):
        assert rows.row(root, v) == direct(root, v), (use, root)
    assert rows.rendered in (1, 5)  # printed as is: once; otherwise once per root (4 roots) + the try
    for root in ("<a&b>/", Markup("../")):  # no page passes these: rendered as they are
        assert rows.row(root, v) == direct(root, v), (use, root)


def test_root_token_refuses_everything_but_printing():
    t = RootToken("00ff")
    assert str(t) == f"{t}" == "\ue00200ff../\ue003"
    for use in (lambda: bool(t), lambda: len(t), lambda: t == "", lambda: t[0], lambda: t + "x",
                lambda: "x" + t, lambda: list(t), lambda: t.startswith("."), lambda: f"{t:>9}", lambda: {t}):
        with pytest.raises(RootUsed):
            use()
    assert t.__html__() == str(t)


def test_rows_see_nothing_dated():
    """A row is reused across as-of dates when its view's key is unchanged: the macro must see
    nothing but root, v and the environment. If the renderer starts giving templates more
    globals or filters, check they are not dated before adding them here."""
    renderer = Renderer(THEME, Path("/nonexistent"), SiteView({}, date(2026, 11, 22)))
    plain = jinja2.Environment()
    assert set(renderer.env.globals) - set(plain.globals) == {"row"}
    assert set(renderer.env.filters) - set(plain.filters) == {"date"}
    source = (THEME / "templates" / "_macros.html").read_text(encoding="utf-8")
    assert "with context" not in source and "site" not in source


# -- across builds -------------------------------------------------------------------------------

def test_a_warm_build_renders_only_the_rows_of_changed_views(tmp_path: Path):
    site = make_site(tmp_path / "s")
    first = build(site, A)
    assert first["cache"]["rows"][0] == 0 and first["cache"]["rows"][1] >= 5
    again = build(site, A)
    assert again["cache"]["rows"] == [0, 0]  # every page that lists them was linked: no row needed
    # One record edited: its row (and its open-data lines) are rendered again; the pages that
    # list it (listing, year, section, home) are assembled from the other views' stored rows.
    site.write("post/inspections/i-031.yaml", INSPECTION.replace("测试铝业有限公司", "测试铝材有限公司"))
    edited = build(site, A)
    taken, rendered = edited["cache"]["rows"]
    assert rendered == 1 and taken >= 4  # the home page lists every type's latest
    assert edited["cache"]["opendata"][1] == 1
    listing = (site.output / "post/inspections/index.html").read_text(encoding="utf-8")
    assert "测试铝材有限公司" in listing and "测试铝业有限公司" not in listing
    csv = (site.output / "data/inspection.csv").read_text(encoding="utf-8-sig")
    assert "测试铝材有限公司" in csv and "测试铝业有限公司" not in csv
    assert_same_tree(cold(site, A), site.output)


def test_a_status_change_on_a_new_date_renders_the_row_again(tmp_path: Path):
    """The notice is 公示中 on A and 公示期满 on B: its row on every list shows the new status
    (its view's key changed with its lifecycle), never the row of the day before."""
    site = make_site(tmp_path / "s")
    build(site, A)
    old = (site.output / "in-process/notices/index.html").read_text(encoding="utf-8")
    assert re.search(r"n-2026-003\.html\">[^<]*</a> <span class=\"status[^\"]*\">公示中", old)
    warm = build(site, B)
    assert warm["cache"]["rows"][1] >= 1
    for rel in ("in-process/notices/index.html", "in-process/notices/2026/index.html",
                "in-process/index.html", "index.html"):
        text = (site.output / rel).read_text(encoding="utf-8")
        row = re.search(r"<li><a href=\"[./]*in-process/notices/n-2026-003\.html\">.*?</li>", text)
        assert row is not None and "公示期满" in row.group(0) and "公示中" not in row.group(0), rel
    assert_same_tree(cold(site, B), site.output)
    build(site, A)  # and back: A's rows again, identical to a cold build of A
    assert_same_tree(cold(site, A), site.output)


def test_rows_with_the_pool_and_without_the_cache_give_the_same_site(tmp_path: Path):
    site = make_site(tmp_path / "s")
    build(site, A, GONGSHI_WORKERS="2", GONGSHI_PARALLEL_MIN_ITEMS="1")
    warm = build(site, A, GONGSHI_WORKERS="2", GONGSHI_PARALLEL_MIN_ITEMS="1")
    assert warm["cache"]["rows"][1] == 0
    assert_same_tree(cold(site, A), site.output)


def test_open_data_lines_are_reused_per_view(tmp_path: Path):
    site = make_site(tmp_path / "s")
    build(site, A)
    site.write("post/penalties/2025-030.md", EXPIRING.replace("未设置明显的安全警示标志", "未在危险部位设置警示标志"))
    edited = build(site, A)
    assert edited["cache"]["opendata"] == [1, 1]  # the other penalty's lines were kept
    for rel in ("data/penalty.csv", "data/penalty.json"):
        text = (site.output / rel).read_text(encoding="utf-8-sig")
        assert "未在危险部位设置警示标志" in text and "未设置明显的安全警示标志" not in text
    assert_same_tree(cold(site, A), site.output)


def test_csv_lines_are_what_one_csv_writer_writes():
    import csv
    import io

    from generator.render import _csv_line

    rows = [["a", "b,c", 'say "hi"', "line\nbreak", "", "'=1+1", " x "], ["中文", "\r\n", "；"]]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for r in rows:
        writer.writerow(r)
    assert "".join(_csv_line(r) for r in rows) == buf.getvalue()
