"""Citizen search in a real browser: Debian's headless Chromium driven by Playwright.

A site (the shipped sample plus planted records, see test_search_index) is
built, served on localhost by http.server, and searched through the search
page exactly as a citizen would: ?q= in the URL (what the box on every page
submits), the form, the filters, the pager. Expected results are computed
from the built detail pages with BeautifulSoup: every public page containing
a query must be found. Chromium is required: bin/test installs it; these tests
fail (not skip) when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import functools
import http.server
import random
import re
import socketserver
import threading
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from generator import search_index as si
from tests.test_search_index import UNPUBLISHED, WITHDRAWAL_ONLY, PROTECTED, build_search_site, public_pages

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SETTLED = "#search[data-state=done], #search[data-state=idle], #search[data-state=error]"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(root: Path):
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_search_site(tmp_path_factory)


@pytest.fixture(scope="module")
def base_url(built: Path):
    srv = serve(built)
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.is_file(), (
        "Chromium is required for the search tests: install Debian's package "
        "(apt-get install -y chromium fonts-noto-cjk) or run bin/test, which does it."
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(locale="zh-CN")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not errors, errors


def settle(pg) -> str:
    pg.wait_for_selector(SETTLED, state="attached", timeout=30_000)
    return pg.get_attribute("#search", "data-state")


def ui_search(pg, base_url: str, q: str = "", **filters: str) -> tuple[list[str], str]:
    """Open search/index.html?q=..., page through every result page; (urls, status text)."""
    params = {"q": q, **{k: v for k, v in filters.items() if v}}
    pg.goto(base_url + "search/index.html?" + urlencode(params, quote_via=quote))
    assert settle(pg) in ("done", "idle"), pg.text_content("#search-status")
    if pg.get_attribute("#search", "data-state") == "done":
        pg.wait_for_function("document.querySelector('#search').dataset.exact === 'true'")
    status = pg.text_content("#search-status") or ""
    urls: list[str] = []
    while True:
        urls += [h.split("../", 1)[-1] for h in pg.eval_on_selector_all(
            "#search-results li h3 a", "els => els.map(e => e.getAttribute('href'))")]
        nxt = pg.query_selector("#search-pager button.next")
        if nxt is None or nxt.is_disabled():
            break
        current = pg.get_attribute("#search", "data-page")
        nxt.click()
        pg.wait_for_function(f"document.querySelector('#search').getAttribute('data-page') !== '{current}'"
                             " && document.querySelector('#search').dataset.state === 'done'")
    return urls, status


def api_search(pg, q: str) -> list[str]:
    return pg.evaluate("q => window.gongshiSearch.all(q)", q)


# -- the query set -------------------------------------------------------------------------

def query_set(pages: dict[str, str]) -> dict[str, list[str]]:
    """Queries by kind, drawn from what the public pages show."""
    text = "\n".join(pages.values())
    first = lambda pattern, n: sorted(set(re.findall(pattern, text)))[:n]  # noqa: E731
    rnd = random.Random(2026)
    texts = sorted(pages.values())

    def substrings(lengths: list[int], n: int, cjk_only: bool) -> list[str]:
        out: set[str] = set()
        while len(out) < n:
            t = rnd.choice(texts)
            k = rnd.choice(lengths)
            if len(t) <= k:
                continue
            i = rnd.randrange(0, len(t) - k)
            s = t[i : i + k]
            if cjk_only and not re.fullmatch(r"[\u4e00-\u9fff]+", s):
                continue
            if si.normalize(s):
                out.add(s)
        return sorted(out)

    return {
        "two-character words": ["政府", "罚款", "公司", "安全", "检查", "许可", "烟花", "爆竹", "隐患", "法人"]
                               + substrings([2], 15, True),
        "substrings of three or more characters": ["安全生产法", "危险化学品", "有限空间", "特种作业操作证",
                                                   "责令限期改正", "政府采购"] + substrings([3, 4, 5, 7, 10], 20, True),
        "full company names": first(r"[\u4e00-\u9fff]{4,24}?(?:有限责任公司|有限公司|商行)", 25),
        "decision numbers": ["阜应急罚字〔2023〕40号"] + first(r"[\u4e00-\u9fff]{2,10}〔\d{4}〕\d+号", 25),
        "law names": ["中华人民共和国政府采购法", "中华人民共和国安全生产法"] + first(r"《([^》]{4,40})》", 25),
        "article numbers": ["第九十七条", "第三十条第一款"] + first(r"第[一二三四五六七八九十百零]+条", 25),
        "aliases": ["李某", "欧阳某"] + first(r"[\u4e00-\u9fff]某[甲乙丙丁]?(?![\u4e00-\u9fff])", 20),
        "numbers and codes": ["20000", "2023", "16.5.1", "0994-3235169"] + first(r"\b9\d{7}[0-9A-Z]{10}\b", 5),
        "raw substrings with punctuation": substrings([4, 8, 12], 15, False),
        "single characters": ["罚", "府", "某"],
    }


def _check(q: str, found: list[str], pages: dict[str, str]) -> None:
    expected = {u for u, t in pages.items() if q in t}
    assert not expected - set(found), f"{q!r}: missing {sorted(expected - set(found))}"
    words = [si.normalize(w) for w in q.split() if si.normalize(w)]
    wrong = [u for u in found if not all(w in si.normalize(pages[u]) for w in words)]
    assert not wrong, f"{q!r}: pages without the query {wrong}"
    assert len(found) == len(set(found)), q


# -- tests -----------------------------------------------------------------------------------

def test_recall_of_the_query_set_through_the_search_page(page, base_url, built):
    pages = public_pages(built)
    tried = 0
    for kind, queries in query_set(pages).items():
        assert queries, kind
        for q in queries[:12]:  # through the page UI (the rest: next test, same code in the browser)
            found, status = ui_search(page, base_url, q)
            _check(q, found, pages)
            if found:
                assert f"共找到 {len(found)} 条" in status, (q, status)
            else:
                assert "没有找到" in status, (q, status)
            tried += 1
    assert tried > 80


def test_recall_of_the_whole_query_set_in_the_browser(page, base_url, built):
    pages = public_pages(built)
    page.goto(base_url + "search/index.html")
    settle(page)
    queries = [q for qs in query_set(pages).values() for q in qs]
    assert len(queries) > 150
    for q in queries:
        _check(q, api_search(page, q), pages)


def test_govt_inside_the_law_name_is_found(page, base_url, built):
    """The Pagefind 1.5.2 failure: 政府 only inside 中华人民共和国政府采购法."""
    text = public_pages(built)["post/penalties/plant-govlaw.html"]
    assert "政府" in text and text.count("政府") == text.count("中华人民共和国政府采购法")
    found, _ = ui_search(page, base_url, "政府")
    assert "post/penalties/plant-govlaw.html" in found
    for q in ("政府采购法", "中华人民共和国政府采购法", "府采", "国政府"):
        assert "post/penalties/plant-govlaw.html" in ui_search(page, base_url, q)[0], q


def test_variant_punctuation_and_spaces_still_match(page, base_url):
    for q in ("阜应急罚字〔2023〕40号", "阜应急罚字[2023]40号", "阜应急罚字(2023)40号", "阜应急罚字 2023 40号",
              "阜应急罚字２０２３４０号"):
        found, _ = ui_search(page, base_url, q)
        assert found == ["post/penalties/2023-040.html"], (q, found)


def test_nothing_unpublished_is_findable(page, base_url):
    for q in list(UNPUBLISHED) + list(WITHDRAWAL_ONLY) + list(PROTECTED):
        found, status = ui_search(page, base_url, q)
        assert found == [], (q, found)
        assert "没有找到" in status


def test_box_on_every_page_leads_to_results(page, base_url):
    for start in ("index.html", "post/penalties/2023-040.html", "pre/laws/index.html"):
        page.goto(base_url + start)
        page.fill(".site-header input[name=q]", "庆余年")
        page.press(".site-header input[name=q]", "Enter")
        page.wait_for_url(re.compile(r"search/index\.html\?q="))
        assert settle(page) == "done"
        hrefs = page.eval_on_selector_all("#search-results li h3 a", "els => els.map(e => e.getAttribute('href'))")
        assert "../post/penalties/2023-040.html" in hrefs
        assert page.input_value("#search-q") == "庆余年"
        assert page.input_value(".site-header input[name=q]") == "庆余年"


def test_result_shows_title_type_date_status_and_highlighted_snippet(page, base_url):
    ui_search(page, base_url, "阜应急罚字〔2023〕40号")
    li = page.query_selector("#search-results li")
    assert li is not None
    assert "阜康市金鑫铸造有限公司" in li.query_selector("h3 a").inner_text()
    meta = li.query_selector(".meta").inner_text()
    assert "行政处罚" in meta and "2023-12-08" in meta
    marks = [m.inner_text() for m in li.query_selector_all(".snippet mark")]
    assert "阜应急罚字〔2023〕40号" in marks
    # status label of a corrected record
    found, _ = ui_search(page, base_url, "更正记录", status="已更正")
    assert found
    for item in page.query_selector_all("#search-results li"):
        assert "已更正" in item.query_selector(".meta").inner_text()


def test_filters_by_type_year_and_status(page, base_url, built):
    pages = public_pages(built)
    all_found, _ = ui_search(page, base_url, "安全")
    only_pen, _ = ui_search(page, base_url, "安全", type="行政处罚")
    assert only_pen and set(only_pen) < set(all_found)
    assert all(u.startswith("post/penalties/") for u in only_pen)
    expected_pen = {u for u in all_found if u.startswith("post/penalties/")}
    assert set(only_pen) == expected_pen
    y2023, _ = ui_search(page, base_url, "", type="行政处罚", year="2023")
    assert y2023 == ["post/penalties/2023-040.html"]
    in_notice, _ = ui_search(page, base_url, "", status="公示中")
    assert in_notice and all("公示中" in pages[u] for u in in_notice)
    # the selects were filled from the index and reflect the URL
    page.goto(base_url + "search/index.html?q=" + quote("安全") + "&type=" + quote("行政许可"))
    settle(page)
    assert page.input_value("#search-f-type") == "行政许可"
    options = page.eval_on_selector_all("#search-f-type option", "os => os.map(o => o.value)")
    assert "行政处罚" in options and "行政许可" in options
    years = page.eval_on_selector_all("#search-f-year option", "os => os.map(o => o.value)")
    assert "2023" in years
    # changing a filter re-runs the search in place
    page.select_option("#search-f-type", "行政处罚")
    page.wait_for_function("location.search.includes('type=%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A')")
    settle(page)
    hrefs = page.eval_on_selector_all("#search-results li h3 a", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all("post/penalties/" in h for h in hrefs)


def test_form_submit_back_button_and_pager(page, base_url, built):
    page.goto(base_url + "search/index.html")
    assert settle(page) == "idle"
    assert "请输入" in page.text_content("#search-status")
    page.fill("#search-q", "公司")
    page.click("#search-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?q=%E5%85%AC%E5%8F%B8"))
    settle(page)
    total = int(page.get_attribute("#search", "data-total"))
    expected = {u for u, t in public_pages(built).items() if "公司" in t}
    assert total >= len(expected) > 20  # more than one page
    assert page.is_disabled("#search-pager button.prev")
    page.click("#search-pager button.next")
    page.wait_for_function("document.querySelector('#search').dataset.page === '2'")
    assert "page=2" in page.url
    page.go_back()
    page.wait_for_function("document.querySelector('#search').dataset.page === '1'")


def test_works_without_decompression_stream(browser, base_url, built):
    """Older browsers: the bundled inflate decodes the index instead of DecompressionStream."""
    ctx = browser.new_context()
    ctx.add_init_script("delete window.DecompressionStream;")
    pg = ctx.new_page()
    try:
        pages = public_pages(built)
        for q in ("政府", "阜应急罚字〔2023〕40号", "李某", "中华人民共和国安全生产法"):
            found, _ = ui_search(pg, base_url, q)
            _check(q, found, pages)
            assert found
        assert pg.evaluate("typeof DecompressionStream") == "undefined"
    finally:
        ctx.close()


def test_browser_functions_mirror_python(page, base_url):
    page.goto(base_url + "search/index.html")
    settle(page)
    for s in ("阜应急罚字〔2023〕40号", "ＡＢＣ Co.,Ltd", "欧阳某", "𠀋字", "İstanbul", "①②", "é"):
        assert page.evaluate("s => gongshiSearch.normalise(s)", s) == si.normalize(s), s
        n = si.normalize(s)
        assert page.evaluate("s => gongshiSearch.queryTokens(s)", n) == si.query_tokens(n), s
    for s in ("〔2026〕1号", "2026〕1", "电话0994-3235169。", "罚款２００００元", "16.5.1", "①②号", "第1𠀋字"):
        assert page.evaluate("s => gongshiSearch.numberTokens(s)", s) == si.query_number_tokens(s), s
    for tok in ("政府", "a", "", "𠀋字", "40号"):
        assert page.evaluate("t => gongshiSearch.fnv1a(t)", tok) == si.fnv1a(tok), tok


def test_search_page_is_accessible_without_js_errors(page, base_url):
    page.goto(base_url + "search/index.html?q=" + quote("罚款"))
    settle(page)
    # every form control has a label; status is a live region; results are a list of links
    for sel in ("#search-q", "#search-f-type", "#search-f-year", "#search-f-status"):
        cid = page.get_attribute(sel, "id")
        assert page.query_selector(f"label[for={cid}]") is not None, sel
    assert page.get_attribute("#search-status", "aria-live") == "polite"
    assert page.query_selector("#search-results li h3 a") is not None
    # keyboard: focus reaches the search field and submits with Enter
    page.focus("#search-q")
    page.fill("#search-q", "李某")
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('q=%E6%9D%8E%E6%9F%90')")
    settle(page)
    assert "李某" in page.text_content("#search-status")
    # the page lang is Chinese and nothing overflows a phone screen
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_long_pasted_paragraph_is_found(page, base_url, built):
    pages = public_pages(built)
    text = pages["post/penalties/2023-040.html"]
    start = text.index("乌鲁木齐市庆余年建设工程有限公司作为施工单位")
    q = text[start : start + 150]
    found, status = ui_search(page, base_url, q)
    assert "post/penalties/2023-040.html" in found
    _check(q, found, pages)


def test_site_with_nothing_public_searches_cleanly(browser, tmp_path):
    from tests.conftest import SiteDir

    site = SiteDir(tmp_path)
    r = site.build()
    assert r.code == 0, r.err
    srv = serve(site.output)
    ctx = browser.new_context()
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        found, status = ui_search(pg, f"http://127.0.0.1:{srv.server_address[1]}/", "政府")
        assert found == [] and "没有找到" in status
        assert not errors
    finally:
        ctx.close()
        srv.shutdown()
        srv.server_close()
