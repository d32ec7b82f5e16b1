"""The unattended jobs of `run.py serve`: fetch, weekly digest with catch-up, retention.

Each job is a plain blocking function (the server runs them in a worker thread); the
weekly digest remembers the last week sent in the store, so a week missed while the
process was down is sent once at the next start and a restart never sends one twice.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from zoneinfo import ZoneInfo

from config.schema import Config
from digest.weeks import DAY_CODES, week_of
from pipeline.digest import DeliveryUnavailable, SendReport, send_week
from pipeline.fetch import FeedReport, run_labelled_fetch, select_feeds
from store import Store, open_store

log = logging.getLogger("vigie.jobs")
WEEKDAYS = DAY_CODES


def fetch_job(config: Config, busy: threading.Lock) -> list[FeedReport] | None:
    """One fetch cycle over every enabled source; skipped if one is already running."""
    if not busy.acquire(blocking=False):
        log.warning("fetch skipped: the previous fetch is still running")
        return None
    try:
        # a Store of its own: the fetch reads without the lock while the bot keeps serving
        with open_store(config.data_dir) as own_store:
            reports = run_labelled_fetch(config, own_store, select_feeds(config, None))
        failed = [r for r in reports if r.outcome == "failed"]
        log.info("fetch: %d new articles, %d of %d sources failed", sum(r.new for r in reports),
                 len(failed), len(reports))
        return reports
    finally:
        busy.release()


def last_due(config: Config, now: dt.datetime) -> dt.datetime:
    """The latest scheduled digest moment at or before `now` (local time, DST-safe)."""
    tz = ZoneInfo(config.timezone)
    local = now.astimezone(tz)
    hour, minute = (int(x) for x in config.digest.send_time.split(":"))
    weekday = WEEKDAYS.index(config.digest.send_weekday)
    day = local.date() - dt.timedelta(days=(local.weekday() - weekday) % 7)
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    if moment > local:
        moment -= dt.timedelta(days=7)
        moment = dt.datetime(moment.year, moment.month, moment.day, hour, minute, tzinfo=tz)
    return moment


def due_week(config: Config, now: dt.datetime) -> str:
    """The week the latest scheduled send is for: the week before that send."""
    return week_of(last_due(config, now).date() - dt.timedelta(days=7))


def digest_job(config: Config, store: Store, now: dt.datetime | None = None,
               telegram_sender=None) -> SendReport | None:
    """Send the week that is due, unless it was already sent (`telegram_sender`: see
    `send_week`; `serve` passes one that sends through its running bot)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    week = due_week(config, now)
    last = store.deliveries.last_week_sent()
    if last is not None and last >= week:
        log.info("digest %s already sent", week)
        return None
    try:
        report = send_week(config, store, week, now=now, telegram_sender=telegram_sender)
    except DeliveryUnavailable as exc:
        log.warning("digest %s not sent: %s", week, exc)
        return None
    log.info("digest %s: telegram %d sent, e-mail %d sent", week, report.telegram.sent, report.email.sent)
    return report


def retention_job(config: Config, store: Store, today: dt.date | None = None) -> list[str]:
    today = today or dt.date.today()
    cutoff = today - dt.timedelta(days=config.store.retention_days)
    with store.writing():
        removed = store.articles.apply_retention(cutoff, archive=config.store.archive)
    if removed:
        log.info("retention: %d day files %s", len(removed), "archived" if config.store.archive else "deleted")
    return removed
