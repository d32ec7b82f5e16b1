"""Rendering with the Jinja2 templates of `digest/templates/` (the only place for wording).

Telegram: HTML parse mode, source text escaped, packed into messages of at most 4,096
characters between stories (`digest.packing.pack`: never inside markup, a story too long
for one message shortened in its text). E-mail: a plain-text and an HTML part. Archive: one page a
week, an index and an Atom feed.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from digest.packing import pack
from digest.view import DigestView

TEMPLATES = Path(__file__).with_name("templates")
TELEGRAM_LIMIT = 4096


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                       autoescape=lambda name: not (name or "").endswith(".txt.j2"),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_template(name: str, **context) -> str:
    return environment().get_template(name).render(**context)


def telegram_messages(view: DigestView, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The digest as Telegram HTML messages, each within `limit`, cut between stories; a
    region's heading travels in the block of its first story."""
    macros = environment().get_template("telegram.j2").module
    blocks = [str(macros.header(view))]
    for section in view.sections:
        heading = str(macros.section(section))
        for group in section.groups:
            heading += "\n" + str(macros.region(group))
            for story in group.stories:
                blocks.append((heading + "\n" if heading else "") + _cached(story, "telegram", macros.story))
                heading = ""
        if section.more:
            blocks.append(str(macros.more(section, view.archive_url)))
    if view.agenda:
        heading = str(macros.agenda_header())
        for story in view.agenda:
            blocks.append((heading + "\n" if heading else "") + _cached(story, "telegram-agenda", macros.agenda_item))
            heading = ""
    blocks.append(str(macros.footer()))
    return pack(blocks, limit)


def _cached(story, key: str, macro) -> str:
    """A story's block, rendered once per week for all subscribers (views are shared)."""
    if key not in story.rendered:
        story.rendered[key] = str(macro(story))
    return story.rendered[key]


def email_bodies(view: DigestView, unsubscribe_url: str | None,
                 archive_url: str | None, preferences_url: str | None = None) -> tuple[str, str]:
    """(plain text, HTML) bodies of the e-mail; the footer links each stand on their own."""
    context = dict(v=view, unsubscribe_url=unsubscribe_url,
                   archive_url=archive_url, preferences_url=preferences_url)
    return render_template("email.txt.j2", **context), render_template("email.html.j2", **context)


def email_subject(view: DigestView) -> str:
    """'Vigie — semaine du 16 au 22 novembre 2026 : 3 initiatives': the digest's own title."""
    count = f"{view.count} initiative{'s' if view.count > 1 else ''}" if view.count else "aucune nouvelle initiative"
    return f"{view.title} : {count}"
