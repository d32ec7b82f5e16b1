"""`run.py feeds check`: validate the config and try each source once, storing nothing."""
from __future__ import annotations

import asyncio
import dataclasses

from cli.output import shorten
from pipeline.fetch import select_feeds
from scrapers.collect import collect_all


def register(sub, common) -> None:
    p = sub.add_parser("feeds", parents=[common], help="inspect the configured sources")
    feeds_sub = p.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    check = feeds_sub.add_parser("check", parents=[common], help="validate config.toml and try each source once",
                                 description="Validate the configuration, then fetch each source once "
                                             "(nothing is stored) and show what was found.")
    check.add_argument("--feed", action="append", metavar="NAME", help="only this source (repeatable)")
    check.set_defaults(handler=handle_check)


def handle_check(args, config) -> int:
    print(f"{config.path}: valid, {len(config.feeds)} source{'s' if len(config.feeds) != 1 else ''}.")
    try:
        feeds = select_feeds(config, args.feed) if args.feed else list(config.feeds)
    except KeyError as exc:
        print(f"error: {exc.args[0]}")
        return 2
    settings = dataclasses.replace(config.fetch, max_pages_per_source=1, retries=0)
    results = asyncio.run(collect_all(feeds, {}, settings, lambda _id: False))
    failures = 0
    for r in results:
        feed = r.feed
        print(f"\n== {feed.name} ({feed.kind}, {feed.region or 'no default region'})")
        print(f"   url: {feed.url}")
        print(f"   HTTP status: {r.http_status if r.http_status is not None else '-'}")
        if r.selector_matches is not None:
            print(f"   items selector {feed.selectors.items!r}: {r.selector_matches} matches")
        if r.failed:
            failures += 1
            print(f"   FAILED: {r.error}")
            continue
        print(f"   items found: {r.items_found}")
        for article in r.articles[:3]:
            when = (article.published or "no date")[:10]
            print(f"   - {when}  {shorten(article.title, 90)}")
        if feed.kind == "html" and r.articles:
            first = r.articles[0]
            print(f"   first article page: title {shorten(first.title, 60)!r}, "
                  f"date {first.published or 'not found'}, {len(first.text):,} characters of text")
        for warning in r.warnings:
            print(f"   warning: {shorten(warning, 150)}")
    print(f"\n{len(results) - failures} of {len(results)} source{'s' if len(results) != 1 else ''} OK.")
    return 1 if failures else 0
