"""Collect one source (or all of them concurrently) into candidate articles.

A source's failure is caught here and returned as data (`SourceResult.error`), so one
broken source never stops the others. Known articles are skipped before their pages are
fetched, so an HTML article page is fetched once in its life. Each source has a deadline
(`[fetch] source_timeout`, and the cycle's `cycle_timeout`); `on_done` is called (and
awaited) as each source finishes, so its articles can be stored without waiting for the
slowest source. Article links that point at internal addresses are refused and dropped.
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
from scrapers.article_page import extract_article
from scrapers.feed_parser import ParseError, parse_feed
from scrapers.fetcher import Fetcher, FetchError
from scrapers.html_listing import parse_listing
from scrapers.sanitize import SUMMARY_MAX, TEXT_MAX, clean_title, clip, strip_invisible
from scrapers.urls import article_id, canonical_url, host_of
from store.feeds import FeedState

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
                      on_done: Callable[[SourceResult], Awaitable[None] | None] | None = None) -> list[SourceResult]:
    now = now or dt.datetime.now(dt.timezone.utc)
    loop = asyncio.get_running_loop()
    cycle_end = loop.time() + settings.cycle_timeout
    async with Fetcher(settings, trusted=trusted_origins(feeds, settings)) as fetcher:
        async def one(feed: FeedConfig) -> SourceResult:
            deadline = min(loop.time() + settings.source_timeout, cycle_end)
            result = await collect_source(fetcher, feed, states.get(feed.name) or FeedState(feed.name),
                                          settings, is_known, now, deadline=deadline)
            if on_done:
                outcome = on_done(result)
                if inspect.isawaitable(outcome):
                    await outcome
            return result
        return list(await asyncio.gather(*(one(f) for f in feeds)))


async def collect_source(fetcher: Fetcher, feed: FeedConfig, state: FeedState, settings: FetchSettings,
                         is_known: Callable[[str], bool], now: dt.datetime,
                         deadline: float | None = None) -> SourceResult:
    """Collect one source; never raises. `deadline` (event-loop time) stops it: an HTML
    source keeps the article pages read by then, anything else fails with the reason."""
    before = state
    state = dataclasses.replace(state, last_checked=now.isoformat())
    result = SourceResult(feed=feed, state=state)
    try:
        async with asyncio.timeout_at(deadline):
            try:
                if feed.kind == "html":
                    await _collect_html(fetcher, feed, settings, is_known, now, result)
                else:
                    await _collect_feed(fetcher, feed, settings, is_known, now, result)
            except (FetchError, ParseError) as exc:
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


async def _collect_feed(fetcher, feed, settings, is_known, now, result: SourceResult) -> None:
    response = await fetcher.get(feed.url, etag=result.state.etag,
                                 last_modified=result.state.last_modified, accept=FEED_ACCEPT)
    _note_response(response, result)
    if response.not_modified:
        return
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


async def _collect_html(fetcher, feed, settings, is_known, now, result: SourceResult) -> None:
    response = await fetcher.get(feed.url, etag=result.state.etag, last_modified=result.state.last_modified,
                                 accept="text/html,application/xhtml+xml")
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
