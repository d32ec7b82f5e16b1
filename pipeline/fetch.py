"""One fetch cycle: collect sources, label the new articles, store them in one batch."""
from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Callable

import httpx

from config.schema import Config, FeedConfig
from domain.article import Article
from scrapers.collect import SourceResult, collect_all
from store import Store


@dataclass
class FeedReport:
    name: str
    outcome: str              # "new", "unchanged" or "failed"
    new: int
    found: int
    reason: str | None = None
    warnings: tuple[str, ...] = ()


def select_feeds(config: Config, names: list[str] | None) -> list[FeedConfig]:
    if not names:
        return [f for f in config.feeds if f.enabled]
    chosen = []
    for name in names:
        try:
            chosen.append(config.feed(name))
        except KeyError:
            known = ", ".join(f.name for f in config.feeds)
            raise KeyError(f"no feed named {name!r} in {config.path} (feeds: {known})") from None
    return chosen


def run_fetch(config: Config, store: Store, feeds: list[FeedConfig],
              label: Callable[[list[Article], Store], None] | None = None,
              on_done: Callable[[SourceResult], None] | None = None,
              now: dt.datetime | None = None,
              transport: httpx.AsyncBaseTransport | None = None) -> list[FeedReport]:
    """Fetch `feeds`, label what is new, then store it and each feed's state in one short
    locked write. `store` should belong to this job alone (see pipeline.jobs.fetch_job):
    reads happen without the lock."""
    now = now or dt.datetime.now(dt.timezone.utc)
    states = {f.name: store.feeds.get(f.name) for f in feeds}
    horizon = (now - dt.timedelta(days=config.store.retention_days)).isoformat()
    results = asyncio.run(collect_all(feeds, states, config.fetch, store.articles.__contains__,
                                      now=now, on_done=on_done, transport=transport))
    fresh = [a for r in results for a in r.articles if not a.published or a.published >= horizon]
    unseen = list({a.id: a for a in fresh if a.id not in store.articles}.values())
    if label is not None and unseen:
        label(unseen, store)   # reads the store only: the writer lock is not held meanwhile
    with store.writing():      # short: refresh, store what is still new, feed states
        added = {a.id for a in store.articles.add(unseen)}
        for result in results:
            store.feeds.put(result.state)
    return [_report(r, added) for r in results]


def _report(result: SourceResult, added: set[str]) -> FeedReport:
    new = sum(1 for a in result.articles if a.id in added)
    if result.failed:
        outcome = "failed"
    else:
        outcome = "new" if new else "unchanged"
    return FeedReport(name=result.feed.name, outcome=outcome, new=new, found=result.items_found,
                      reason=result.error, warnings=tuple(result.warnings))
