"""Upcoming events (job datings, forums, signings…) for the public calendar feed.

One entry per story with an event date from today on, not hidden by a moderator,
optionally cut to a subscriber's regions and themes (the digest's own filter).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from digest.build import Filter
from pipeline.stories import moderated_stories
from store import Store, Subscriber

LOOKBACK_DAYS = 120          # stories first reported this long ago can still announce a coming event
HORIZON_DAYS = 365


@dataclass(frozen=True)
class Event:
    uid: str
    date: dt.date
    title: str
    url: str
    town: str | None
    regions: tuple[str, ...]
    theme: str


def upcoming_events(store: Store, today: dt.date, subscriber: Subscriber | None = None,
                    horizon_days: int = HORIZON_DAYS) -> list[Event]:
    last = (today + dt.timedelta(days=horizon_days)).isoformat()
    own = Filter.of(subscriber) if subscriber is not None else None
    events = []
    for story in moderated_stories(store, today - dt.timedelta(days=LOOKBACK_DAYS), today + dt.timedelta(days=1)):
        if story.hidden or not story.event_date or not today.isoformat() <= story.event_date[:10] <= last:
            continue
        if own is not None and not own.takes(story):
            continue
        lead = story.lead
        events.append(Event(uid=story.id, date=dt.date.fromisoformat(story.event_date[:10]), title=lead.title,
                            url=lead.url, town=story.town, regions=tuple(story.regions), theme=story.theme))
    return sorted(events, key=lambda e: (e.date, e.uid))
