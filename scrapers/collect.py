"""Collect one source (or all of them concurrently) into candidate articles.

A source's failure is caught here and returned as data (`SourceResult.error`), so one
broken source never stops the others. Known articles are skipped before their pages are
fetched, so an HTML article page is fetched once in its life. Each source has a deadline
(`[fetch] source_timeout`, and the cycle's `cycle_timeout`); `on_done` is called (and
awaited) as each source finishes, so its articles can be stored without waiting for the
slowest source. Article links that point at internal addresses are refused and dropped.

Retries of a failing source never hold the cycle open (`collect_all`): a source whose
request failed in a way worth retrying (timeout, 5xx, broken connection, Retry-After) is
retried once its backoff (or the server's Retry-After) has elapsed, while the other
sources are being fetched. Once they are all done, the cycle waits at most
`[fetch] retry_window` seconds (0 by default) for the retries still due: a retry due
later is left to the next cycle, and the source's report says which happened.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import inspect
from dataclasses import dataclass, field
from typing import Awaitable, Callable

import httpx

from config.schema import FeedConfig, FetchSettings
from domain.article import Article
from scrapers.addresses import Origin
from scrapers.feed_parser import ParseError, parse_feed
from scrapers.fetcher import Fetcher, FetchError
from scrapers.parse_pool import ParsePool
from scrapers.robots import RobotsCache
from scrapers.sanitize import SUMMARY_MAX, TEXT_MAX, clean_title, clip, strip_invisible
from scrapers.urls import article_id, canonical_url, host_of
from domain.feed_state import FeedState

POOL_MIN_FEEDS = 8   # fewer feeds in a cycle are parsed in the event loop: no process started for them
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


@dataclass
class SourceResult:
    feed: FeedConfig
    state: FeedState                       # the feed's state after this attempt
    articles: list[Article] = field(default_factory=list)   # not known before
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    not_modified: bool = False
    http_status: int | None = None
    items_found: int = 0                   # entries in the feed / items on the listing
    selector_matches: int | None = None    # HTML sources: elements matched by `items`
    listing_read: bool = False             # HTML sources: the listing was parsed (partial results count)
    retryable: bool = False                # failed in a way worth another attempt (timeout, 5xx, ...)
    retry_after: float | None = None       # seconds the server asked to wait before that attempt
    attempts: int = 1                      # requests of the source made in this cycle (retries included)

    @property
    def failed(self) -> bool:
        return self.error is not None


def trusted_origins(feeds: list[FeedConfig], settings: FetchSettings) -> frozenset[Origin]:
    """Origins (host, port) of the configured feed URLs that staff allowed on internal
    addresses: every feed with `[fetch] allow_private_addresses`, else those with
    `allow_private = true`. Only these exact origins; links to any other internal
    host or port stay refused."""
    origins = set()
    for feed in feeds:
        if settings.allow_private_addresses or feed.allow_private:
            url = httpx.URL(feed.url)
            origins.add(Origin.of(url.raw_host.decode("ascii"), url.port or (443 if url.scheme == "https" else 80)))
    return frozenset(origins)


async def collect_all(feeds: list[FeedConfig], states: dict[str, FeedState], settings: FetchSettings,
                      is_known: Callable[[str], bool], now: dt.datetime | None = None,
                      on_done: Callable[[SourceResult], Awaitable[None] | None] | None = None,
                      robots: RobotsCache | None = None) -> list[SourceResult]:
    """Collect every source concurrently; `on_done` is called with each source's final
    result (after its deferred retries, if any). `robots`: robots.txt answers known from
    earlier cycles, filled with this cycle's."""
    now = now or dt.datetime.now(dt.timezone.utc)
    loop = asyncio.get_running_loop()
    cycle_end = loop.time() + settings.cycle_timeout
    results: dict[str, SourceResult] = {}

    feed_count = sum(1 for f in feeds if f.kind != "html")
    workers = min(settings.parse_workers, feed_count) if feed_count >= POOL_MIN_FEEDS else 0
    async with Fetcher(settings, trusted=trusted_origins(feeds, settings), robots=robots) as fetcher, \
            ParsePool(workers) as pool:
        parser = pool if workers else None   # a few feeds: parsed here, not worth starting a process
        async def attempt(feed: FeedConfig) -> SourceResult:
            deadline = min(loop.time() + settings.source_timeout, cycle_end)
            return await collect_source(fetcher, feed, states.get(feed.name) or FeedState(feed.name),
                                        settings, is_known, now, deadline=deadline, retry=False, parser=parser)

        async def finish(result: SourceResult) -> None:
            results[result.feed.name] = result
            if on_done:
                outcome = on_done(result)
                if inspect.isawaitable(outcome):
                    await outcome

        # A failing source is retried once its backoff has elapsed, while the other sources
        # are still being fetched; once they are all done, the cycle waits `retry_window`
        # seconds at most for the retries still due (`first_pass` tells when that is).
        first_pass = _FirstPass(len(feeds), settings.retry_window, cycle_end)

        async def fetch_source(feed: FeedConfig) -> None:
            try:
                result = await attempt(feed)
            finally:
                done_at = loop.time()
                first_pass.one_done(done_at)
            if result.retryable and _allowed_retries(result, settings) > 0:
                result = await retry(result, done_at)
            await finish(result)

        async def retry(result: SourceResult, failed_at: float) -> SourceResult:
            failures = [result.error or ""]
            while True:
                allowed = _allowed_retries(result, settings)
                wait = result.retry_after if result.retry_after is not None \
                    else settings.backoff * 2 ** (len(failures) - 1)
                if not result.retryable or len(failures) > allowed \
                        or not await first_pass.wait_until(failed_at + wait):
                    break
                attempts = result.attempts + 1
                result = await attempt(result.feed)
                result.attempts = attempts
                failed_at = loop.time()
                if not result.failed:
                    result.warnings.insert(0, f"failed first ({failures[0]}), then succeeded when retried "
                                              f"(attempt {attempts})")
                    return result
                failures.append(result.error or "")
            _note_retries(result, failures, settings, left_for_next=result.retryable
                          and len(failures) <= _allowed_retries(result, settings))
            return result

        # sources that failed last time start first: should they fail again, their retry's
        # backoff runs while the others are fetched
        await asyncio.gather(*(fetch_source(f) for f in sorted(feeds, key=lambda f: not _failed_before(states, f))))
    return [results[f.name] for f in feeds]


