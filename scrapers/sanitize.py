"""HTML fragments to plain text, bounded and free of invisible characters.

Vigie stores no markup from sources, only text: no control characters (NUL, other C0
and C1 controls; newlines and tabs are whitespace), no bidirectional overrides, isolates
or marks (which can make a title read backwards in a digest), and no field longer than
its cap (cut on a word boundary, marked with "…").
"""
from __future__ import annotations

import html
import re

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head")
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
          "blockquote", "section", "article", "header", "footer", "pre", "dd", "dt", "figcaption"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_LINES = re.compile(r"\s*\n\s*")
# C0 controls but \t \n \r (whitespace, tidied below), DEL, C1 controls, and the bidi
# embeddings/overrides (U+202A-E), isolates (U+2066-9) and marks (U+200E/F, U+061C).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

TITLE_MAX = 300       # characters of a title (a digest line, a Telegram link text)
SUMMARY_MAX = 1500    # characters of a summary (feed description, lead)
TEXT_MAX = 20000      # characters of an article body
ELLIPSIS = "…"


def strip_invisible(text: str | None) -> str:
    """`text` without control characters (\t, \n and \r kept) and bidi formatting characters."""
    return _CONTROL.sub("", text or "")


def clip(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars` characters on a word boundary, ending with "…"."""
    if max_chars <= 0 or len(text) <= max_chars:
        return text
    room = max_chars - len(ELLIPSIS)
    cut = text.rfind(" ", 0, room + 1)
    head = text[: cut if cut > room // 2 else room].rstrip()
    return head + ELLIPSIS


def clean_title(raw: str | None, max_chars: int = TITLE_MAX) -> str:
    """A title on one line, without invisible characters, at most `max_chars` long."""
    return clip(one_line(strip_invisible(raw)), max_chars)


def html_to_text(fragment: str | None, max_chars: int | None = None) -> str:
    """Visible text of an HTML fragment, whitespace tidied, scripts and styles dropped."""
    if not fragment:
        return ""
    fragment = strip_invisible(fragment)
    if "<" not in fragment and "&" not in fragment:
        text = fragment
    else:
        text = _parse_text(fragment)
    text = _LINES.sub("\n", _SPACES.sub(" ", text)).strip()
    return clip(text, max_chars) if max_chars else text


def _parse_text(fragment: str) -> str:
    import lxml.html   # here, not at the top: `run.py --help` and the light commands never need lxml
    from lxml import etree
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
