"""OPML 2.0, the list format of feed readers: read its outlines, write Vigie's sources.

Why: staff move lists of feeds between Vigie and feed readers (Miniflux, FreshRSS, ...).

How: the file is parsed with lxml without entity expansion, DTD or network (an OPML file
is outside input: no XXE, no billion laughs); every `<outline>` at any depth is read, those
with an `xmlUrl` being feeds. Writing gives one `<outline type="rss">` per feed source
(region in `category`) and, for news pages read with selectors (they have no feed), a
comment and an `<outline type="link">` with the page address.
"""
from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass

from lxml import etree

from config.schema import FeedConfig

MAX_OPML_BYTES = 5_000_000


class OpmlError(Exception):
    """The file is not a readable OPML document."""


@dataclass
class Outline:
    text: str                 # the outline's text (or title)
    xml_url: str | None       # the feed address, when the outline is a feed
    html_url: str | None      # the site or page address
    category: str = ""
    has_children: bool = False


def read_opml(data: bytes) -> list[Outline]:
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"file larger than {MAX_OPML_BYTES:,} bytes")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"not well-formed XML: {exc}") from None
    if root is None or etree.QName(root).localname != "opml":
        raise OpmlError("not an OPML file (no <opml> root element)")
    body = next((el for el in root if isinstance(el.tag, str) and etree.QName(el).localname == "body"), None)
    if body is None:
        raise OpmlError("OPML file without <body>")
    outlines = []
    for el in body.iter():
        if not isinstance(el.tag, str) or etree.QName(el).localname != "outline":
            continue
        text = " ".join((el.get("text") or el.get("title") or "").split())
        outlines.append(Outline(text=text, xml_url=(el.get("xmlUrl") or "").strip() or None,
                                html_url=(el.get("htmlUrl") or el.get("url") or "").strip() or None,
                                category=(el.get("category") or "").strip(),
                                has_children=any(isinstance(c.tag, str) for c in el)))
    return outlines


def write_opml(feeds: list[FeedConfig] | tuple[FeedConfig, ...], title: str = "Vigie sources",
               now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = email.utils.format_datetime(now)
    body = etree.SubElement(root, "body")
    for feed in feeds:
        if feed.kind == "rss":
            attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
            if feed.region:
                attrs["category"] = feed.region
            etree.SubElement(body, "outline", attrs)
        else:
            body.append(etree.Comment(_comment(f' "{feed.name}": a news page without feed (kind = "html", '
                                               'read with CSS selectors) ')))
            etree.SubElement(body, "outline", {"type": "link", "text": feed.name, "url": feed.url})
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8") + "\n"


def _comment(text: str) -> str:
    while "--" in text:
        text = text.replace("--", "- -")
    return text if not text.endswith("-") else text + " "
