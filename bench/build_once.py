"""One full build of a guide in a fresh process; prints what it measured as JSON.

    python bench/build_once.py CONTENT INDEX

Run by bench/corpus_builds.py with the code being measured (PYTHONPATH pointing at an
older checkout's code measures that code the same way).
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from pathlib import Path

from indexer.build import build_index


def main() -> int:
    content, index = Path(sys.argv[1]), Path(sys.argv[2])
    shutil.rmtree(index, ignore_errors=True)
    cpu = time.process_time()
    started = time.perf_counter()
    report = build_index(content, index, lock_timeout=60)
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    slowest = [[t.seconds, t.path, t.size] for t in getattr(report, "slowest", [])[:5]]
    shutil.rmtree(index, ignore_errors=True)
    print(json.dumps({
        "seconds": seconds,
        "pages": report.pages,
        "pages_per_s": report.pages / seconds if seconds else None,
        # This process and its (finished) workers: the build's work, whatever else runs.
        "cpu_seconds": time.process_time() - cpu + children.ru_utime + children.ru_stime,
        "seconds_parsing": report.seconds_parsing,
        "seconds_indexing": report.seconds_indexing,
        "workers": report.workers,
        "errors": len(report.errors),
        "slowest": slowest,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
