"""Propose CSS selectors for a news page without feed: find its list of dated article links.

Why: staff adding a news page should not have to read its HTML to write `items`, `link`,
`title` and `date` selectors (`feeds add`, and `feeds check` when a selector matches nothing).

How: every link's ancestors are grouped with their siblings of the same tag and classes
(same parent): a news list is such a group of several blocks, each holding an article
link with a title of some words and, usually, a date. Groups are ranked by size, dates and
title length; the best ones get selectors that select exactly their blocks in the page,
and each proposal is verified by reading the page with `scrapers.html_listing` as a fetch
would. A page whose only repeated links are menus (short labels, no dates) gives nothing.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from config.schema import Selectors
from scrapers.dates import parse_date_text
from scrapers.html_listing import ListingItem, parse_listing
from scrapers.urls import is_web_url

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
MAX_DEPTH = 6            # ancestors of a link considered as its item block
MIN_ITEMS = 2


@dataclass
class Proposal:
    selectors: Selectors
    matched: int                 # elements matched by `items`
    items: list[ListingItem]     # what a fetch would read with these selectors
    dated: int                   # items with a date


def propose_selectors(body: bytes, base_url: str, limit: int = 3) -> list[Proposal]:
    """The page's article lists, best first (at most `limit`); [] when it has none."""
    soup = BeautifulSoup(body, "lxml")
    groups: dict[tuple, list[Tag]] = {}
    for link in soup.find_all("a", href=True):
        if not _article_href(link["href"], base_url):
            continue
        node: Tag | None = link
        for _ in range(MAX_DEPTH):
            if node is None or node.name in ("body", "html") or node.parent is None:
                break
            key = (id(node.parent), node.name, _classes(node))
            members = groups.setdefault(key, [])
            if not members or members[-1] is not node:
                members.append(node)
            node = node.parent
    ranked = []
    for members in groups.values():
        if len(members) < MIN_ITEMS:
            continue
        score = _score(members, base_url)
        if score > 0:
            ranked.append((score, members))
    ranked.sort(key=lambda pair: -pair[0])
    proposals: list[Proposal] = []
    seen: set[Selectors] = set()
    for _score_, members in ranked:
        proposal = _proposal(soup, members, body, base_url)
        if proposal is not None and proposal.selectors not in seen:
            seen.add(proposal.selectors)
            proposals.append(proposal)
        if len(proposals) >= limit:
            break
    return proposals


def _article_href(href: str, base_url: str) -> bool:
    href = href.strip()
    if not href or href.startswith("#"):
        return False
    url = urljoin(base_url, href)
    if not is_web_url(url):
        return False
    page, target = urlsplit(base_url), urlsplit(url)
    return target.path.rstrip("/") not in ("", page.path.rstrip("/")) or bool(target.query)


def _classes(node: Tag) -> tuple[str, ...]:
    return tuple(sorted(c for c in node.get("class", []) if c.isascii() and c.replace("-", "").replace("_", "").isalnum()))


def _main_link(block: Tag) -> Tag | None:
    """The link that names the article: the one in a heading, else the longest text."""
    for heading in block.find_all(HEADINGS):
        link = heading.find("a", href=True)
        if link is not None:
            return link
    if block.name == "a":
        return block
    links = block.find_all("a", href=True)
    return max(links, key=lambda a: len(a.get_text(" ", strip=True)), default=None)


def _title_text(block: Tag) -> str:
    heading = block.find(HEADINGS)
    if heading is not None:
        return heading.get_text(" ", strip=True)
    link = _main_link(block)
    return link.get_text(" ", strip=True) if link is not None else ""


def _date_element(block: Tag) -> Tag | None:
    time_el = block.find("time")
    if time_el is not None:
        return time_el
    for el in block.find_all(True):
        if el.name == "a" or el.find(True) is not None:
            continue
        text = el.get("datetime") or el.get("content") or el.get_text(" ", strip=True)
        if 6 <= len(text) <= 40 and any(ch.isdigit() for ch in text) and parse_date_text(text):
            return el
    return None


