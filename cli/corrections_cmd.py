"""`run.py corrections`: moderators' corrections, exported to tune the triage vocabulary.

An action a moderator undid with /annuler is kept, marked `undone` (jsonl: its time)."""
from __future__ import annotations

import json
import sys

from cli.output import shorten, table
from pipeline.moderation import corrections
from store import open_store


def register(sub, common) -> None:
    p = sub.add_parser("corrections", parents=[common], help="export moderators' corrections",
                       description="Every moderator action (theme, regions, hide, merge, split...) with the "
                                   "articles it concerns, to review triage and extend triage/vocabulary.toml.")
    p.add_argument("--format", choices=("table", "jsonl"), default="table")
    p.set_defaults(handler=handle)


def handle(args, config) -> int:
    with open_store(config.data_dir) as store:
        rows = corrections(store)
    if args.format == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return 0
    print(table([(r["when"], r["who"], r["action"] + (" (undone)" if r.get("undone") else ""), r["target"], shorten(json.dumps(r["detail"].get("after", r["detail"]),
                                                                                    ensure_ascii=False), 50),
                  shorten(r["articles"][0]["title"] if r["articles"] else "", 50)) for r in rows],
                ("when", "who", "action", "story", "change", "first article")))
    print(f"\n{len(rows)} corrections.")
    return 0
