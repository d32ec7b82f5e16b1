"""Dates found on web pages (attributes or French text) to ISO datetimes in UTC."""
from __future__ import annotations

import datetime as dt

from domain.french_dates import parse_french_date


def parse_date_text(value: str | None) -> str | None:
    """'2026-11-17T09:30:00+01:00', 'Publié le 17 novembre 2026', '17/11/2026' -> ISO UTC."""
    if not value:
        return None
    value = value.strip()
    if len(value) == 10 and value[4] == "-":
        value += "T12:00:00"  # a bare date: noon UTC stays on the same day in France
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        day = parse_french_date(value)
        if day is None:
            return None
        when = dt.datetime(day.year, day.month, day.day, 12, 0)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat()
