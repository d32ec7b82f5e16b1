"""Shared set-up for digest tests: a store with labelled articles, subscribers, SMTP sink."""
from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import socket
import threading
from pathlib import Path

from aiosmtpd.controller import Controller

from domain.article import Article
from scrapers.urls import article_id
from store import Subscriber, open_store

WEEK = "2026-W47"            # Monday 16 to Sunday 22 November 2026
NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone.utc)


def article(n: int, title: str, *, feed: str = "Le Courrier", theme: str = "event", regions=("FR-NOR",),
            story: str | None = None, day: int = 17, event_date: str | None = None, summary: str = "",
            town: str | None = None, relevant: bool = True) -> Article:
    url = f"https://news{n % 3}.example/{n}"
    return Article(id=article_id(url), url=url, feed=feed, title=title, summary=summary or f"Résumé de l'article {n}.",
                   fetched_at=f"2026-11-{day:02d}T09:00:00+00:00", published=f"2026-11-{day:02d}T08:00:00+00:00",
                   relevant=relevant, themes=[theme] if relevant else [], regions=list(regions) if relevant else [],
                   event_date=event_date, town=town, story=story or f"s-{n}")


def sample_articles() -> list[Article]:
    return [
        article(1, "Forum des métiers du soin à Caen", story="s-forum", event_date="2026-12-03", town="Caen",
                summary="Soixante employeurs attendus au parc des expositions. Entrée libre."),
        article(2, "Caen : 60 employeurs au forum du soin", feed="Ouest Soins", story="s-forum",
                event_date="2026-12-03", town="Caen", day=18),
        article(3, "Charte pour le grand âge signée à Metz", feed="Grand Est Hebdo", theme="charter",
                regions=("FR-GES",)),
        article(4, "Une campagne pour les métiers du lien", feed="Ouest Soins", theme="campaign", regions=("FR-PDL",)),
        article(5, "Le gouvernement revalorise les aides à domicile", feed="Le Fil", theme="retention", regions=("FR",)),
        article(6, "Ancienne histoire de la semaine passée", day=10),
        article(7, "Football : victoire à domicile", relevant=False),
        article(8, "Histoire masquée par un modérateur", story="s-hidden", theme="recruitment"),
    ]


def make_store(data_dir: Path, articles=None, subscribers=()):
    store = open_store(data_dir)
    with store.writing():
        store.articles.add(articles if articles is not None else sample_articles())
        for sub in subscribers:
            store.subscribers.put(sub)
        from store.moderation import StoryOverride
        store.moderation.put(StoryOverride(story="s-hidden", hidden=True))
    return store


def subscriber(channel: str, address: str, regions=(), themes=(), nationwide=True) -> Subscriber:
    return Subscriber(id=Subscriber.make_id(channel, address), channel=channel, address=address,
                      regions=list(regions), themes=list(themes), nationwide=nationwide,
                      created=NOW.isoformat(), unsubscribe_token=f"tok-{address}")


def email_toml(smtp_port: int) -> str:
    """The [email] section of a config pointed at a local SMTP sink."""
    return (f'\n[email]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
            f'from_address = "veille@vigie.example.org"\ntimeout = 5\n')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPSink:
    """aiosmtpd on 127.0.0.1 keeping every accepted message; can refuse or drop."""

    def __init__(self, refuse: set[str] = frozenset(), drop_after: int | None = None, delay: float = 0.0):
        self.delay = delay
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse = set(refuse)
        self.drop_after = drop_after
        self.connections = 0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.drop_after is not None and len(self.messages) == self.drop_after:
                self.drop_after = None
                server.transport.close()  # the connection drops before the message is accepted
                return "421 closing"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def by_recipient(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for rcpts, message in self.messages:
            for r in rcpts:
                out.setdefault(r, []).append(message)
        return out
