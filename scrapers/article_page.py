"""One article page to title, main text and publication date (trafilatura)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura

from scrapers.dates import parse_date_text
from scrapers.sanitize import TEXT_MAX, clean_title, clip, html_to_text, strip_invisible

_PUBLISHED = re.compile(r"(?:publi[ée]e?|mis en ligne|post[ée])\s+le\s+([^\n|]{6,60})", re.IGNORECASE)


@dataclass
class PageContent:
    title: str
    text: str
    published: str | None


def extract_article(body: bytes, url: str) -> PageContent:
    doc = None
    try:
        doc = trafilatura.bare_extraction(body, url=url, with_metadata=True, include_comments=False)
    except Exception:  # trafilatura on hostile markup: fall back to the plain text below
        doc = None
    title = clean_title(getattr(doc, "title", None) or "")
    text = getattr(doc, "text", None) or ""
    if not text:
        text = html_to_text(body.decode("utf-8", "replace"))
    text = html_to_text(text, TEXT_MAX) if "<" in text else clip(strip_invisible(text), TEXT_MAX)
    published = None
    match = _PUBLISHED.search(text)
    if match:
        published = parse_date_text(match.group(1))
    if published is None and getattr(doc, "date", None):
        published = parse_date_text(doc.date)
    return PageContent(title=title, text=text, published=published)
