"""News listing pages without feed: items found with the CSS selectors from config."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from config.schema import Selectors
from scrapers.dates import parse_date_text
from scrapers.sanitize import clean_title
from scrapers.urls import is_web_url


@dataclass
class ListingItem:
    url: str
    title: str
    published: str | None    # ISO datetime when the listing shows a date
    teaser: str = ""


@dataclass
class Listing:
    items: list[ListingItem]
    matched: int              # elements matched by the items selector
    problems: list[str]       # per-item reasons when link or title were not found


def parse_listing(body: bytes, base_url: str, selectors: Selectors) -> Listing:
    soup = BeautifulSoup(body, "lxml")
    base_tag = soup.find("base", href=True)
    base = urljoin(base_url, base_tag["href"]) if base_tag else base_url
    elements = soup.select(selectors.items)
    items: list[ListingItem] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, element in enumerate(elements, 1):
        link_el = element.select_one(selectors.link) if selectors.link else element
        if link_el is None or link_el.name != "a":
            link_el = (link_el.find("a", href=True) if link_el is not None else None) or \
                      (element if element.name == "a" else element.find("a", href=True))
        href = link_el.get("href") if link_el is not None else None
        if not href:
            problems.append(f"item {n}: no link found with selector {selectors.link!r}")
            continue
        url = urljoin(base, href.strip())
        if not is_web_url(url):
            problems.append(f"item {n}: link is not a web address: {href[:80]!r}")
            continue
        title_el = element.select_one(selectors.title)
        title = clean_title(title_el.get_text(" ")) if title_el is not None else ""
        if not title:
            problems.append(f"item {n}: no title found with selector {selectors.title!r}")
            title = clean_title(link_el.get_text(" ")) or clean_title(url)
        published = None
        if selectors.date:
            date_el = element.select_one(selectors.date)
            if date_el is not None:
                published = parse_date_text(date_el.get("datetime") or date_el.get("content")
                                            or date_el.get_text(" "))
        teaser_el = element.find("p")
        teaser = clean_title(teaser_el.get_text(" "), 500) if teaser_el is not None else ""
        if url in seen:
            continue
        seen.add(url)
        items.append(ListingItem(url=url, title=title, published=published, teaser=teaser))
    return Listing(items=items, matched=len(elements), problems=problems)