class _FirstPass:
    """When every source's first attempt is over, and whether a retry due at a given
    time still belongs to this cycle: while first attempts are under way, any retry
    does (its wait runs beside them); after, only one due within `retry_window`."""

    def __init__(self, sources: int, window: float, cycle_end: float):
        self.pending = sources
        self.window = window
        self.cycle_end = cycle_end
        self.window_end: float | None = None
        self.over = asyncio.Event()
        if not sources:
            self.over.set()

    def one_done(self, now: float) -> None:
        self.pending -= 1
        if self.pending == 0:
            self.window_end = min(now + self.window, self.cycle_end)
            self.over.set()

    async def wait_until(self, due: float) -> bool:
        """Sleep until `due` (event-loop time) and say True, or say False at once when
        the retry is left to the next cycle."""
        loop = asyncio.get_running_loop()
        if not self.over.is_set():
            try:
                await asyncio.wait_for(self.over.wait(), timeout=max(0.0, due - loop.time()))
            except asyncio.TimeoutError:
                return due <= self.cycle_end
        if due > self.window_end:
            return False
        await asyncio.sleep(max(0.0, due - loop.time()))
        return True


def _failed_before(states: dict[str, FeedState], feed: FeedConfig) -> bool:
    state = states.get(feed.name)
    return state is not None and state.consecutive_failures > 0


def _allowed_retries(result: SourceResult, settings: FetchSettings) -> int:
    """Retries a failing source gets in one cycle: `retries`, and at least one when the
    server named its own delay (Retry-After), as a request inside `Fetcher.get` does."""
    return max(1, settings.retries) if result.retry_after is not None else settings.retries


