"""Speed of the citizen search index build (generator/search_index.py) on a built site.

    .venv/bin/python bench/bench_index_speed.py OUTPUT_DIR [--repeat N] [--impl FILE]

Times read_pages (pages -> documents) and write_index (documents -> search/idx/, each run into
a new directory under --tmp, default the system's temporary directory; OUTPUT_DIR is only read),
best of N runs, wall and CPU seconds; write_index also on documents without tokens (as pickled by
older builds) and with processes=2 (a forked helper writes every other file). --impl times another
version of the module instead, e.g. the committed one:

    git show HEAD:generator/search_index.py > /tmp/search_index_head.py
    .venv/bin/python bench/bench_index_speed.py /tmp/b10k/output --impl /tmp/search_index_head.py
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def load(impl: Path | None) -> ModuleType:
    if impl is None:
        from generator import search_index

        return search_index
    import generator  # the module's relative imports (.schema) resolve in the package

    spec = importlib.util.spec_from_file_location(f"{generator.__name__}._bench_impl", impl)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def best(fn: Callable[[int], Any], repeat: int) -> tuple[float, float, Any]:
    """(best wall seconds, best CPU seconds, last result) of fn(0), fn(1) ... fn(repeat - 1)."""
    walls, cpus, result = [], [], None
    for run in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn(run)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path, help="a built site (output directory)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--impl", type=Path, help="another search_index.py to time")
    ap.add_argument("--tmp", type=Path, help="where to write the index (e.g. /dev/shm: no disk)")
    args = ap.parse_args()
    si = load(args.impl)
    out = args.out_dir.resolve()
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))

    read = best(lambda run: si.read_pages(out, files), args.repeat)
    docs = read[2]
    bare = [si.PageDoc(url=d.url, title=d.title, text=d.text, filters=d.filters, meta=d.meta) for d in docs]
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-", dir=args.tmp))
    try:
        write = best(lambda run: si.write_index(tmp / f"a{run}", docs), args.repeat)
        write_bare = best(lambda run: si.write_index(tmp / f"b{run}", bare), args.repeat)
        two = None
        if "processes" in inspect.signature(si.write_index).parameters:
            two = best(lambda run: si.write_index(tmp / f"c{run}", docs, processes=2), args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    stats = write[2]
    print(f"{args.impl or 'generator/search_index.py'}: {len(files)} pages, {len(docs)} indexed, "
          f"{stats['tokens']} tokens, {stats['postings']} postings, {stats['files']} files")
    print(f"read_pages   {read[0]:6.2f} s  (CPU {read[1]:.2f} s)")
    print(f"write_index  {write[0]:6.2f} s  (CPU {write[1]:.2f} s)")
    print(f"write_index  {write_bare[0]:6.2f} s  (CPU {write_bare[1]:.2f} s) documents without tokens")
    if two is not None:
        print(f"write_index  {two[0]:6.2f} s  (CPU {two[1]:.2f} s in this process) processes=2")


if __name__ == "__main__":
    main()
