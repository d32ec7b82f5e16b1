"""The archive served, `/` with the latest week and its map, `/agenda.ics`, `/sante`."""
from __future__ import annotations

import datetime as dt

import httpx
from icalendar import Calendar

from config import load_config
from digest.archive import write_archive
from digest.build import build_week
from domain.article import Article
from scrapers.urls import article_id
from store import FeedState, Subscriber, open_store
from tests.digest.helpers import make_store
from tests.web.conftest import WebServer, write_config

WEEK = "2026-W47"


def _article(n, title, day: dt.date, event: dt.date | None, regions=("FR-NOR",), theme="event", town=None):
    url = f"https://agenda{n}.example/{n}"
    stamp = f"{day.isoformat()}T09:00:00+00:00"
    return Article(id=article_id(url), url=url, feed="Le Courrier", title=title, summary="Résumé.",
                   fetched_at=stamp, published=stamp, relevant=True, themes=[theme], regions=list(regions),
                   event_date=event.isoformat() if event else None, town=town, story=f"s-ag{n}")


def test_archive_home_and_health(tmp_path):
    config = load_config(write_config(tmp_path, None))
    store = make_store(config.data_dir)
    with store.writing():
        store.feeds.put(FeedState(name="Ouest Soins", last_checked="2026-11-20T10:00:00+00:00",
                                  last_error="HTTP 503", consecutive_failures=4))
        store.deliveries.set_last_week_sent(WEEK, "email")
    write_archive(config.data_dir / "web", build_week(store, WEEK, config.timezone))
    with WebServer(config, store) as site, site.client() as client:
        index = client.get("/archives/")
        assert index.status_code == 200 and f'href="{WEEK}.html"' in index.text
        page = client.get(f"/archives/{WEEK}.html")
        assert page.status_code == 200 and "Forum des métiers du soin à Caen" in page.text
        assert "<svg" in page.text and 'href="#event-FR-NOR"' in page.text and 'id="event-FR-NOR"' in page.text
        assert "Grand Est : 1 initiative" in page.text and "Corse : 0 initiative" in page.text
        assert client.get("/archives/feed.atom").headers["content-type"].startswith("application/atom+xml")
        assert client.get("/archives/../config.toml").status_code == 404
        assert client.get("/archives/2026-W99.html").status_code == 404
        moved = client.get(f"/{WEEK}.html")           # the links of earlier e-mails and of the feed
        assert moved.status_code == 301 and moved.headers["location"] == f"/archives/{WEEK}.html"
        home = client.get("/")
        assert home.status_code == 200 and "<svg" in home.text and 'href="#region-FR-NOR"' in home.text
        assert 'id="region-FR-NOR"' in home.text and "Normandie : 1 initiative" in home.text
        health = client.get("/sante").json()
    assert health["last_week_sent"]["email"] == WEEK and health["last_week_sent"]["telegram"] is None
    assert health["last_fetch"] == "2026-11-20T10:00:00+00:00"
    store.close()


def test_agenda_ics_all_and_per_subscriber(tmp_path):
    config = load_config(write_config(tmp_path, None))
    today = dt.datetime.now(dt.timezone.utc).date()
    articles = [
        _article(1, "Job dating EHPAD à Caen", today - dt.timedelta(days=2), today + dt.timedelta(days=10),
                 town="Caen"),
        _article(2, "Forum santé à Metz", today - dt.timedelta(days=3), today + dt.timedelta(days=20),
                 regions=("FR-GES",)),
        _article(3, "Forum passé à Rouen", today - dt.timedelta(days=30), today - dt.timedelta(days=5)),
        _article(4, "Charte signée sans date", today - dt.timedelta(days=1), None, theme="charter"),
    ]
    store = make_store(config.data_dir, articles=articles)
    with store.writing():
        store.subscribers.put(Subscriber(id="em-n@example.org", channel="email", address="n@example.org",
                                         regions=["FR-NOR"], nationwide=False, unsubscribe_token="n" * 24))
    with WebServer(config, store) as site:
        everyone = Calendar.from_ical(httpx.get(f"{site.url}/agenda.ics").content)
        mine = Calendar.from_ical(httpx.get(f"{site.url}/agenda.ics?jeton={'n' * 24}").content)
        assert httpx.get(f"{site.url}/agenda.ics?jeton=inconnu").status_code == 404
    events = everyone.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Job dating EHPAD à Caen", "Forum santé à Metz"]
    first = events[0]
    assert first.decoded("DTSTART") == today + dt.timedelta(days=10) and str(first["LOCATION"]) == "Caen"
    assert str(first["URL"]) == "https://agenda1.example/1"
    assert [str(e["SUMMARY"]) for e in mine.walk("VEVENT")] == ["Job dating EHPAD à Caen"]
    store.close()
