"""lemon24/reader's side of `bench/ingest.py --vs-reader`: run by the Python that has
reader installed (a throw-away venv; reader is no dependency of Vigie), with nothing of
Vigie imported.

    /tmp/readervenv/bin/python bench/reader_run.py URLS.json WORKERS

Adds every feed URL listed in URLS.json to a new reader database in a temporary folder,
runs `update_feeds(workers=WORKERS)` once and prints one JSON line: seconds of the update,
entries stored, feeds that failed, peak memory (ru_maxrss, KiB).
"""
from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time


def main() -> int:
    from reader import make_reader   # here: a clear message below if it is missing

    urls = json.loads(open(sys.argv[1], encoding="utf-8").read())
    workers = int(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as folder:
        reader = make_reader(os.path.join(folder, "db.sqlite"))
        for url in urls:
            reader.add_feed(url)
        start = time.perf_counter()
        reader.update_feeds(workers=workers)
        update = time.perf_counter() - start
        entries = sum(1 for _ in reader.get_entries())
        failed = sum(1 for feed in reader.get_feeds() if feed.last_exception)
        reader.close()
    print(json.dumps({"update": update, "entries": entries, "failed": failed,
                      "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ImportError as exc:
        print(json.dumps({"error": f"reader is not importable here: {exc}"}))
        sys.exit(2)
