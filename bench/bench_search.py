"""Benchmark of the citizen search (generator/search_index.py + theme/static/js/search.js).

    python bench/bench_search.py [--sizes 1000 10000] [--scale 100000] [--compare-pagefind]

For each size N: writes N synthetic records (bench/synth.py) into a temp dir,
builds the site with the real CLI, then prints
  - the index stage alone: time, peak memory (own process), files, bytes, and
    whether re-indexing the same pages gives byte-identical files;
  - the whole build: time and peak memory, for context;
  - in headless Chromium (Debian's /usr/bin/chromium) against the site served
    on localhost: bytes transferred for a first query (page, script, index
    files) and a second query on the same page, and query latency
    (search.js marks gongshi:start -> gongshi:done).
--scale N indexes N detail pages (copies of the largest built site's pages)
without building, to show the memory of the index stage at 100,000 records.
--compare-pagefind indexes the first size's pages with Pagefind 1.5.2 (the
bundled binary, stock Chinese segmentation; and a bigram variant through its
service API) and reports recall on the test query set, determinism, time and
memory next to ours. No assertions: figures only.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AS_OF = "2026-11-22"

_WRAP = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"rc": p.returncode, "seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "out": p.stdout[-3000:], "err": p.stderr[-3000:]}))
"""

# Peak memory from VmHWM (reset by exec), not ru_maxrss (Linux keeps it across fork+exec,
# so a child of this big process would report at least this process's size).
_INDEX_ONLY = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from generator.search_index import build_citizen_index
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
out = Path(sys.argv[1])
files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
base = hwm()
t = time.perf_counter()
stats = build_citizen_index(out, files)
stats["wall"] = time.perf_counter() - t
stats["peak_mb"] = hwm()
stats["baseline_mb"] = base
print(json.dumps(stats))
"""


def measured(cmd: list[str], env: dict | None = None) -> dict:
    """Run cmd in a wrapper process: wall time and peak RSS of cmd alone."""
    p = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True,
                       env={**os.environ, **(env or {})})
    return json.loads(p.stdout)


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def dir_bytes(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def build_site(work: Path, n: int) -> Path:
    from synth import write_content
    from tests.test_search_index import ONLY_IN_LAW_NAME

    content = work / "content"
    write_content(content, n)
    # one record whose only 政府 is inside 中华人民共和国政府采购法 (the Pagefind 1.5.2 case)
    (content / "post/penalties").mkdir(parents=True, exist_ok=True)
    (content / "post/penalties/plant-govlaw.md").write_text(ONLY_IN_LAW_NAME, encoding="utf-8")
    r = measured([sys.executable, "-m", "generator", "build", "--content", str(content),
                  "--output", str(work / "output"), "--as-of", AS_OF],
                 env={"GONGSHI_SETTINGS": str(REPO / "pelicanconf.py"), "PYTHONPATH": str(REPO)})
    if r["rc"] not in (0, 1):
        raise SystemExit(f"build failed: {r['err']}")
    line = next((x for x in r["out"].splitlines() if x.startswith("已生成")), "")
    print(f"  whole build: {r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB — {line[:60]}")
    return work / "output"


def index_stage(out: Path, compare: bool = True) -> dict:
    before = tree_hash(out / "search/idx") if compare else ""
    p = subprocess.run([sys.executable, "-c", _INDEX_ONLY, str(out), str(REPO)], capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(p.stderr)
    stats = json.loads(p.stdout)
    if compare:
        stats["identical"] = tree_hash(out / "search/idx") == before
    return stats


def print_index(stats: dict, label: str) -> None:
    print(f"  index stage ({label}): {stats['docs']} pages in {stats['wall']:.2f} s "
          f"(reading pages {stats['seconds_read']:.2f} s), peak {stats['peak_mb']:.0f} MB "
          f"(before indexing {stats['baseline_mb']:.0f} MB); {stats['files']} files, "
          f"{stats['bytes'] / 1e6:.1f} MB, {stats['buckets']} token buckets, {stats['tokens']} tokens, "
          f"{stats['postings']} postings"
          + ("" if "identical" not in stats else
             f"; re-indexing the same pages gives byte-identical files: {'yes' if stats['identical'] else 'NO'}"))


# -- the browser -----------------------------------------------------------------------------

class _Counting(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def copyfile(self, source, outputfile) -> None:  # count body bytes served
        data = source.read()
        outputfile.write(data)
        self.server.served.append((self.path.split("?")[0], len(data)))


def serve(root: Path):
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Counting, directory=str(root)))
    srv.daemon_threads = True
    srv.served = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def sample_queries(out: Path) -> tuple[str, str]:
    """A company name and a decision number that the site shows."""
    from generator.search_index import extract

    pages = sorted((out / "post/penalties").glob("*.html"))
    company = number = ""
    for p in pages:
        doc = extract(p.read_text(encoding="utf-8"), p.name)
        if doc is None:
            continue
        m = re.search(r"[\u4e00-\u9fff]{4,20}?(?:有限责任公司|有限公司|商行)", doc.text)
        n = re.search(r"[\u4e00-\u9fff]{2,10}〔\d{4}〕\d+号", doc.text)
        if m and not company:
            company = m.group(0)
        if n and not number and p.name != "plant-govlaw.html":
            number = n.group(0)
        if company and number:
            break
    return company, number


LATENCY_QUERIES = ["公司", "政府", "李某", "安全生产法", "第九十七条", "危险化学品经营许可证"]

_WAIT = "() => performance.getEntriesByName('gongshi:done').length > 0"
_EXACT = "() => document.querySelector('#search').dataset.exact === 'true'"


def settle(pg) -> str:
    """Wait for the results, then for the exact count if the page computes one; 'exact' or 'approx'."""
    pg.wait_for_function(_WAIT, timeout=120_000)
    try:
        pg.wait_for_function(_EXACT, timeout=20_000)
        return "exact"
    except Exception:  # playwright TimeoutError: many candidates, the count stays approximate
        return "approx"
_LATENCY = ("() => { const s = performance.getEntriesByName('gongshi:start').pop();"
            " const d = performance.getEntriesByName('gongshi:done').pop(); return d.startTime - s.startTime; }")


def browser_figures(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    q1, q2 = sample_queries(out)
    srv = serve(out)
    base = f"http://127.0.0.1:{srv.server_address[1]}/"

    def taken() -> tuple[int, int]:
        idx = sum(n for path, n in srv.served if path.startswith("/search/idx/"))
        total = sum(n for _, n in srv.served)
        srv.served.clear()
        return total, idx

    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            ctx = b.new_context()
            pg = ctx.new_page()
            srv.served.clear()
            pg.goto(base + "search/index.html?q=" + quote(q1))
            settle(pg)
            lat1 = pg.evaluate(_LATENCY)
            total, idx = taken()
            print(f"  first query  {q1!r}: {total / 1024:.1f} KiB transferred "
                  f"({idx / 1024:.1f} KiB index, {(total - idx) / 1024:.1f} KiB page, css, script); "
                  f"{lat1:.0f} ms from search start to results "
                  f"({pg.get_attribute('#search', 'data-total')} results)")
            results = []
            for q in [q2] + LATENCY_QUERIES:
                pg.evaluate("() => performance.clearMarks()")
                pg.fill("#search-q", q)
                pg.click("#search-form button[type=submit]")
                kind = settle(pg)
                lat = pg.evaluate(_LATENCY)
                total, idx = taken()
                n = pg.get_attribute("#search", "data-total")
                results.append((q, total, lat, n if kind == "exact" else f"about {n}"))
            q, total, lat, n = results[0]
            print(f"  second query {q!r}: {total / 1024:.1f} KiB transferred; {lat:.0f} ms ({n} results)")
            for q, total, lat, n in results[1:]:
                print(f"    next query {q!r}: {total / 1024:.1f} KiB, {lat:.0f} ms, {n} results")
            # the same query again on a fresh page with a warm HTTP cache
            pg2 = ctx.new_page()
            pg2.goto(base + "search/index.html?q=" + quote(q1))
            settle(pg2)
            print(f"  first query again, new tab, warm cache: {pg2.evaluate(_LATENCY):.0f} ms")
            b.close()
    finally:
        srv.shutdown()
        srv.server_close()


# -- scale: index stage only, N pages ---------------------------------------------------------

def scale(src_out: Path, n: int, work: Path) -> None:
    pages = []
    for p in sorted(src_out.rglob("*.html")):
        if "data-pagefind-body" in p.read_text(encoding="utf-8"):
            pages.append(p)
    dest = work / "scale"
    k = 0
    while k < n:
        for p in pages:
            if k >= n:
                break
            rel = p.relative_to(src_out)
            target = dest / f"c{k // len(pages)}" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            # vary the numbers so copies are not identical
            text = p.read_text(encoding="utf-8")
            target.write_text(text.replace("〕", f"〕{k // len(pages)}"), encoding="utf-8")
            k += 1
    stats = index_stage(dest, compare=False)
    print_index(stats, f"{n} pages, copies of the site above")
    shutil.rmtree(dest, ignore_errors=True)


# -- Pagefind, for comparison ------------------------------------------------------------------

_PF_BIGRAM = r"""
import base64, json, subprocess, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from pagefind.service import get_executable
from generator.search_index import read_pages, normalize, doc_tokens
out, dest = Path(sys.argv[1]), sys.argv[2]
files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
docs = read_pages(out, files)
proc = subprocess.Popen([str(get_executable()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
mid = 0
def send(payload):
    # the pagefind Python package polls its service every 0.1 s per message (10 pages/s);
    # this speaks the same protocol (base64 JSON, comma-separated) without the sleep
    global mid
    mid += 1
    proc.stdin.write(base64.b64encode(json.dumps({"message_id": mid, "payload": payload}).encode()) + b",")
    proc.stdin.flush()
    buf = bytearray()
    while (c := proc.stdout.read(1)) != b",":
        if not c:
            raise SystemExit("pagefind service ended")
        buf += c
    resp = json.loads(base64.b64decode(bytes(buf)))["payload"]
    if resp.get("type") == "Error":
        raise SystemExit(str(resp))
    return resp
iid = send({"type": "NewIndex", "config": {"force_language": "en"}})["index_id"]
for d in docs:
    content = " ".join(sorted(doc_tokens(normalize(d.text))))
    send({"type": "AddRecord", "index_id": iid, "url": "/" + d.url, "content": content, "language": "en",
          "meta": {"title": d.title}, "filters": {k: v for k, v in d.filters.items()}, "sort": None})
send({"type": "WriteFiles", "index_id": iid, "output_path": dest})
proc.stdin.close()
proc.wait()
"""


def compare_pagefind(out: Path) -> None:
    from bs4 import BeautifulSoup
    from playwright.sync_api import sync_playwright

    from generator import search_index as si
    from tests.test_search_browser import query_set

    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SystemExit("--compare-pagefind needs Pagefind: .venv/bin/pip install -e '.[test,bench]'") from None

    print("\nPagefind 1.5.2 on the same pages (first size):")
    pf = str(get_executable())
    runs = []
    for k in (1, 2):
        r = measured([pf, "--site", str(out), "--output-subdir", f"_pf_stock{k}", "--silent"])
        runs.append(r)
    same = tree_hash(out / "_pf_stock1") == tree_hash(out / "_pf_stock2")
    nf, nb = dir_bytes(out / "_pf_stock1")
    print(f"  stock (jieba at index time, Intl.Segmenter at query time): {runs[0]['seconds']:.1f} s, "
          f"peak {runs[0]['peak_mb']:.0f} MB, {nf} files, {nb / 1e6:.1f} MB; "
          f"two runs byte-identical: {'yes' if same else 'NO'}")
    if not same:
        a, b = out / "_pf_stock1", out / "_pf_stock2"
        diff = sorted({p.relative_to(a).parts[0] for p in a.rglob("*") if p.is_file()
                       and (not (b / p.relative_to(a)).is_file()
                            or (b / p.relative_to(a)).read_bytes() != p.read_bytes())})
        print(f"    differing: {', '.join(diff)}")
    bruns = []
    for k in (1, 2):
        bruns.append(measured([sys.executable, "-c", _PF_BIGRAM, str(out), str(out / f"_pf_bigram{k}"), str(REPO)]))
    bsame = tree_hash(out / "_pf_bigram1") == tree_hash(out / "_pf_bigram2")
    nf, nb = dir_bytes(out / "_pf_bigram1")
    print(f"  bigram records (force_language=en, filters): {bruns[0]['seconds']:.1f} s, "
          f"peak {bruns[0]['peak_mb']:.0f} MB, {nf} files, {nb / 1e6:.1f} MB; "
          f"two runs byte-identical: {'yes' if bsame else 'NO'}")
    if not bsame:
        a, b = out / "_pf_bigram1", out / "_pf_bigram2"
        diff = sorted({p.relative_to(a).as_posix().split("_")[0] for p in a.rglob("*") if p.is_file()
                       and not (b / p.relative_to(a)).is_file()})
        print(f"    files only in one run: {', '.join(diff)}")

    pages = {}
    for path in sorted(out.rglob("*.html")):
        if "_pf_" in path.as_posix():
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        art = soup.find(attrs={"data-pagefind-body": True})
        if art is not None:
            pages[path.relative_to(out).as_posix()] = " ".join(art.get_text(" ").split())
    queries = [q for qs in query_set(pages).values() for q in qs]
    srv = serve(out)
    base = f"http://127.0.0.1:{srv.server_address[1]}/"
    tallies = {}
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pg = b.new_page()
            pg.goto(base + "search/index.html")
            pg.wait_for_function("() => window.gongshiSearch")
            pg.evaluate("""async () => {
                window.pfStock = await import('/_pf_stock1/pagefind.js'); await pfStock.init();
                window.pfBigram = await import('/_pf_bigram1/pagefind.js'); await pfBigram.init();
                window.pfUrls = async (pf, q) => { const r = await pf.search(q); const out = [];
                  for (const x of r.results) { const d = await x.data(); out.push(d.url.replace(/^\\//, '')); }
                  return out; };
            }""")
            engines = {
                "gongshi bigram index (ours)": lambda q: pg.evaluate("q => gongshiSearch.all(q)", q),
                "Pagefind stock": lambda q: pg.evaluate("q => pfUrls(pfStock, q)", q),
                "Pagefind bigram records": lambda q: pg.evaluate(
                    "q => pfUrls(pfBigram, q)",
                    " ".join(t for w in q.split() for t in si.query_tokens(si.normalize(w)))),
            }
            for name, fn in engines.items():
                missed_q = found_n = expected_n = extra = 0
                worst = []
                for q in queries:
                    expected = {u for u, t in pages.items() if q in t}
                    got = set(fn(q))
                    miss = expected - got
                    expected_n += len(expected)
                    found_n += len(expected & got)
                    words = [si.normalize(w) for w in q.split() if si.normalize(w)]
                    extra += sum(1 for u in got - expected
                                 if u not in pages or not all(w in si.normalize(pages[u]) for w in words))
                    if miss:
                        missed_q += 1
                        worst.append((len(miss), q))
                tallies[name] = (missed_q, found_n, expected_n, extra, sorted(worst, reverse=True)[:4])
            b.close()
    finally:
        srv.shutdown()
        srv.server_close()
    print(f"  recall on {len(queries)} queries (tests/test_search_browser.query_set), expected = pages whose text "
          f"contains the query:")
    for name, (missed_q, found_n, expected_n, extra, worst) in tallies.items():
        print(f"    {name}: {found_n}/{expected_n} expected results found "
              f"({100 * found_n / max(1, expected_n):.1f} %), {missed_q} queries miss a page, "
              f"{extra} results that do not contain the query even ignoring punctuation/width/case" + (f"; e.g. {worst}" if worst else ""))
    for k in (1, 2):
        shutil.rmtree(out / f"_pf_stock{k}", ignore_errors=True)
        shutil.rmtree(out / f"_pf_bigram{k}", ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--scale", type=int, default=0, help="also index this many pages (copies), index stage only")
    ap.add_argument("--compare-pagefind", action="store_true")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongshi-bench-search-") as tmp:
        last = None
        for i, n in enumerate(args.sizes):
            print(f"\n{n} records:")
            work = Path(tmp) / f"n{n}"
            out = build_site(work, n)
            print_index(index_stage(out), "own process")
            if not args.no_browser:
                browser_figures(out)
            if args.compare_pagefind and i == 0:
                compare_pagefind(out)
            if last is not None:
                shutil.rmtree(last.parent, ignore_errors=True)
            last = out
        if args.scale and last is not None:
            print(f"\nscale: {args.scale} pages")
            scale(last, args.scale, Path(tmp))


if __name__ == "__main__":
    main()
