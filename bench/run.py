"""gongshi vs stock Pelican on the same synthetic records: one command.

    .venv/bin/python bench/run.py --n 1000 10000          # the README "Scale" figures
    .venv/bin/python bench/run.py --n 100000 --pelican-max 10000   # the big run, no Pelican

For each N it writes N records of all 13 types (bench/synth.py: realistic
proportions, Chinese text, planted ID numbers / phones / addresses / names) with
a site.yaml into a temp dir, then times, each in its own subprocess:

  gongshi full      `python -m generator build` (the real CLI): cold, empty cache,
                    no output/ yet; redaction, search index and atomic publish included
  gongshi nightly   the same command again with the as-of date one day later and
                    no content change (the daily timer): warm cache; the first build
                    after a full one, so its spare tree (generator/publish.py) is new
  gongshi nightly #2  the next night (as-of +2 days): the daily timer's steady state
  gongshi same day  again with the same as-of date (a staff re-run, nothing changed):
                    nothing to do (generator/unchanged.py)
  gongshi same, staged  the same with GONGSHI_SKIP_UNCHANGED=0: every stage runs on a
                    warm cache (what the stages cost when nothing changed)
  pelican           stock Pelican 4 (`pelican content -s pelicanconf.py`, default theme
                    and settings) on the same records written as plain Markdown articles

then --pairs - 1 more cold gongshi builds and Pelican runs side by side (alternating
which goes first), and prints records/second, wall and CPU time, peak memory (the
kernel's ru_maxrss of the largest process, from wait4() of that one child, and the
peak PSS of the whole process tree sampled from /proc every 0.1 s or less often:
gongshi forks workers), output size and the gongshi/Pelican ratio of each pair (the
target uses their median); then the stage split and the search index figures
reported by the build itself (GONGSHI_STATS_FILE), and the redaction throughput of
bench/bench_redaction.py.

The gongshi builds run from a snapshot of generator/, redaction/, theme/ and
pelicanconf.py copied into the temp dir (--live: the working tree), so that an
edit made elsewhere during the run cannot change the code under test or
invalidate its cache halfway. Nothing is asserted: the targets are printed with
the measured figure next to them.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

AS_OF = synth.AS_OF
PELICANCONF = """\
# Stock Pelican: default theme and settings; only where the articles are and where to write.
PATH = "content"
OUTPUT_PATH = "output"
SITENAME = "bench"
TIMEZONE = "Asia/Shanghai"
"""


# -- measuring one child process ---------------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(x) for x in f.read().split())
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Run:
    label: str
    n: int
    code: int
    wall: float
    cpu: float
    maxrss_kb: int
    peak_tree_pss_kb: int
    out_bytes: int
    out_files: int
    stderr: str = ""
    stdout: str = ""
    stats: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.n / self.wall if self.wall else 0.0


def measure(label: str, n: int, cmd: list[str], cwd: Path, env: dict[str, str], out_dir: Path,
            stats_file: Path | None = None) -> Run:
    """Run cmd; wall time, CPU of the process and its waited-for children, peak memory."""
    if stats_file is not None:
        env = {**env, "GONGSHI_STATS_FILE": str(stats_file)}
        stats_file.unlink(missing_ok=True)
    peak = [0]
    stop = threading.Event()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def sample() -> None:
        # Reading smaps_rollup walks the page tables of a big process: sample at most ~5% of
        # the time so that measuring does not slow down what is measured.
        while not stop.is_set():
            t = time.perf_counter()
            pids, todo = set(), [proc.pid]
            while todo:
                p = todo.pop()
                if p not in pids:
                    pids.add(p)
                    todo.extend(_children(p))
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in pids))
            stop.wait(max(0.1, 20 * (time.perf_counter() - t)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage: no other child mixed in
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    for r in readers:
        r.join()
    files = [p for p in out_dir.rglob("*") if p.is_file()] if out_dir.exists() else []
    stats = {}
    if stats_file is not None and stats_file.exists():
        stats = json.loads(stats_file.read_text(encoding="utf-8"))
    return Run(label, n, proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, peak[0],
               sum(p.stat().st_size for p in files), len(files),
               b"".join(err_chunks).decode("utf-8", "replace"), b"".join(out_chunks).decode("utf-8", "replace"),
               stats)


# -- one N ----------------------------------------------------------------------------------------

def snapshot(dest: Path) -> Path:
    """Copy the code under test (generator/, redaction/, theme/, pelicanconf.py), compiled to
    bytecode once like an installed package (Pelican and the libraries are; this machine sets
    PYTHONDONTWRITEBYTECODE, so without it every gongshi run would compile its modules again)."""
    for name in ("generator", "redaction", "theme"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        compileall.compile_dir(dest / name, quiet=1)
    shutil.copy2(REPO / "pelicanconf.py", dest / "pelicanconf.py")
    return dest


def bench_n(n: int, work: Path, args: argparse.Namespace) -> list[Run]:
    root = work / f"n{n}"
    root.mkdir()
    t = time.perf_counter()
    counts = synth.write_content(root / "site" / "content", n, args.seed)
    gen_s = time.perf_counter() - t
    size = sum(p.stat().st_size for p in (root / "site" / "content").rglob("*") if p.is_file())
    print(f"\n== N = {n:,}: {sum(counts.values()):,} records, {size / 1e6:.1f} MB of content "
          f"(written in {gen_s:.1f} s)", flush=True)
    print("   " + ", ".join(f"{t} {k:,}" for t, k in sorted(counts.items(), key=lambda x: -x[1])), flush=True)

    pel = root / "pelican"
    if n <= args.pelican_max:
        synth.write_pelican_articles(pel / "content", n, args.seed)
        (pel / "pelicanconf.py").write_text(PELICANCONF, encoding="utf-8")
    # Both inputs are written before anything is timed, and on disk: the first build must not
    # share the disk with the write-back of 20,000 fresh files (that cost it seconds here).
    os.sync()
    time.sleep(2)
    code = REPO if args.live else snapshot(root / "code")
    env = {**os.environ, "PYTHONPATH": str(code), "GONGSHI_SETTINGS": str(code / "pelicanconf.py"),
           "GONGSHI_CACHE_DIR": str(root / "cache")}
    env.pop("GONGSHI_CACHE", None)
    if args.workers:
        env["GONGSHI_WORKERS"] = str(args.workers)
    content, output = root / "site" / "content", root / "site" / "output"
    runs = []

    def gongshi(label: str, as_of: date, **more_env: str) -> Run:
        cmd = [sys.executable, "-m", "generator", "build", "--content", str(content), "--output", str(output),
               "--as-of", as_of.isoformat()]
        r = measure(label, n, cmd, code, {**env, **more_env}, output, root / "stats.json")
        if r.code not in (0, 1):
            print(f"   {label} FAILED (exit {r.code}):\n{r.stderr[-3000:]}", flush=True)
        runs.append(r)
        return r

    gongshi("gongshi full", AS_OF)
    gongshi("gongshi nightly", AS_OF + timedelta(days=1))
    gongshi("gongshi nightly #2", AS_OF + timedelta(days=2))
    gongshi("gongshi same day", AS_OF + timedelta(days=2))  # nothing changed: nothing to do
    gongshi("gongshi same, staged", AS_OF + timedelta(days=2), GONGSHI_SKIP_UNCHANGED="0")  # every stage runs
    floor = night_floor(output, code, env)
    if n <= args.pelican_max:
        pelican = str(Path(sys.executable).with_name("pelican"))

        def stock(label: str) -> Run:
            shutil.rmtree(pel / "output", ignore_errors=True)
            r = measure(label, n, [pelican, "content", "-s", "pelicanconf.py"], pel, dict(os.environ), pel / "output")
            if r.code != 0:
                print(f"   pelican FAILED (exit {r.code}):\n{r.stderr[-3000:]}", flush=True)
            runs.append(r)
            return r

        stock("pelican")
        # More cold full builds side by side with Pelican (this VM's speed drifts by 20 %
        # within minutes): each pair gives a ratio, the target uses their median.
        for k in range(2, args.pairs + 1):
            cold_env = {**env, "GONGSHI_CACHE_DIR": str(root / f"cache-{k}")}
            cold_out = root / "site" / f"output-{k}"
            cmd = [sys.executable, "-m", "generator", "build", "--content", str(content), "--output",
                   str(cold_out), "--as-of", AS_OF.isoformat()]
            first, second = ("pelican", "gongshi") if k % 2 == 0 else ("gongshi", "pelican")
            for who in (first, second):
                if who == "pelican":
                    stock(f"pelican #{k}")
                else:
                    runs.append(measure(f"gongshi full #{k}", n, cmd, code, cold_env, cold_out, root / "stats.json"))
            shutil.rmtree(cold_out, ignore_errors=True)
            shutil.rmtree(root / f"cache-{k}", ignore_errors=True)
    report(runs)
    if floor:
        runs[0].stats["night_floor"] = floor  # targets() prints it beside the nightly target
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return runs


def night_floor(output: Path, code: Path, env: dict[str, str]) -> dict:
    """bench/night_floor.py on the site as the last night left it: what rewriting its search
    index costs by itself (wall and CPU), and the gzip of every bucket file within that."""
    p = subprocess.run([sys.executable, str(HERE / "night_floor.py"), str(output), "--tmp", str(output.parent)],
                       capture_output=True, text=True, cwd=code, env=env)
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        print(f"   night_floor.py FAILED (exit {p.returncode}):\n{p.stderr[-2000:]}", flush=True)
        return {}


def report(runs: list[Run]) -> None:
    pel = next((r for r in runs if r.label == "pelican"), None)
    full = next(r for r in runs if r.label == "gongshi full")
    print(f"   {'build':<19}{'records/s':>10}{'wall s':>9}{'cpu s':>8}{'maxrss MB':>11}{'tree PSS MB':>13}"
          f"{'output MB':>11}{'files':>8}{'exit':>6}   vs", flush=True)
    for r in runs:
        vs = ""
        if r.label.startswith("gongshi full"):
            mate = pelican_mate(runs, r)
            if mate is not None:
                vs = f"{r.rate / mate.rate:.2f}x Pelican's records/s" + (f" ({mate.label})" if mate is not pel else "")
        elif r.label.startswith("gongshi"):
            vs = f"{100 * r.wall / full.wall:.0f}% of full build (cpu {100 * r.cpu / full.cpu:.0f}%)"
        print(f"   {r.label:<19}{r.rate:>10,.0f}{r.wall:>9.2f}{r.cpu:>8.2f}{r.maxrss_kb / 1024:>11.0f}"
              f"{r.peak_tree_pss_kb / 1024:>13.0f}{r.out_bytes / 1e6:>11.1f}{r.out_files:>8,}{r.code:>6}   {vs}",
              flush=True)
    for r in runs:
        if not r.stats or "#" in r.label:
            continue
        sec = r.stats.get("seconds", {})
        idx = r.stats.get("index") or {}
        cache = r.stats.get("cache") or {}
        hits = ", ".join(f"{k} {h:,}/{h + m:,}" for k, (h, m) in cache.items()) if cache else "off"
        print(f"   {r.label}: prepare {sec.get('prepare', 0):.2f} s, render+index {sec.get('render_and_index', 0):.2f} s, "
              f"publish {sec.get('publish', 0):.2f} s; workers {r.stats.get('workers')}; cache hits {hits}", flush=True)
        stages = r.stats.get("stages") or {}
        if stages:
            print("      stages (wall s): " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()), flush=True)
        if idx:
            print(f"      search index: {idx.get('docs', 0):,} pages, {idx.get('postings', 0):,} postings, "
                  f"{idx.get('files', 0):,} files, {idx.get('bytes', 0) / 1e6:.1f} MB, "
                  f"{idx.get('seconds', 0):.2f} s after the pages (reading pages {idx.get('seconds_read', 0):.2f} s"
                  + (f", {idx['docs_extracted']:,} left to extract" if 'docs_extracted' in idx else "")
                  + (", index files reused" if idx.get("reused") else "") + ")",
                  flush=True)
    last = full.stdout.strip().splitlines()[-1:] if full.stdout.strip() else []
    for line in last:
        print(f"   gongshi says: {line}", flush=True)


def pelican_mate(runs: list[Run], full: Run) -> Run | None:
    """The Pelican run paired with a cold gongshi build ("gongshi full #2" -> "pelican #2")."""
    label = full.label.replace("gongshi full", "pelican")
    return next((r for r in runs if r.label == label and r.rate), None)


def pair_ratios(runs: list[Run]) -> list[float]:
    """gongshi full / Pelican records/s of each side-by-side pair, in run order."""
    return [r.rate / mate.rate for r in runs if r.label.startswith("gongshi full")
            and (mate := pelican_mate(runs, r)) is not None]


def targets(all_runs: dict[int, list[Run]]) -> None:
    print("\n== targets (reported, not asserted)")
    for n, runs in sorted(all_runs.items()):
        by = {r.label: r for r in runs}
        full, pel = by.get("gongshi full"), by.get("pelican")
        if full and pel:
            ratios = pair_ratios(runs)
            ratio = statistics.median(ratios)
            each = (f"median of {len(ratios)} pairs: {', '.join(f'{x:.2f}x' for x in ratios)}; "
                    if len(ratios) > 1 else "")
            print(f"   N={n:,}: full build ≥ 2x stock Pelican's records/s: {ratio:.2f}x "
                  f"({each}first pair {full.rate:,.0f} vs {pel.rate:,.0f} records/s) "
                  f"-> {'met' if ratio >= 2 else 'NOT met'}")
        for label, what in (("gongshi nightly", "first"), ("gongshi nightly #2", "second")):
            night = by.get(label)
            if full and night:
                pct = 100 * night.wall / full.wall
                print(f"   N={n:,}: no-change nightly rebuild ({what} night) < 10% of a full build: {pct:.0f}% "
                      f"({night.wall:.2f} s vs {full.wall:.2f} s) -> {'met' if pct < 10 else 'NOT met'}")
        same = by.get("gongshi same day")
        if full and same:
            print(f"   N={n:,}: rebuild with nothing changed, same date (reported, no target): "
                  f"{100 * same.wall / full.wall:.0f}% ({same.wall:.2f} s"
                  + (", nothing to do" if same.stats.get("unchanged") else "") + ")")
        floor = full.stats.get("night_floor") if full else None
        if full and same and floor:
            # What any night pays before it renders one page: starting a build (the same-day run
            # does nothing else) and, once any document changed, rewriting the search index.
            least = same.wall + floor["index_wall"]
            hard = same.wall + floor["bucket_gzip_cpu"] / 2
            print(f"   N={n:,}: floor of a night (reported): start-up {same.wall:.2f} s (same day, nothing to do) "
                  f"+ search index rewrite {floor['index_wall']:.2f} s ({floor['docs']:,} documents, 2 processes, "
                  f"{floor['index_cpu']:.2f} s CPU) = {least:.2f} s = {100 * least / full.wall:.1f}% of the full build, "
                  f"before any page is rendered; with only the gzip of every bucket file left of the index "
                  f"({floor['bucket_files']:,} files, {floor['bucket_raw_bytes'] / 1e6:.1f} MB, "
                  f"{floor['bucket_gzip_cpu']:.2f} s CPU over 2 cores): {100 * hard / full.wall:.1f}%")
        if full and n >= 10_000:
            peak = max(r.peak_tree_pss_kb for r in runs if r.label.startswith("gongshi")) / 1024
            rss = max(r.maxrss_kb for r in runs if r.label.startswith("gongshi")) / 1024
            print(f"   N={n:,}: peak memory: largest process {rss:,.0f} MB, whole tree {peak:,.0f} MB PSS"
                  + (f" -> under 1 GiB {'met' if peak < 1024 else 'NOT met'}" if n == 10_000 else "")
                  + (f"; built: exit {full.code}" if n >= 100_000 else ""))


def redaction_bench(records: int) -> None:
    script = HERE / "bench_redaction.py"
    if not script.exists():
        return
    print(f"\n== redaction throughput (bench/bench_redaction.py --mb 1 --records {records})", flush=True)
    p = subprocess.run([sys.executable, str(script), "--mb", "1", "--records", str(records)],
                       capture_output=True, text=True, cwd=REPO)
    for line in (p.stdout + p.stderr).strip().splitlines():
        print("   " + line, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="record counts (default 1000 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pelican-max", type=int, default=10**9, help="skip the Pelican baseline above this N")
    ap.add_argument("--workers", type=int, default=0, help="GONGSHI_WORKERS for the builds (default: gongshi's)")
    ap.add_argument("--live", action="store_true", help="run the working tree, not a snapshot of it")
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs (printed)")
    ap.add_argument("--redaction-records", type=int, default=10_000)
    ap.add_argument("--pairs", type=int, default=3,
                    help="cold gongshi builds side by side with Pelican per N (default 3; the ratio is their median)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()

    try:
        import pelican  # noqa: F401
        version = __import__("importlib.metadata").metadata.version("pelican")
    except Exception:  # pragma: no cover
        version = "?"
    load = os.getloadavg()
    print(f"gongshi bench: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, Pelican {version}, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="gongshi-bench-"))
    if args.keep:
        print(f"temp dir: {work}")
    results: dict[int, list[Run]] = {}
    try:
        for n in args.n:
            results[n] = bench_n(n, work, args)
        targets(results)
        redaction_bench(args.redaction_records)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({n: [{k: v for k, v in r.__dict__.items() if k not in ("stderr", "stdout")}
                                             for r in runs] for n, runs in results.items()},
                                        ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
