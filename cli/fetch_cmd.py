"""`run.py fetch`: fetch every source (or one), with a live progress line on a terminal,
and print a per-feed summary (new, on topic, unchanged or not modified, failed and why)."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from cli.output import shorten, table

if TYPE_CHECKING:
    from pipeline.fetch import FeedReport


def register(sub, common) -> None:
    p = sub.add_parser("fetch", parents=[common], help="fetch the configured sources once",
                       description="Fetch all enabled sources (or those named with --feed) and store new articles.")
    p.add_argument("--feed", action="append", metavar="NAME", help="only this source (repeatable)")
    p.set_defaults(handler=handle)


class FetchProgress:
    """One live line on stderr while sources finish: sources done / total, new articles,
    failures, the last source. Silent when stderr is not a terminal (cron, pipes, serve)."""

    def __init__(self, total: int, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.total, self.done, self.new, self.relevant, self.failed = total, 0, 0, 0, 0
        self._show("")

    def report(self, report: FeedReport) -> None:
        self.done += 1
        self.new += report.new
        self.relevant += report.relevant
        self.failed += report.outcome == "failed"
        self._show(report.name)

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def _show(self, last: str) -> None:
        if not self.enabled:
            return
        line = (f"[{self.done}/{self.total} sources] {self.new} new article{'s' if self.new != 1 else ''} "
                f"({self.relevant} on topic), {self.failed} failed")
        if last:
            line += f" - {shorten(last, 40)}"
        self.stream.write(f"\r\033[K{line}")
        self.stream.flush()


def _outcome(report: FeedReport) -> tuple[str, str, str]:
    """(outcome, items, detail) as shown in the summary."""
    if report.outcome == "failed":
        return "failed", "-", report.reason or ""
    if report.not_modified:
        return "unchanged", "-", "not modified since the last fetch (HTTP 304)"
    return report.outcome, str(report.found), report.warnings[0] if report.warnings else ""


def handle(args, config) -> int:
    # here, not at the top: `run.py fetch --help` needs none of the fetch machinery
    from pipeline.fetch import run_labelled_fetch, select_feeds
    from store import open_store
    try:
        feeds = select_feeds(config, args.feed)
    except KeyError as exc:
        print(f"error: {exc.args[0]}")
        return 2
    if not feeds:
        print(f"No enabled source in {config.path}: add a [[feeds]] entry.")
        return 1
    progress = FetchProgress(len(feeds))
    try:
        with open_store(config.data_dir) as store:
            reports = run_labelled_fetch(config, store, feeds, on_report=progress.report)
    finally:
        progress.close()
    rows = []
    for r in reports:
        outcome, items, detail = _outcome(r)
        rows.append((shorten(r.name, 40), outcome, r.new, r.relevant, items, shorten(detail, 90)))
    print(table(rows, ("source", "outcome", "new", "on topic", "items", "detail")))
    failed = sum(1 for r in reports if r.outcome == "failed")
    new = sum(r.new for r in reports)
    relevant = sum(r.relevant for r in reports)
    unchanged = sum(1 for r in reports if r.outcome == "unchanged")
    not_modified = sum(1 for r in reports if r.not_modified)
    print(f"\n{len(reports)} source{'s' if len(reports) != 1 else ''}: "
          f"{new} new article{'s' if new != 1 else ''}, {failed} failed. "
          f"{relevant} new on topic; {unchanged} source{'s' if unchanged != 1 else ''} unchanged"
          + (f" ({not_modified} not modified, HTTP 304)" if not_modified else "") + ".")
    return 1 if failed == len(reports) else 0
