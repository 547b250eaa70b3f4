"""What a night must spend on the search index alone, on a built site: the floor of a rebuild.

    .venv/bin/python bench/night_floor.py OUTPUT_DIR [--tmp DIR]

Prints one JSON object (bench/run.py reads it and prints the floor next to the nightly target):

  index_wall        wall seconds of search_index.write_index(processes=2) for the site's
                    indexed pages, their tokens already numbered (as a night's index child has
                    them from the build cache): the index rewrite a night pays whenever any
                    document changes, enters or leaves (documents are numbered densely, newest
                    first, so one record entering or leaving renumbers the documents after it)
  index_cpu         CPU seconds of that, this process and its forked helper
  bucket_gzip_cpu   CPU seconds of gzip (level 6, as written) of every bucket file's JSON text:
                    the part no implementation of this format can avoid once document numbers
                    shift, since then every bucket's text is different
  bucket_files, bucket_raw_bytes, docs

Reading the pages and numbering their tokens is not timed (a night has them from its cache).
The index is written into a new folder under --tmp (default: the system's); OUTPUT_DIR is only
read. The code measured is whichever `generator` package is first on sys.path (bench/run.py
sets PYTHONPATH to its snapshot of the code under test).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

# After PYTHONPATH: bench/run.py's snapshot of the code under test comes first when it is set.
sys.path.append(str(Path(__file__).resolve().parent.parent))


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path, help="a built site (output directory)")
    ap.add_argument("--tmp", type=Path, help="where to write the index")
    args = ap.parse_args()

    from generator import search_index as si

    out = args.out_dir.resolve()
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    docs = si.read_pages(out, files)
    vocab = si.Vocabulary()
    vocab.number(docs)
    tmp = Path(tempfile.mkdtemp(prefix="night-floor-", dir=args.tmp))
    try:
        os.sync()  # the pages just read are not the disk's work during the timing
        wall, cpu = time.perf_counter(), _cpu()
        stats = si.write_index(tmp, docs, processes=2, vocab=vocab)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        raws = [gzip.decompress(p.read_bytes()) for p in sorted((tmp / si.INDEX_DIR / "t").iterdir())]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    started = time.process_time()
    for raw in raws:
        si._gzip(raw)
    gzip_cpu = time.process_time() - started
    print(json.dumps({
        "docs": stats["docs"],
        "index_wall": round(wall, 3),
        "index_cpu": round(cpu, 3),
        "bucket_files": len(raws),
        "bucket_raw_bytes": sum(map(len, raws)),
        "bucket_gzip_cpu": round(gzip_cpu, 3),
    }))


if __name__ == "__main__":
    main()
