"""`GET /agenda.ics[?jeton=T]`: the coming events as an iCalendar feed (icalendar).

With a subscriber's token, only their regions and themes; an unknown token is answered
with the same 404 as any unknown link.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from aiohttp import web
from icalendar import Calendar, Event as VEvent

from domain.regions import region_label
from domain.themes import theme_label
from pipeline.agenda import Event, upcoming_events
from pipeline.optin import by_manage_token
from web.keys import CONFIG, STORE
from web.render import SECURITY_HEADERS


def calendar(events: list[Event], host: str, now: dt.datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Vigie//agenda//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Vigie — agenda des initiatives")
    for event in events:
        item = VEvent()
        item.add("uid", f"{event.uid}@{host}")
        item.add("dtstamp", now)
        item.add("dtstart", event.date)
        item.add("dtend", event.date + dt.timedelta(days=1))
        item.add("summary", event.title)
        item.add("url", event.url)
        if event.town:
            item.add("location", event.town)
        regions = ", ".join(region_label(r) for r in event.regions)
        item.add("description", f"{theme_label(event.theme)} — {regions}\n{event.url}")
        item.add("categories", [theme_label(event.theme)])
        cal.add_component(item)
    return cal.to_ical()


async def agenda(request: web.Request) -> web.Response:
    config, store = request.app[CONFIG], request.app[STORE]
    subscriber = None
    if "jeton" in request.query:
        subscriber = await asyncio.to_thread(by_manage_token, store, request.query["jeton"])
        if subscriber is None:
            raise web.HTTPNotFound(text="Lien non valable.", headers=SECURITY_HEADERS)
    now = dt.datetime.now(dt.timezone.utc)
    today = now.astimezone(ZoneInfo(config.timezone)).date()

    def build() -> bytes:
        with store.writing():
            events = upcoming_events(store, today, subscriber)
        return calendar(events, request.host.split(":")[0] or "vigie", now)

    body = await asyncio.to_thread(build)
    return web.Response(body=body, content_type="text/calendar", charset="utf-8",
                        headers={"Cache-Control": "private, max-age=600", "X-Content-Type-Options": "nosniff"})
