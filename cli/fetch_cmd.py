"""`run.py fetch`: fetch every source (or one) and print a per-feed summary."""
from __future__ import annotations

from cli.output import Progress, shorten, table
from pipeline.fetch import run_fetch, select_feeds
from pipeline.label import label_new_articles
from store import open_store


def register(sub, common) -> None:
    p = sub.add_parser("fetch", parents=[common], help="fetch the configured sources once",
                       description="Fetch all enabled sources (or those named with --feed) and store new articles.")
    p.add_argument("--feed", action="append", metavar="NAME", help="only this source (repeatable)")
    p.set_defaults(handler=handle)


def handle(args, config) -> int:
    try:
        feeds = select_feeds(config, args.feed)
    except KeyError as exc:
        print(f"error: {exc.args[0]}")
        return 2
    if not feeds:
        print(f"No enabled source in {config.path}: add a [[feeds]] entry.")
        return 1
    progress = Progress(len(feeds))
    with open_store(config.data_dir) as store:
        reports = run_fetch(config, store, feeds, label=label_new_articles,
                            on_done=lambda r: progress.step(f"{r.feed.name}: {'failed' if r.failed else 'ok'}"))
    rows = []
    for r in reports:
        detail = r.reason or (r.warnings[0] if r.warnings else "")
        rows.append((shorten(r.name, 40), r.outcome, r.new, r.found, shorten(detail, 90)))
    print(table(rows, ("source", "outcome", "new", "items", "detail")))
    failed = sum(1 for r in reports if r.outcome == "failed")
    new = sum(r.new for r in reports)
    print(f"\n{len(reports)} source{'s' if len(reports) != 1 else ''}: "
          f"{new} new article{'s' if new != 1 else ''}, {failed} failed.")
    return 1 if failed == len(reports) else 0
