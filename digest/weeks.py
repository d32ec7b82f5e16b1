"""ISO weeks in the Europe/Paris calendar: names ('2026-W47'), bounds, the week just ended."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from domain.french_calendar import MONTHS, WEEKDAYS

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(name: str) -> tuple[int, int]:
    match = WEEK_RE.match(name or "")
    if not match:
        raise ValueError(f"not an ISO week (expected YYYY-Www, e.g. 2026-W47): {name!r}")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {week}") from None
    return year, week


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(name: str) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week."""
    year, week = parse_week(name)
    monday = dt.date.fromisocalendar(year, week, 1)
    return monday, monday + dt.timedelta(days=6)


def local_day(timestamp: str, tz: str) -> dt.date:
    """Calendar day in `tz` of an ISO timestamp (a bare date is taken as is)."""
    if len(timestamp) == 10:
        return dt.date.fromisoformat(timestamp)
    when = dt.datetime.fromisoformat(timestamp)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(ZoneInfo(tz)).date()


def previous_week(now: dt.datetime, tz: str) -> str:
    """The week just ended, as seen in `tz` at `now`."""
    today = now.astimezone(ZoneInfo(tz)).date()
    return week_of(today - dt.timedelta(days=7))


def current_week(now: dt.datetime, tz: str) -> str:
    return week_of(now.astimezone(ZoneInfo(tz)).date())


def french_week_label(name: str) -> str:
    """'semaine du 16 au 22 novembre 2026'."""
    monday, sunday = week_bounds(name)
    if monday.month == sunday.month:
        return f"semaine du {monday.day} au {french_date(sunday)}"
    if monday.year == sunday.year:
        return f"semaine du {monday.day} {MONTHS[monday.month - 1]} au {french_date(sunday)}"
    return f"semaine du {french_date(monday)} au {french_date(sunday)}"


DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")   # `[digest] send_weekday` values


def french_weekday(code: str) -> str:
    """'lundi' for 'mon' (a `[digest] send_weekday` value), 'mardi' for 'tue', ..."""
    try:
        return WEEKDAYS[DAY_CODES.index(code)]
    except ValueError:
        raise ValueError(f"not a day code (mon, tue, ..., sun): {code!r}") from None


def send_day_sentence(code: str) -> str:
    """'Chaque lundi' for the configured send day: how the bot tells when the digest comes."""
    return f"Chaque {french_weekday(code)}"


def french_date(day: dt.date | str, weekday: bool = False) -> str:
    """'22 novembre 2026' ('1er' for the first day; 'mardi 1er décembre 2026' with weekday)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text
