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
    try:
        rows = _read_rows(args.file)
    except _InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for result in classify(rows):
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


class _InputError(Exception):
    """The input file cannot be read as JSON lines; the message names file and line."""


def _read_rows(name: str) -> list[dict]:
    """The JSON objects of the file, one a line, decoded line by line so errors name the line."""
    try:
        stream = sys.stdin.buffer if name == "-" else open(name, "rb")
    except OSError as exc:
        raise _InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    rows = []
    try:
        with stream:
            for n, raw in enumerate(stream, 1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise _InputError(f"{name}:{n}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                      "save the file as UTF-8") from None
                row = _row(name, n, line)
                if row is not None:
                    rows.append(row)
    except OSError as exc:
        raise _InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    return rows


def _row(name: str, n: int, line: str) -> dict | None:
    if not line.strip():
        return None
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _InputError(f"{name}:{n}: not JSON: {exc}") from None
    if not isinstance(row, dict) or "id" not in row:
        raise _InputError(f"{name}:{n}: expected an object with an 'id'")
    return row