def _score(members: list[Tag], base_url: str) -> float:
    words = [len(_title_text(m).split()) for m in members]
    mean_words = sum(words) / len(words)
    links_each = sum(len({a["href"] for a in m.find_all("a", href=True)} | ({m["href"]} if m.name == "a" else set()))
                     for m in members) / len(members)
    if links_each > 4 or mean_words < 2:
        return 0.0          # a container of many links, or a menu of one-word labels
    dated = sum(1 for m in members if _date_element(m) is not None) / len(members)
    if dated < 0.5 and (mean_words < 5 or len(members) < 3):
        return 0.0          # neither dated nor long titles: menus, tag clouds, footers
    return len(members) * (1 + 3 * dated) * min(mean_words, 8)


def _proposal(soup, members: list[Tag], body: bytes, base_url: str) -> Proposal | None:
    items_css = _items_selector(soup, members)
    if items_css is None:
        return None
    link_css = _link_selector(members)
    title_css = _title_selector(members, link_css)
    if title_css is None:
        return None
    date_css = _date_selector(members)
    selectors = Selectors(items=items_css, link=link_css, title=title_css, date=date_css)
    listing = parse_listing(body, base_url, selectors)
    if len(listing.items) < MIN_ITEMS:
        return None
    dated = sum(1 for item in listing.items if item.published)
    return Proposal(selectors=selectors, matched=listing.matched, items=listing.items, dated=dated)


def _simple(node: Tag) -> str:
    classes = _classes(node)
    return node.name + "".join(f".{c}" for c in classes)


def _items_selector(soup, members: list[Tag]) -> str | None:
    """A selector matching the group's blocks (and their same-looking siblings) only."""
    parent = members[0].parent
    signature = (members[0].name, _classes(members[0]))
    wanted = {id(c) for c in parent.find_all(members[0].name, recursive=False)
              if (c.name, _classes(c)) == signature}
    css = _simple(members[0])
    node = parent
    for _ in range(4):
        try:
            found = {id(el) for el in soup.select(css)}
        except Exception:
            return None
        if found == wanted:
            return css
        if node is None or node.name in ("html", "[document]"):
            break
        prefix = f"{node.name}#{node['id']}" if node.get("id") and node["id"].isidentifier() else _simple(node)
        css = f"{prefix} > {css}"
        node = node.parent
    return None


def _link_selector(members: list[Tag]) -> str:
    if all(m.name == "a" for m in members):
        return ""
    mains = [_main_link(m) for m in members]
    if all(m.find("a", href=True) is main for m, main in zip(members, mains)):
        return "a"
    for heading in HEADINGS:
        if all(m.select_one(f"{heading} a") is main for m, main in zip(members, mains)):
            return f"{heading} a"
    classes = _classes(mains[0]) if mains[0] is not None else ()
    if classes:
        css = "a" + "".join(f".{c}" for c in classes)
        if all(m.select_one(css) is main for m, main in zip(members, mains)):
            return css
    return "a"


def _title_selector(members: list[Tag], link_css: str) -> str | None:
    counts = Counter(h.name for m in members for h in [m.find(HEADINGS)] if h is not None)
    if counts:
        heading, n = counts.most_common(1)[0]
        if n >= len(members) / 2:
            return heading
    titled = _title_inside_link(members)
    if titled:
        return titled
    if link_css:
        return link_css
    inner = [m.find(True) for m in members]       # the item is the link: a child holding the text
    if all(el is not None for el in inner):
        css = _simple(inner[0])
        if all(m.select_one(css) is not None for m in members):
            return css
    return None


def _title_inside_link(members: list[Tag]) -> str | None:
    """When the link holds several parts (a rubric and the title, say), the part with the
    most words, if the same selector finds it in every block."""
    link = _main_link(members[0])
    parts = [el for el in (link.find_all(True) if link is not None else []) if el.get_text(strip=True)]
    if len(parts) < 2:
        return None
    best = max(parts, key=lambda el: len(el.get_text(" ", strip=True).split()))
    css = _simple(best)
    if not _classes(best):
        return None
    found = [m.select_one(css) for m in members]
    return css if all(el is not None and el.get_text(strip=True) for el in found) else None


def _date_selector(members: list[Tag]) -> str | None:
    found = [_date_element(m) for m in members]
    dated = [el for el in found if el is not None]
    if not dated:
        return None
    if all(el.name == "time" for el in dated):
        return "time"
    css = Counter(_simple(el) for el in dated).most_common(1)[0][0]
    hits = 0
    for member in members:
        el = member.select_one(css)
        if el is not None and parse_date_text(el.get("datetime") or el.get("content") or el.get_text(" ")):
            hits += 1
    return css if hits >= len(dated) / 2 else None
