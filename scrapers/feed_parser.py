"""RSS, Atom and RDF bodies to entries, with feedparser fed from memory only.

feedparser is always given `io.BytesIO(body)`: given a str or bytes it would try them
as a URL to fetch (without timeout) or as a local file name to read.
"""
from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass, field
from urllib.parse import urljoin

from scrapers.sanitize import SUMMARY_MAX, TEXT_MAX, clean_title, html_to_text
from scrapers.urls import is_web_url


class ParseError(Exception):
    """The body is not a usable feed."""


@dataclass
class FeedEntry:
    link: str | None
    title: str
    summary: str
    text: str
    published: str | None
    guid: str | None


@dataclass
class ParsedFeed:
    title: str
    site_link: str | None
    entries: list[FeedEntry]
    warning: str | None = None
    skipped: list[str] = field(default_factory=list)  # reasons for entries left out


def parse_feed(body: bytes, content_type: str, base_url: str, max_entries: int = 200) -> ParsedFeed:
    import feedparser   # here, not at the top: only a cycle that parses a feed pays for it
    try:
        # Every text field is reduced to plain text by `html_to_text` below (scripts,
        # styles, embeds dropped): feedparser's own HTML sanitizer and the rewriting of
        # links inside markup would only cost time (about a third of the parse).  The
        # feed's address is not given to feedparser either: it would resolve every URL
        # of every entry against it (a sixth of the rest); the few links Vigie keeps are
        # resolved below (`_absolute`), after any xml:base feedparser applied.
        parsed = feedparser.parse(io.BytesIO(body), response_headers={
            "content-type": content_type or "application/xml",
        }, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is meant never to raise; be safe anyway
        raise ParseError(f"feed parser failed: {type(exc).__name__}: {exc}") from None
    entries_raw = parsed.get("entries") or []
    problem = _bozo_reason(parsed)
    if not entries_raw:
        if problem:
            raise ParseError(f"malformed feed, no entries could be read ({problem})")
        if not parsed.get("version"):
            raise ParseError("not an RSS or Atom feed (no feed element found)")
    feed_info = parsed.get("feed") or {}
    site_link = _absolute(feed_info.get("link"), base_url)
    site_link = site_link if is_web_url(site_link) else None
    result = ParsedFeed(title=clean_title(html_to_text(_str(feed_info.get("title")))),
                        site_link=site_link, entries=[],
                        warning=f"feed is not well-formed but was read anyway ({problem})" if problem else None)
    for raw in entries_raw[:max_entries]:
        try:
            entry = _entry(raw, base_url)
        except Exception as exc:  # one odd entry never sinks the feed
            result.skipped.append(f"unreadable entry: {type(exc).__name__}: {exc}")
            continue
        if entry is None:
            result.skipped.append("entry with neither title nor link")
            continue
        result.entries.append(entry)
    if len(entries_raw) > max_entries:
        result.skipped.append(f"{len(entries_raw) - max_entries} entries beyond max_entries_per_feed")
    return result


def _bozo_reason(parsed) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    text = str(exc).splitlines()[0] if exc and str(exc) else type(exc).__name__
    return text[:200]


def _entry(raw, base_url: str) -> FeedEntry | None:
    guid = _str(_absolute(raw.get("id"), base_url)) or None
    link = _link(raw, base_url, guid)
    title = clean_title(html_to_text(_str(raw.get("title"))))
    summary = html_to_text(_str(raw.get("summary")), SUMMARY_MAX)
    text = ""
    for content in raw.get("content") or []:
        value = html_to_text(_str(content.get("value")), TEXT_MAX)
        if len(value) > len(text):
            text = value
    if text and not summary:
        summary = html_to_text(text, SUMMARY_MAX)
    if text == summary:
        text = ""
    if not title and not link:
        return None
    if not title:
        title = clean_title(summary, 120) or "(sans titre)"
    return FeedEntry(link=link, title=title, summary=summary, text=text,
                     published=_timestamp(raw), guid=guid)


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def _absolute(url, base_url: str):
    """`url` resolved against the feed's address (as feedparser would, given it)."""
    if isinstance(url, str) and url.strip():
        return urljoin(base_url, url.strip())
    return url


def _link(raw, base_url: str, guid: str | None) -> str | None:
    """The entry's web address: its link, an alternate one, or its id (`guid`, resolved)
    when the feed says the id is a link."""
    candidates = [_absolute(raw.get("link"), base_url)]
    for link in raw.get("links") or []:
        if link.get("rel", "alternate") == "alternate":
            candidates.append(_absolute(link.get("href"), base_url))
    if raw.get("guidislink", True):
        candidates.append(guid)
    for candidate in candidates:
        if isinstance(candidate, str) and is_web_url(candidate.strip()):
            return candidate.strip()
    return None


def _timestamp(raw) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if value:
            try:
                when = dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.timezone.utc)
            except (OverflowError, ValueError, TypeError, OSError):
                continue
            if 1990 <= when.year <= dt.date.today().year + 1:
                return when.isoformat()
    return None
