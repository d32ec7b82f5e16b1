"""Find the feed behind a page address, or else the page's article list.

Why: staff know a site's address, rarely its feed's; `feeds add URL` and `feeds check`
start from what they know.

How, with the ordinary polite fetcher (robots.txt, delays, address policy): the address
itself may be a feed; else the page may advertise one (`<link rel="alternate"
type="application/rss+xml">` or Atom, RDF); else a few common paths of the site are
tried (`/feed`, `/rss.xml`, ...). A candidate counts only if it parses as a feed with
`scrapers.feed_parser`. Without feed, `scrapers.selectors` proposes the page's lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from scrapers.feed_parser import ParsedFeed, ParseError, parse_feed
from scrapers.fetcher import Fetcher, FetchError
from scrapers.selectors import Proposal, propose_selectors
from scrapers.urls import is_web_url

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
COMMON_PATHS = ("/feed", "/rss.xml", "/rss", "/atom.xml", "/feed.xml")
PAGE_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml;q=0.9,*/*;q=0.5"


@dataclass
class Discovery:
    url: str                              # the page (or feed) address after redirects
    feed_url: str | None = None           # the feed found, if any
    feed: ParsedFeed | None = None
    how: str = ""                         # how the feed was found, for people
    site_name: str = ""                   # og:site_name, the page title or the feed title
    description: str = ""                 # meta description / feed title, for region hints
    proposals: list[Proposal] = field(default_factory=list)   # article lists, when no feed
    moved_to: str | None = None           # the address answered with a permanent redirect


def parse_as_feed(body: bytes, content_type: str, url: str) -> ParsedFeed | None:
    """The feed in `body`, or None when it is not one (an HTML page, say)."""
    head = body[:512].lstrip().lower()
    if "html" in content_type.lower() and not head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return None
    try:
        return parse_feed(body, content_type, url, max_entries=50)
    except ParseError:
        return None


def advertised_feeds(body: bytes, base_url: str) -> list[str]:
    """Feed addresses a page advertises with `<link rel="alternate" type="...rss+xml|atom+xml">`."""
    soup = BeautifulSoup(body, "lxml")
    found: list[str] = []
    for link in soup.find_all("link", href=True):
        rel = [r.lower() for r in (link.get("rel") or [])]
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            url = urljoin(base_url, link["href"].strip())
            if is_web_url(url) and url not in found:
                found.append(url)
    return found


def page_names(body: bytes) -> tuple[str, str]:
    """(site name, description) from og:site_name / <title> and the meta description."""
    soup = BeautifulSoup(body, "lxml")

    def meta(*keys: str) -> str:
        for key in keys:
            tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
            if tag is not None and (tag.get("content") or "").strip():
                return " ".join(tag["content"].split())
        return ""

    name = meta("og:site_name")
    if not name and soup.title is not None:
        title = " ".join(soup.title.get_text(" ").split())
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            if sep in title:
                title = title.split(sep)[-1].strip()   # "Actualités - Site" -> "Site"
                break
        name = title
    return name[:80], meta("og:description", "description")[:500]


async def discover(fetcher: Fetcher, url: str) -> Discovery:
    """What lies at `url`: a feed, a page advertising one, a site with one at a common
    path, or a page with article lists. Raises FetchError when `url` cannot be read."""
    response = await fetcher.get(url, accept=PAGE_ACCEPT)
    found = Discovery(url=response.url, moved_to=response.moved_to)
    feed = parse_as_feed(response.body, response.content_type, response.url)
    if feed is not None:
        found.feed_url, found.feed, found.how = response.url, feed, "the address is a feed"
        found.site_name = feed.title
        return found
    found.site_name, found.description = page_names(response.body)
    candidates = [(u, "advertised by the page") for u in advertised_feeds(response.body, response.url)]
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(response.url))
    candidates += [(origin + path, f"found at the common path {path}") for path in COMMON_PATHS]
    tried: set[str] = {response.url}
    for candidate, how in candidates:
        if candidate in tried:
            continue
        tried.add(candidate)
        try:
            answer = await fetcher.get(candidate, accept=PAGE_ACCEPT)
        except FetchError:
            continue
        feed = parse_as_feed(answer.body, answer.content_type, answer.url)
        if feed is not None and feed.entries:
            found.feed_url, found.feed, found.how = answer.url, feed, how
            found.site_name = found.site_name or feed.title
            return found
    found.proposals = propose_selectors(response.body, response.url)
    return found
