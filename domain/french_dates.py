"""Single French date strings to dates: '8 octobre 2024', 'mardi 8 oct. 2024', '08/10/2024'.

Shared by the scrapers (publication dates on HTML pages) and triage (event dates).
"""
from __future__ import annotations

import datetime as dt
import re

from domain.text import fold

MONTHS: dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}
WEEKDAYS: dict[str, int] = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4,
                            "samedi": 5, "dimanche": 6}

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
TEXT_DATE = re.compile(r"\b(\d{1,2})(?:er|e)?\s+(" + _MONTH_ALT + r")\.?(?:\s+(\d{4}))?\b")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_french_date(text: str, reference: dt.date | None = None) -> dt.date | None:
    """The first date written in `text`; a date without year takes the most recent
    occurrence on or before `reference` (today when not given)."""
    if not text:
        return None
    folded = fold(text)
    match = ISO_DATE.search(folded)
    if match:
        return safe_date(*(int(g) for g in match.groups()))
    match = TEXT_DATE.search(folded)
    if match:
        day, month = int(match.group(1)), MONTHS[match.group(2)]
        if match.group(3):
            return safe_date(int(match.group(3)), month, day)
        ref = reference or dt.date.today()
        candidate = safe_date(ref.year, month, day)
        if candidate and candidate > ref:
            candidate = safe_date(ref.year - 1, month, day)
        return candidate
    match = NUMERIC_DATE.search(folded)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
        return safe_date(year, month, day)
    return None
