"""Render stage: PublicViews -> HTML pages, feed, sitemap, open data, static files.

Accepts only PublicView objects (ensure_views): a Record cannot reach a
template. Output is deterministic: everything is sorted, the only clock is the
as-of date, and files are written with fixed newlines.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

import jinja2

from . import charts
from .cache import digest, key_bytes
from .model import PublicView
from .rows import Rows
from .schema import SECTIONS, TYPES

PAGE_SIZE_DEFAULT = 20
# Pages a web server shows at any address (404.html for a missing one at any depth): their links
# are absolute paths from the site's root, where every other page's are relative.
SERVED_ANYWHERE = frozenset({"404.html"})
LISTING_ORDER = [
    "law", "officer", "power", "random_item", "guide", "plan",
    "notice", "hearing", "application",
    "penalty", "license", "coercive", "inspection",
]
POST_TYPES = ("penalty", "license", "coercive", "inspection")
# Column types of 国办发〔2017〕47号 meta tags.
COLUMN_TYPES = {"pre": "事前公示", "in-process": "事中公示", "post": "事后公示"}


def ensure_views(items: Iterable[Any]) -> list[PublicView]:
    """The type boundary: anything that is not a PublicView is refused."""
    out = []
    for item in items:
        if not isinstance(item, PublicView):
            raise TypeError(f"renderer accepts only PublicView, got {type(item).__name__}")
        out.append(item)
    return out


_FORMULA_START = ("=", "+", "@", "\t", "\r")


def _csv_cell(value: str) -> str:
    """A cell Excel will not run as a formula (=, +, @, or - not followed by a number)."""
    if value and (value.startswith(_FORMULA_START) or (value[0] == "-" and not _is_number(value[1:]))):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _Line:
    """What a csv writer wrote last (one call per row: the whole line)."""

    text = ""

    def write(self, text: str) -> None:
        self.text = text


_LINE = _Line()
_CSV = csv.writer(_LINE, lineterminator="\r\n")


def _csv_line(cells: list[str]) -> str:
    _CSV.writerow(cells)
    return _LINE.text


def _newest(views: Iterable[PublicView]) -> date | None:
    return max((v.date for v in views if v.date), default=None)


_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _html_text(fragment: str) -> str:
    """Plain text of a sanitised, redacted HTML fragment: every text run on its own line,
    blank lines dropped (the fragment is nh3's output: no comments, scripts or raw '<')."""
    if not fragment.strip():
        return ""
    text = "\n".join(html.unescape(part) for part in _TAG.split(fragment))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


@dataclass
class SiteView:
    """Agency information from site.yaml (public by design) and build facts."""

    info: Mapping[str, Any]
    as_of: date
    base_url: str = ""

    def __getattr__(self, name: str) -> Any:
        try:
            return self.info[name]
        except KeyError:
            return ""


@dataclass
class Written:
    files: list[str] = field(default_factory=list)

    def add(self, rel: str) -> None:
        self.files.append(rel)


class Renderer:
    def __init__(self, theme_dir: Path, out_dir: Path, site: SiteView, page_size: int = PAGE_SIZE_DEFAULT):
        self.theme_dir = theme_dir
        self.out = out_dir
        self.site = site
        self.page_size = page_size
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(theme_dir / "templates")),
            autoescape=True,
            undefined=jinja2.ChainableUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # The theme does not change during a build: no stat() of every template per page.
            auto_reload=False,
        )
        self.env.filters["date"] = lambda d: d.strftime("%Y-%m-%d") if d else ""
        # row(root, v): a record's item_row, rendered once per view (generator.rows).
        self.rows = Rows(self.env)
        self.env.globals["row"] = self.rows.row
        self.written = Written()
        self._folders: set[str] = set()  # folders of the output tree made by write()
        # Set by generator.build: a generator.cache.PageCache (reuse pages whose inputs
        # hash equal) and a callable rendering all detail pages (generator.parallel's pool).
        self.pages: Any = None
        self.updated: date = site.as_of  # the newest record date, set by render_all
        self.details: Any = None

    # -- writing --------------------------------------------------------------
    def write(self, rel: str, text: str | bytes) -> None:
        """A new file: never written in place, since a file of the staging tree may be a hard
        link to the published one (generator.cache.OutputReuse)."""
        path = self.out / rel
        folder = rel.rpartition("/")[0]
        if folder not in self._folders:  # one mkdir per folder, not per file
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        data = text.encode("utf-8") if isinstance(text, str) else text
        try:
            f = open(path, "xb")
        except FileExistsError:
            path.unlink()
            f = open(path, "xb")
        with f:
            f.write(data)
        self.written.add(rel)

    def file(self, rel: str, inputs: tuple, produce: Any) -> None:
        """A non-page file that is a function of `inputs` (and site.yaml): produce() -> its text,
        or the unchanged file of the last build linked in (generator.cache.PageCache.file)."""
        if self.pages is not None:
            data = self.pages.file(self, rel, inputs, produce)
            if data is None:
                self.written.add(rel)
                return
        else:
            data = produce()
        self.write(rel, data)

    def copy(self, rel: str, data: bytes | str) -> None:
        """A file written as it is (theme files, attachments, robots.txt): the published file is
        linked in when it has the same bytes, so a build writes only what changed."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.file(rel, ("copy", hashlib.sha256(raw).hexdigest()), lambda: raw)

    def page(self, rel: str, template: str, **ctx: Any) -> None:
        if self.pages is not None:
            html = self.pages.page(self, rel, template, ctx)
            if html is None:  # the unchanged file of the last build, linked in
                self.written.add(rel)
                return
        else:
            html = self.render_page(rel, template, self.site, ctx)
        self.write(rel, html)

    def render_page(self, rel: str, template: str, site: Any, ctx: Mapping[str, Any]) -> str:
        root = self._site_root() if rel in SERVED_ANYWHERE else "../" * rel.count("/")
        nav = self._nav()
        return self.env.get_template(template).render(
            site=site, root=root, url=rel, nav=nav, sections=SECTIONS, types=TYPES, **ctx
        )

    def _site_root(self) -> str:
        """The site's root as an absolute path: the path of base_url (site.yaml), else "/"."""
        path = urlsplit(self.site.base_url).path if self.site.base_url else ""
        return path.rstrip("/") + "/"

    def _nav(self) -> list[dict[str, Any]]:
        out = []
        for key, label in SECTIONS.items():
            out.append({
                "key": key,
                "label": label,
                "url": f"{key}/index.html",
                "types": [
                    {"name": t, "label": TYPES[t].label, "url": f"{TYPES[t].folder}/index.html"}
                    for t in LISTING_ORDER if TYPES[t].section == key
                ],
            })
        return out

    def meta(self, title: str, column: str, column_type: str, pub: date | None = None) -> dict[str, str]:
        """PubDate: the record's date, or for other pages the newest date they draw on (never
        the as-of date itself: a page changes only when what it shows changes)."""
        return {
            "title": title,
            "column": column,
            "column_type": column_type,
            "pub_date": (pub or self.updated).strftime("%Y-%m-%d") + " 00:00",
        }

    # -- the whole site --------------------------------------------------------
    def render_all(self, views: Iterable[PublicView]) -> list[str]:
        views = ensure_views(views)
        by_type: dict[str, list[PublicView]] = defaultdict(list)
        for v in views:
            by_type[v.type].append(v)
        for t in by_type:
            by_type[t].sort(key=lambda v: (v.date or date.min, v.rid), reverse=True)
        self.updated = _newest(views) or self.site.as_of
        self.rows.prefetch(views)
        self.copy_static()

        def independent() -> Iterator[None]:
            """Every page that reads no detail page (all but the sitemap), step by step: with a
            pool, the main process renders these while the workers render the detail pages."""
            for t in LISTING_ORDER:
                self.render_type(t, by_type.get(t, []))
                yield
            self.render_home(by_type)
            self.render_sections(by_type)
            self.page("pre/agency.html", "agency.html",
                      meta=self.meta("执法主体", "执法主体", COLUMN_TYPES["pre"]))
            self.page("pre/remedies.html", "remedies.html",
                      meta=self.meta("救济渠道与监督投诉", "救济渠道", COLUMN_TYPES["pre"]))
            yield
            self.render_stats(by_type)
            yield
            self.render_open_data(by_type)
            yield
            self.page("search/index.html", "search.html", meta=self.meta("站内搜索", "站内搜索", "搜索"))
            self.page("404.html", "404.html", meta=self.meta("页面不存在", "错误页", "其他"))
            self.render_feed([v for v in views if not v.withdrawn])

        if self.details is not None:
            self.details(self, views, independent)
        else:
            for _ in independent():
                pass
            for v in views:
                self.render_detail(v)
                for a in v.attachments:
                    self.copy(a["url"], Path(a["src"]).read_bytes())
        self.render_sitemap(views)
        self.copy("robots.txt", self._robots())
        return self.written.files

    def copy_static(self) -> None:
        src = self.theme_dir / "static"
        for path in sorted(src.rglob("*")):
            if path.is_file():
                self.copy("theme/" + path.relative_to(src).as_posix(), path.read_bytes())

    def render_type(self, t: str, items: list[PublicView]) -> None:
        rt = TYPES[t]
        listed = [v for v in items if not v.withdrawn]
        withdrawn = [v for v in items if v.withdrawn]
        meta = self.meta(rt.label, rt.label, COLUMN_TYPES[rt.section], _newest(items))
        # Only what a page shows goes into it (its cache key is made of what it is given): the
        # withdrawal notices are listed on the type's front page alone.
        common = {"rtype": rt, "empty_text": f"暂无{rt.label}信息"}
        if t == "law":
            groups = defaultdict(list)
            for v in sorted(listed, key=lambda v: (v.extra.get("category", ""), v.rid)):
                groups[v.extra.get("category", "")].append(v)
            order = ["法律", "行政法规", "地方性法规", "部门规章", "规范性文件", "裁量基准"]
            self.page(f"{rt.folder}/index.html", "laws.html", meta=meta,
                      groups=[(c, groups[c]) for c in order if groups.get(c)], **common)
            return
        if t in ("officer", "power", "random_item"):
            items_sorted = sorted(listed, key=lambda v: v.rid)
            self.page(f"{rt.folder}/index.html", f"{t}s.html", meta=meta, items=items_sorted, **common)
            return
        years = sorted({v.year for v in listed if v.year}, reverse=True)
        year_links = [{"year": y, "url": f"{rt.folder}/{y}/index.html",
                       "count": sum(1 for v in listed if v.year == y)} for y in years]
        self._paginate(rt, listed, meta, common, year_links, withdrawn)
        for y in years:
            in_year = [v for v in listed if v.year == y]
            last_month = self.site.as_of.month if y == self.site.as_of.year else 12
            months = [
                {"month": m, "items": [v for v in in_year if v.date and v.date.month == m],
                 "url": f"{rt.folder}/{y}/{m:02d}/index.html"}
                for m in range(last_month, 0, -1)
            ]
            self.page(f"{rt.folder}/{y}/index.html", "year.html",
                      meta=self.meta(f"{y}年{rt.label}", rt.label, COLUMN_TYPES[rt.section], _newest(in_year)),
                      year=y, months=months, years=[dict(link, count=None) for link in year_links], **common)

    def _paginate(self, rt: Any, items: list[PublicView], meta: dict, common: dict, years: list,
                  withdrawn: list[PublicView]) -> None:
        """Newest first, in pages of at most ``page_size`` that never span two months.

        Pages are anchored to the calendar, not to a running count: a record entering or
        leaving the site changes the pages of its own month only, where pages of a fixed size
        counted from the newest record would all shift (and the nightly rebuild would rewrite
        nearly every listing page). ``YYYY/MM/index.html`` (and ``index-K.html`` for a month of
        more than one page) are the month pages; records without a date come last, under
        ``nodate/``. The type's ``index.html`` shows the newest ``page_size`` records whatever
        their months (a small bureau's few records all on one page), the year counts and the
        withdrawal notices; its 下一页 is the month page holding the next record.
        """
        size = self.page_size
        folder = rt.folder
        months: dict[tuple[int, int] | None, list[PublicView]] = {}
        for v in items:  # already newest first
            months.setdefault((v.date.year, v.date.month) if v.date else None, []).append(v)
        pages: list[tuple[str, str, list[PublicView], int, int, date | None]] = []
        for key, in_month in months.items():
            base = f"{folder}/{key[0]}/{key[1]:02d}" if key else f"{folder}/nodate"
            label = f"{key[0]}年{key[1]}月" if key else "未注明日期"
            count = (len(in_month) + size - 1) // size
            newest = _newest(in_month)
            for n in range(1, count + 1):
                rel = f"{base}/index.html" if n == 1 else f"{base}/index-{n}.html"
                pages.append((rel, label, in_month[(n - 1) * size : n * size], n, count, newest))
        plain = [dict(y, count=None) for y in years]
        for i, (rel, label, chunk, n, count, newest) in enumerate(pages):
            pager = {"label": label, "page": n, "pages": count,
                     "prev": pages[i - 1][0] if i > 0 else "",
                     "next": pages[i + 1][0] if i + 1 < len(pages) else ""}
            self.page(rel, "listing.html", meta=self.meta(f"{label}{rt.label}", rt.label,
                                                           COLUMN_TYPES[rt.section], newest),
                      items=chunk, pager=pager, years=plain, **common)
        shown = items[:size]
        after = items[size] if len(items) > size else None  # the next record: which page holds it
        following = next((rel for rel, _label, chunk, *_ in pages if any(v is after for v in chunk)), "")
        pager = {"label": "", "page": 1, "pages": 1, "prev": "", "next": following}
        self.page(f"{folder}/index.html", "listing.html", meta=meta, items=shown,
                  pager=pager, years=years, withdrawn=withdrawn, **common)

    def _detail(self, v: PublicView) -> tuple[str, dict[str, Any]]:
        rt = TYPES[v.type]
        meta = self.meta(v.title, rt.label, COLUMN_TYPES[rt.section], v.date)
        return ("withdrawn.html" if v.withdrawn else "detail.html"), {"meta": meta, "v": v, "rtype": rt}

    def render_detail(self, v: PublicView) -> None:
        template, ctx = self._detail(v)
        self.page(v.url, template, **ctx)

    def link_detail(self, v: PublicView) -> bool:
        """The detail page linked from the last build if it is unchanged (nothing rendered)."""
        if self.pages is None:
            return False
        template, ctx = self._detail(v)
        if not self.pages.link_page(self, v.url, template, ctx):
            return False
        self.written.add(v.url)
        return True

    def render_home(self, by_type: Mapping[str, list[PublicView]]) -> None:
        self.page("index.html", "home.html", meta=self.meta(self.site.name or "行政执法公示", "首页", "首页"),
                  blocks=self._blocks(by_type, 5))

    def _blocks(self, by_type: Mapping[str, list[PublicView]], n: int) -> list[dict[str, Any]]:
        blocks = []
        for key, label in SECTIONS.items():
            types = []
            for t in LISTING_ORDER:
                if TYPES[t].section != key:
                    continue
                listed = [v for v in by_type.get(t, []) if not v.withdrawn]
                types.append({"rtype": TYPES[t], "url": f"{TYPES[t].folder}/index.html",
                              "count": len(listed), "latest": listed[:n]})
            blocks.append({"key": key, "label": label, "url": f"{key}/index.html", "types": types})
        return blocks

    def render_sections(self, by_type: Mapping[str, list[PublicView]]) -> None:
        for block in self._blocks(by_type, 10):
            self.page(f"{block['key']}/index.html", "section.html",
                      meta=self.meta(block["label"], block["label"], COLUMN_TYPES[block["key"]]),
                      block=block)

    # -- statistics ------------------------------------------------------------
    def render_stats(self, by_type: Mapping[str, list[PublicView]]) -> None:
        rows = []
        years: set[int] = set()
        for t in POST_TYPES + ("notice", "hearing", "application"):
            for v in by_type.get(t, []):
                if v.year and not v.withdrawn:
                    years.add(v.year)
        year_list = sorted(years)
        for t in POST_TYPES + ("notice", "hearing", "application"):
            counts = [sum(1 for v in by_type.get(t, []) if v.year == y and not v.withdrawn) for y in year_list]
            rows.append({"label": TYPES[t].label, "counts": counts, "total": sum(counts)})
        fines = [sum((v.fine or 0) for v in by_type.get("penalty", []) if v.year == y and not v.withdrawn)
                 for y in year_list]
        month_tables = []
        for y in year_list:
            last_month = self.site.as_of.month if y == self.site.as_of.year else 12
            months = list(range(1, last_month + 1))
            series = []
            for t in POST_TYPES:
                series.append({"label": TYPES[t].label, "values": [
                    sum(1 for v in by_type.get(t, []) if v.year == y and v.date and v.date.month == m and not v.withdrawn)
                    for m in months]})
            month_tables.append({
                "year": y, "months": months, "series": series,
                "chart": charts.grouped_bars(
                    [f"{m}月" for m in months], series, title=f"{y}年各月事后公示数量"),
            })
        chart_years = charts.grouped_bars(
            [f"{y}年" for y in year_list],
            [{"label": r["label"], "values": r["counts"]} for r in rows[:4]],
            title="各年度事后公示数量",
        )
        chart_fines = charts.bars([f"{y}年" for y in year_list], fines, title="各年度罚款金额（元）")
        self.page("stats/index.html", "stats.html",
                  meta=self.meta("执法情况统计", "执法情况统计", "统计"),
                  years=year_list, rows=rows, fines=fines, month_tables=month_tables,
                  chart_years=chart_years, chart_fines=chart_fines,
                  fine_total=sum(fines), updated=_newest([v for vs in by_type.values() for v in vs if not v.withdrawn]))

    # -- open data -------------------------------------------------------------
    # 政府信息公开条例 第二十四条 (检索、查阅、下载): each post type as CSV + JSON of
    # exactly what its pages show — built only from PublicView (already redacted).
    # Withdrawn records (only a 撤回说明 is public) are left out, like the listings;
    # expired / withheld / embargoed records have no view at all. Columns are the
    # same in every build (stable schema), empty where a record has no value.
    def render_open_data(self, by_type: Mapping[str, list[PublicView]]) -> None:
        dictionary = []
        for t in POST_TYPES:
            rt = TYPES[t]
            items = [v for v in by_type.get(t, []) if not v.withdrawn]
            columns = self._columns(t, items)
            lines: list[tuple[str, str]] = []

            def table_lines(items: list[PublicView] = items, columns: list = columns, lines: list = lines) -> list:
                if not lines:  # made once for both files, and only if one of them is written
                    salt = digest(key_bytes((columns, self.site.base_url))).encode()
                    lines.extend(self.rows.open_lines(items, salt, lambda v: self._open_lines(v, columns)))
                return lines

            self.file(f"data/{t}.csv", (t, columns, items),
                      lambda: self._open_csv(columns, [line for line, _ in table_lines()]))
            self.file(f"data/{t}.json", (t, columns, items),
                      lambda: self._open_json(t, columns, items, [line for _, line in table_lines()]))
            dictionary.append({"rtype": rt, "columns": columns, "count": len(items),
                               "csv": f"data/{t}.csv", "json": f"data/{t}.json"})
        self.page("data/index.html", "data.html", meta=self.meta("开放数据", "开放数据", "数据"),
                  dictionary=dictionary)

    @staticmethod
    def _open_csv(columns: list[tuple[str, str]], lines: list[str]) -> str:
        """Excel: BOM + CRLF; lines: the records' CSV lines (_open_lines)."""
        return "\ufeff" + _csv_line([label for _, label in columns]) + "".join(lines)

    @staticmethod
    def _open_json(t: str, columns: list[tuple[str, str]], items: list[PublicView], lines: list[str]) -> str:
        """One JSON object; its records one per line (lines: _open_lines; json's C encoder:
        indent= would not use it)."""
        newest = _newest(items)
        head = {"type": t, "label": TYPES[t].label, "updated": newest.isoformat() if newest else "",
                "fields": [{"key": k, "label": label} for k, label in columns]}
        fields = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
        records = ",\n".join(lines)
        return "{\n" + "\n".join(fields) + '\n"records": [\n' + records + ("\n" if records else "") + "]\n}\n"

    def _open_lines(self, v: PublicView, columns: list[tuple[str, str]]) -> tuple[str, str]:
        """One record's CSV line and JSON line (made once per view: Rows.open_lines)."""
        row = self._open_row(v, columns)
        return _csv_line([_csv_cell(row[k]) for k, _ in columns]), json.dumps(row, ensure_ascii=False)

    def _open_row(self, v: PublicView, columns: list[tuple[str, str]]) -> dict[str, str]:
        """One record's open data: the page's fields, full text, status, corrections, URL."""
        row = {k: str(v.open_data.get(k, "")) for k, _ in columns}
        row["id"] = v.rid
        row["title"] = v.title
        if "full_text" in row:
            row["full_text"] = _html_text(v.body_html)
        row["status"] = v.status
        row["corrections"] = "；".join(f"{d} {note}" for d, note in v.corrections)
        row["url"] = self._abs(v.url)
        return row

    @staticmethod
    def _columns(t: str, items: list[PublicView] | None = None) -> list[tuple[str, str]]:
        rt = TYPES[t]
        title_label = rt.fields["title"].label if "title" in rt.fields else "标题"  # 案件名称 for penalties
        cols: list[tuple[str, str]] = [("id", "记录编号"), ("title", title_label)]
        seen = {"id", "title"}
        for key, spec in rt.fields.items():
            if key not in seen:
                cols.append((key, spec.label))
                seen.add(key)
        if t in ("penalty", "coercive"):
            cols.append(("authority", "执法主体"))
            cols.append(("full_text", "决定书全文"))
        cols += [("status", "公示状态"), ("corrections", "更正记录"), ("url", "详情页面地址")]
        return cols

    # -- feed, sitemap, robots ---------------------------------------------------
    def _abs(self, rel: str) -> str:
        base = self.site.base_url.rstrip("/")
        return f"{base}/{rel}" if base else rel

    def render_feed(self, views: list[PublicView]) -> None:
        post = [v for v in views if v.section in ("post", "in-process") and v.date]
        post.sort(key=lambda v: (v.date, v.type, v.rid), reverse=True)
        self.file("feed.xml", ("feed", post[:50], self.updated), lambda: self._feed(post))

    def _feed(self, post: list[PublicView]) -> str:
        from feedgenerator import Atom1Feed
        from datetime import datetime, timezone

        newest = post[0].date if post else self.updated
        updated = datetime(newest.year, newest.month, newest.day, tzinfo=timezone.utc)
        feed = Atom1Feed(
            title=f"{self.site.name}行政执法公示",
            link=self._abs("index.html"),
            description="行政执法公示信息更新",
            language="zh-CN",
            feed_url=self._abs("feed.xml"),
            feed_guid=self._abs("feed.xml"),
        )
        for v in post[:50]:
            d = v.date
            feed.add_item(
                title=v.title,
                link=self._abs(v.url),
                description=v.summary,
                unique_id=self._abs(v.url),
                pubdate=datetime(d.year, d.month, d.day, tzinfo=timezone.utc),
                updateddate=datetime(d.year, d.month, d.day, tzinfo=timezone.utc),
            )
        buf = io.StringIO()
        feed.latest_post_date = lambda: updated  # type: ignore[method-assign]
        feed.write(buf, "utf-8")
        return buf.getvalue() + "\n"

    def render_sitemap(self, views: Iterable[PublicView]) -> None:
        """Every page; lastmod only where the page has a date of its own (a record's page)."""
        dated = {v.url: v.date for v in views if v.date}
        pages = sorted(f for f in self.written.files if f.endswith(".html") and f != "404.html")
        self.file("sitemap.xml", ("sitemap", pages, sorted(dated.items())), lambda: self._sitemap(pages, dated))

    def _sitemap(self, pages: list[str], dated: Mapping[str, date]) -> str:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for rel in pages:
            lastmod = f"<lastmod>{dated[rel].isoformat()}</lastmod>" if rel in dated else ""
            lines.append(f"  <url><loc>{xml_escape(self._abs(rel))}</loc>{lastmod}</url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"

    def _robots(self) -> str:
        lines = ["User-agent: *", "Allow: /", "Disallow: /theme/"]
        lines.append(f"Sitemap: {self._abs('sitemap.xml')}")
        return "\n".join(lines) + "\n"
