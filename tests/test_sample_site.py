"""The shipped sample site: builds clean, every link resolves, it renders in a real browser."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO, run_cli

AS_OF = "2026-11-22"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "content", root / "content")
    r = run_cli("build", "--content", str(root / "content"), "--output", str(root / "output"), "--as-of", AS_OF)
    assert r.code == 0, r.out + r.err
    return root / "output"


def _html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_sample_shows_every_section(sample: Path):
    home = (sample / "index.html").read_text(encoding="utf-8")
    for text in ("阜康市应急管理局", "事前公示", "事中公示", "事后公示", "杨振", "0994-3235169"):
        assert text in home
    for rel in ("pre/laws/index.html", "pre/personnel/index.html", "pre/powers/index.html",
                "pre/random-items/index.html", "pre/guides/index.html", "pre/plans/index.html",
                "in-process/notices/index.html", "in-process/hearings/index.html",
                "in-process/applications/index.html", "post/penalties/index.html",
                "post/licenses/index.html", "post/coercive/index.html", "post/inspections/index.html",
                "pre/agency.html", "pre/remedies.html", "stats/index.html", "data/index.html",
                "search/index.html", "feed.xml", "sitemap.xml", "robots.txt"):
        assert (sample / rel).is_file(), rel
    officers = (sample / "pre/personnel/index.html").read_text(encoding="utf-8")
    assert officers.count("阜康市应急管理局</td>") == 15  # the 15 officers of S004
    assert "胡阿提别克·努尔哈孜" in officers  # officers are public by design
    case = (sample / "post/penalties/2023-040.html").read_text(encoding="utf-8")
    assert "阜应急罚字〔2023〕40号" in case and "26000" in case and "决定书全文" in case


def test_no_broken_links(sample: Path):
    broken = []
    for page in _html_files(sample):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids = {t.get("id") for t in soup.find_all(id=True)}
        for tag, attr in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr)
                if not url or url.startswith(("http://", "https://", "mailto:", "tel:")):
                    continue
                parts = urlsplit(url)
                if not parts.path:
                    if parts.fragment and parts.fragment not in ids:
                        broken.append(f"{page.relative_to(sample)} -> {url}")
                    continue
                # An absolute path starts at the site's root (404.html: the sample sets no base_url).
                base = sample if parts.path.startswith("/") else page.parent
                target = (base / unquote(parts.path).lstrip("/")).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    broken.append(f"{page.relative_to(sample)} -> {url}")
    assert not broken, "\n".join(broken[:30])


def test_accessibility_basics(sample: Path):
    for page in _html_files(sample):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.html.get("lang") == "zh-CN"
        assert soup.title and soup.title.string.strip()
        for img in soup.find_all("img"):
            assert img.get("alt"), f"{page}: image without alt text"
        for nav in soup.find_all("nav"):
            assert nav.get("aria-label"), f"{page}: unlabelled navigation"
        assert soup.find("main"), page
        assert len(soup.find_all("h1")) == 1, page
        for inp in soup.find_all("input"):
            if inp.get("type") != "hidden":
                assert soup.find("label", attrs={"for": inp.get("id")}) or inp.get("aria-label"), page


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401
        pass


@pytest.fixture(scope="module")
def served(sample: Path):
    handler = functools.partial(_Quiet, directory=str(sample))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_renders_in_chromium_phone_and_desktop(served: str, tmp_path: Path, width: int, height: int):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        for rel in ("index.html", "post/penalties/2023-040.html", "stats/index.html"):
            page.goto(f"{served}/{rel}")
            shot = tmp_path / f"{width}-{rel.replace('/', '_')}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            # Chinese text is laid out (not tofu-width zero) and nothing overflows the phone width
            box = page.locator("h1").bounding_box()
            assert box and box["width"] > 50
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{rel} overflows by {overflow}px at {width}px"
        browser.close()
