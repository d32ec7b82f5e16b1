"""`run.py classify FILE.jsonl`: label articles given as JSON lines, print JSON lines."""
from __future__ import annotations

import json
import sys

from triage.classify import classify


def register(sub, common) -> None:
    p = sub.add_parser("classify", parents=[common], help="label articles from a JSONL file (offline)",
                       description="Read one JSON object per line (id, url, source, title, text, published) "
                                   "and print one JSON line per input with relevant, themes, regions, "
                                   "event_date and story. Needs no network and no data dir.")
    p.add_argument("file", metavar="FILE.jsonl", help="input file ('-' for standard input)")
    p.set_defaults(handler=handle, needs_config=False)


def handle(args, config) -> int:
    stream = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")
    rows = []
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"error: {args.file}:{n}: not JSON: {exc}", file=sys.stderr)
                return 2
            if not isinstance(row, dict) or "id" not in row:
                print(f"error: {args.file}:{n}: expected an object with an 'id'", file=sys.stderr)
                return 2
            rows.append(row)
    for result in classify(rows):
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0
