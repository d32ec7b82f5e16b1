"""`run.py articles`: list stored articles as a table or as JSON lines."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from cli.output import shorten, table
from store import open_store


def register(sub, common) -> None:
    p = sub.add_parser("articles", parents=[common], help="list stored articles",
                       description="List stored articles, newest first.")
    p.add_argument("--since", metavar="DATE", type=_date, help="only articles first seen on or after DATE (YYYY-MM-DD)")
    p.add_argument("--format", choices=("table", "jsonl"), default="table")
    p.set_defaults(handler=handle)


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None
    if not EARLIEST <= day <= LATEST:
        raise argparse.ArgumentTypeError(f"date out of range ({EARLIEST} to {LATEST}): {value!r}")
    return day


def handle(args, config) -> int:
    with open_store(config.data_dir) as store:
        articles = sorted(store.articles.iter(since=args.since),
                          key=lambda a: (a.published or a.fetched_at, a.id), reverse=True)
    if args.format == "jsonl":
        out = sys.stdout
        for a in articles:
            out.write(json.dumps({
                "id": a.id, "url": a.url, "title": a.title, "feed": a.feed, "published": a.published,
                "fetched_at": a.fetched_at, "source": a.source, "summary": a.summary,
                "relevant": a.relevant, "themes": a.themes, "regions": a.regions,
                "event_date": a.event_date, "story": a.story}, ensure_ascii=False) + "\n")
        return 0
    rows = [(a.id, (a.published or a.fetched_at)[:10], shorten(a.feed, 24), shorten(a.title, 80))
            for a in articles]
    print(table(rows, ("id", "date", "feed", "title")))
    print(f"\n{len(articles)} articles.")
    return 0