def _note_retries(result: SourceResult, failures: list[str], settings: FetchSettings,
                  left_for_next: bool) -> None:
    """Say in the source's error what retries were made and what is left for later."""
    tries = len(failures)
    said = f"tried {tries} times, each retry after its backoff" if tries > 1 else "tried once"
    if left_for_next:
        wait = (f"the server asks to wait {result.retry_after:.0f} s" if result.retry_after is not None
                else "its backoff")
        said += (f"; the next retry is left to the next cycle ({wait} would hold this one open "
                 f"beyond retry_window = {settings.retry_window:g} s)")
    result.error = f"{result.error} ({said})"


async def collect_source(fetcher: Fetcher, feed: FeedConfig, state: FeedState, settings: FetchSettings,
                         is_known: Callable[[str], bool], now: dt.datetime,
                         deadline: float | None = None, retry: bool = True,
                         parser: ParsePool | None = None) -> SourceResult:
    """Collect one source; never raises. `deadline` (event-loop time) stops it: an HTML
    source keeps the article pages read by then, anything else fails with the reason.
    `retry=False`: the source's own request (feed or listing) is not retried here; a
    failure worth retrying is marked `retryable` for the caller to retry later. `parser`:
    where feeds are parsed (default: here, in the event loop)."""
    before = state
    state = dataclasses.replace(state, last_checked=now.isoformat())
    result = SourceResult(feed=feed, state=state)
    try:
        async with asyncio.timeout_at(deadline):
            try:
                if feed.kind == "html":
                    await _collect_html(fetcher, feed, settings, is_known, now, result, retry)
                else:
                    await _collect_feed(fetcher, feed, settings, is_known, now, result, retry, parser)
            except FetchError as exc:
                result.error = str(exc)
                result.http_status = exc.status or result.http_status
                result.retryable, result.retry_after = exc.retryable and not retry, exc.retry_after
                if exc.refused:
                    result.error += (" (a source on an internal host needs allow_private = true in its "
                                     "[[feeds]] entry, which trusts that host and port only)")
            except ParseError as exc:
                result.error = str(exc)
                result.http_status = getattr(exc, "status", None) or result.http_status
                if getattr(exc, "refused", False):
                    result.error += (" (a source on an internal host needs allow_private = true in its "
                                     "[[feeds]] entry, which trusts that host and port only)")
            except Exception as exc:  # a bug or a library surprise stays inside this source
                result.error = f"unexpected error: {type(exc).__name__}: {exc}"
    except TimeoutError:
        _stopped_at_deadline(result, before, settings)
    if result.error:
        state.last_error = result.error
        state.consecutive_failures += 1
        state.last_status = result.http_status
        result.articles = []
    else:
        state.last_error = None
        state.consecutive_failures = 0
        state.last_success = now.isoformat()
        state.last_status = result.http_status
        if not result.not_modified:
            state.items_seen = result.items_found
    return result


async def _collect_feed(fetcher, feed, settings, is_known, now, result: SourceResult, retry: bool,
                        parser: ParsePool | None) -> None:
    response = await fetcher.get(feed.url, etag=result.state.etag,
                                 last_modified=result.state.last_modified, accept=FEED_ACCEPT, retry=retry)
    _note_response(response, result)
    if response.not_modified:
        return
    if parser is not None:
        parsed = await parser.parse(response.body, response.content_type, response.url,
                                    settings.max_entries_per_feed)
    else:
        parsed = parse_feed(response.body, response.content_type, response.url, settings.max_entries_per_feed)
    if parsed.warning:
        result.warnings.append(parsed.warning)
    result.warnings.extend(parsed.skipped[:5])
    result.items_found = len(parsed.entries)
    if parsed.skipped and not parsed.entries:
        result.warnings.insert(0, f"none of the feed's {len(parsed.skipped)} entries is usable "
                                  "(no title and no link): check the feed")
    fallback_link = parsed.site_link or response.url
    seen: set[str] = set()
    for entry in parsed.entries:
        if entry.link:
            url = canonical_url(entry.link)
            key = url
        else:  # no usable link: identify by the feed's guid or the title, link to the site
            url = canonical_url(fallback_link)
            key = f"{feed.name}\n{entry.guid or entry.title}"
        aid = article_id(key)
        if is_known(aid) or aid in seen:
            continue
        seen.add(aid)
        result.articles.append(_bounded(Article(
            id=aid, url=url, feed=feed.name, title=entry.title, summary=entry.summary,
            text=entry.text, published=entry.published, fetched_at=now.isoformat(),
            source=host_of(url), guid=entry.guid, region_hint=feed.region)))


