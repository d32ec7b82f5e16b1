"""One fetch cycle: collect sources; as each one finishes, label and store what it brought.

A source's new articles are labelled as soon as it finishes and written with its feed
state in one short locked write (sources finishing meanwhile are committed together in
the next write), so a slow source delays nobody and a process killed mid-cycle keeps
every source already committed. Writes are paced: one waits at least as long as the
previous one took (its sources are held meanwhile, labelled), since each rewrites the
day's segment whole; the last sources are written when the cycle ends.

robots.txt answers are kept across cycles in the data dir (`robots.json`, see
scrapers/robots.py): loaded when the cycle starts, written back (atomically) when it ends.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass
from typing import Callable

from config.schema import Config, FeedConfig
from domain.article import Article
from scrapers.collect import SourceResult, collect_all
from scrapers.robots import RobotsCache
from store import Store, open_store
from store.robots import read_robots_file, write_robots_file


@dataclass
class FeedReport:
    name: str
    outcome: str              # "new", "unchanged" or "failed"
    new: int
    found: int
    reason: str | None = None
    warnings: tuple[str, ...] = ()
    relevant: int = 0         # new articles triage found on topic
    not_modified: bool = False  # the server answered 304: nothing new, nothing parsed
    attempts: int = 1         # requests of the source this cycle (deferred retries included)


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
              on_report: Callable[[FeedReport], None] | None = None,
              prepare: Callable[[list[Article]], None] | None = None) -> list[FeedReport]:
    """Fetch `feeds`; as sources finish, label what is new and store it with the feeds'
    states in one short locked write. `store` should belong to this job alone (see
    pipeline.jobs.fetch_job): while the cycle runs it is used by one worker thread only
    (labelling reads it without the lock); `on_done` (with the source's result) and
    `on_report` (with its report: new, on topic, ...; for progress displays) are called
    once a source is stored. `prepare` (never blocking) is handed a source's new articles
    as soon as it is downloaded, before its turn to be labelled and stored: a labeller
    may start on them meanwhile (`pipeline.label.CycleLabeller.prepare`)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    states = {f.name: store.feeds.get(f.name) for f in feeds}
    horizon = (now - dt.timedelta(days=config.store.retention_days)).isoformat()
    known = open_store(store.data_dir).articles   # a copy of our own for the event loop's lookups
    added: set[str] = set()
    reports: dict[str, FeedReport] = {}

    held: list[SourceResult] = []       # labelled, waiting for the next write
    held_articles: list[Article] = []
    pace = {"last_end": 0.0, "last_took": 0.0}

    def is_fresh(article: Article) -> bool:
        return not article.published or article.published >= horizon

    def commit(batch: list[SourceResult], final: bool = False) -> list[SourceResult]:
        """Label `batch`; write it with the sources held so far unless the last write
        ended less than its own duration ago (then hold it: writes rewrite today's
        segment whole, so many small ones cost more than they store). Returns the
        sources written now."""
        fresh = [a for r in batch for a in r.articles if is_fresh(a)]
        held_ids = {a.id for a in held_articles}
        unseen = list({a.id: a for a in fresh if a.id not in store.articles and a.id not in held_ids}.values())
        if label is not None and unseen:
            label(unseen, store)   # reads the store only: the writer lock is not held meanwhile
        held.extend(batch)
        held_articles.extend(unseen)
        if not held or (not final and time.monotonic() - pace["last_end"] < pace["last_took"]):
            return []
        written, articles = held[:], held_articles[:]
        held.clear()
        held_articles.clear()
        start = time.monotonic()
        with store.writing():      # short: refresh, store what is still new, feed states
            added.update(a.id for a in store.articles.add(articles))
            for result in written:
                store.feeds.put(result.state)
        pace["last_end"] = time.monotonic()
        pace["last_took"] = pace["last_end"] - start
        return written

    async def cycle() -> list[SourceResult]:
        pending: list[SourceResult] = []
        turn = asyncio.Lock()

        def stored(batch: list[SourceResult]) -> None:
            for done in batch:
                reports[done.feed.name] = _report(done, added)
                if on_done is not None:
                    on_done(done)
                if on_report is not None:
                    on_report(reports[done.feed.name])
                done.articles = []   # stored: the cycle needs them no more (memory)

        async def finished(result: SourceResult) -> None:
            if prepare is not None and label is not None:
                prepare([a for a in result.articles if is_fresh(a) and a.id not in known])
            pending.append(result)
            async with turn:         # one commit at a time; whoever waited takes all that finished
                if not pending:
                    return
                batch = pending[:]
                pending.clear()
                stored(await asyncio.to_thread(commit, batch))
                if held and not flushes:   # held sources are written soon even if no other one finishes
                    flushes.add(asyncio.create_task(flush_after(pace["last_took"])))

        async def flush_after(delay: float) -> None:
            await asyncio.sleep(delay)
            async with turn:
                flushes.clear()
                stored(await asyncio.to_thread(commit, []))

        flushes: set[asyncio.Task] = set()
        results = await collect_all(feeds, states, config.fetch, known.__contains__, now=now, on_done=finished,
                                    robots=robots)
        async with turn:             # what is still held
            for task in flushes:
                task.cancel()
            stored(await asyncio.to_thread(commit, [], True))
        return results

    robots = RobotsCache.from_dict(read_robots_file(store.data_dir))
    results = asyncio.run(cycle())
    if robots.changed:   # another process may have written the file meanwhile: keep its entries too
        merged = robots.merged_with(RobotsCache.from_dict(read_robots_file(store.data_dir)))
        write_robots_file(store.data_dir, merged.to_dict())
    return [reports[r.feed.name] for r in results]


def run_labelled_fetch(config: Config, store: Store, feeds: list[FeedConfig],
                       on_report: Callable[[FeedReport], None] | None = None) -> list[FeedReport]:
    """`run_fetch` as `run.py fetch` and the scheduled job run it: new articles labelled
    and filed under stories by one `CycleLabeller` for the cycle, its label workers
    (`[fetch] label_workers`) fed each source as soon as it is downloaded."""
    from pipeline.label import CycleLabeller   # here: triage loads its models
    with CycleLabeller(workers=config.fetch.label_workers, sources=len(feeds)) as label:
        return run_fetch(config, store, feeds, label=label, on_report=on_report, prepare=label.prepare)


def _report(result: SourceResult, added: set[str]) -> FeedReport:
    new = sum(1 for a in result.articles if a.id in added)
    if result.failed:
        outcome = "failed"
    else:
        outcome = "new" if new else "unchanged"
    relevant = sum(1 for a in result.articles if a.id in added and a.relevant)
    return FeedReport(name=result.feed.name, outcome=outcome, new=new, found=result.items_found,
                      reason=result.error, warnings=tuple(result.warnings), relevant=relevant,
                      not_modified=result.not_modified and not result.failed, attempts=result.attempts)
