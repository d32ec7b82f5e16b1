"""HTML fragments to plain text. Vigie stores no markup from sources, only text."""
from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head")
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
          "blockquote", "section", "article", "header", "footer", "pre", "dd", "dt", "figcaption"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_LINES = re.compile(r"\s*\n\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def html_to_text(fragment: str | None, max_chars: int | None = None) -> str:
    """Visible text of an HTML fragment, whitespace tidied, scripts and styles dropped."""
    if not fragment:
        return ""
    fragment = _CONTROL.sub("", fragment)
    if "<" not in fragment and "&" not in fragment:
        text = fragment
    else:
        text = _parse_text(fragment)
    text = _LINES.sub("\n", _SPACES.sub(" ", text)).strip()
    if max_chars and len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars].rstrip() + "…"
    return text


def _parse_text(fragment: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return html.unescape(re.sub(r"<[^>]*>", " ", fragment))
    for element in list(root.iter(*_DROP)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK:
            element.tail = "\n" + (element.tail or "")
    return "".join(t for t in root.itertext() if isinstance(t, str))


def one_line(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()