async def _collect_html(fetcher, feed, settings, is_known, now, result: SourceResult, retry: bool) -> None:
    # here, not at the top: bs4 and trafilatura cost a cycle without HTML sources nothing
    from scrapers.article_page import extract_article
    from scrapers.html_listing import parse_listing
    response = await fetcher.get(feed.url, etag=result.state.etag, last_modified=result.state.last_modified,
                                 accept="text/html,application/xhtml+xml", retry=retry)
    _note_response(response, result)
    if response.not_modified:
        return
    assert feed.selectors is not None
    listing = parse_listing(response.body, response.url, feed.selectors)
    result.selector_matches = listing.matched
    result.items_found = len(listing.items)
    result.warnings.extend(listing.problems[:5])
    if listing.matched == 0:
        raise ParseError(f"no item matched the selector items = {feed.selectors.items!r} "
                         f"(page of {len(response.body):,} bytes): the page layout may have changed")
    result.listing_read = True
    fetched_pages = 0
    for item in listing.items:
        url = canonical_url(item.url)
        aid = article_id(url)
        if is_known(aid):
            continue
        article = Article(id=aid, url=url, feed=feed.name, title=item.title, summary=item.teaser,
                          published=item.published, fetched_at=now.isoformat(), source=host_of(url),
                          region_hint=feed.region)
        if fetched_pages < settings.max_pages_per_source:
            fetched_pages += 1
            try:
                page = await fetcher.get(item.url, accept="text/html,application/xhtml+xml")
                content = extract_article(page.body, page.url)
                article.text = content.text
                article.title = content.title or article.title
                article.published = article.published or content.published
                if not article.summary:
                    article.summary = clip(content.text, 400)
            except FetchError as exc:
                if exc.refused:  # an internal address: neither fetched nor kept
                    result.warnings.append(f"article link {url}: {exc}; article left out")
                    continue
                result.warnings.append(f"article page {item.url}: {exc}; kept the listing's title only")
        result.articles.append(_bounded(article))


def _stopped_at_deadline(result: SourceResult, before: FeedState, settings: FetchSettings) -> None:
    """The source ran out of time. An HTML source whose listing was read keeps the
    articles completed so far; its validators are not kept, so the next cycle reads the
    listing again and picks up the rest."""
    limit = f"source_timeout = {settings.source_timeout:g} s, cycle_timeout = {settings.cycle_timeout:g} s"
    if result.listing_read and result.error is None:
        result.state.etag, result.state.last_modified = before.etag, before.last_modified
        result.warnings.insert(0, f"stopped at the deadline ({limit}) after {len(result.articles)} new "
                                  "articles; the others wait for the next cycle")
        return
    result.error = f"stopped at the deadline ({limit}): the source did not answer in time"


def _bounded(article: Article) -> Article:
    """Last guard before storing: no invisible characters, every field within its cap."""
    article.title = clean_title(article.title) or "(sans titre)"
    article.summary = clip(strip_invisible(article.summary), SUMMARY_MAX)
    article.text = clip(strip_invisible(article.text), TEXT_MAX)
    return article


def _note_response(response, result: SourceResult) -> None:
    result.http_status = response.status
    result.not_modified = response.not_modified
    if response.not_modified:
        return
    result.state.etag = response.headers.get("etag")
    result.state.last_modified = response.headers.get("last-modified")
    if response.moved_to:
        result.state.moved_to = response.moved_to
        result.warnings.append(f"permanently moved to {response.moved_to}: update the url in config.toml")
