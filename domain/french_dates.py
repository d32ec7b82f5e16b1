"""French date phrases shared by the stages: the patterns of a date written in French
("8 oct. 2024", "mardi 8 octobre", "08/10/2024", "2024-10-08", "hier") and
`parse_french_date()`, which reads one date string (a page's publication date, a
listing's date).  Scrapers read listing dates with it; triage builds its event-date
reading on the same patterns (`triage.dates`).
"""
from __future__ import annotations

import datetime as _dt
import re

from domain.french_calendar import MONTH_NUMBERS, WEEKDAY_NUMBERS
from domain.text import fold

Date = _dt.date

RELATIVE = {"avant-hier": -2, "hier": -1, "aujourd'hui": 0, "ce matin": 0, "ce soir": 0,
            "cet apres-midi": 0, "demain": 1, "apres-demain": 2}

MON = "(?:" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + ")"
WD = "(?:" + "|".join(WEEKDAY_NUMBERS) + ")"
DAY = r"(?:1\s?er|premier|[0-3]?\d)"
YEAR = r"(?:19|20)\d\d"

# Pieces of patterns (MON, WD, DAY, YEAR) and whole patterns; all run on folded text (lower case, no accents, plain apostrophes/dashes).
ISO_RE = re.compile(rf"(?<![\d/])(?P<y>{YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)")
NUM_RE = re.compile(
    r"(?<![\d/.\-])(?P<d>[0-3]?\d)(?P<sep>[/.\-])(?P<m>[01]?\d)(?P=sep)(?P<y>(?:19|20)\d\d|\d\d)"
    r"(?!\d|[/.\-]\d)")
DM_RE = re.compile(
    rf"(?<![\w/.,])(?:(?P<wd>{WD})\s+)?(?P<d>{DAY})"
    rf"(?P<more>(?:\s*(?:-|,|&|/|et|au)\s*(?:le\s+)?(?:{WD}\s+)?(?:1\s?er|[0-3]?\d)(?!\w)){{0,8}})"
    rf"\s*(?P<mon>{MON})(?![a-z])\.?(?:\s+(?P<y>{YEAR})(?!\d))?")
YMD_SLASH_RE = re.compile(rf"(?<![\d/])(?P<y>{YEAR})/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?![\d/])")
REL_RE = re.compile(
    r"(?<![\w'])(?P<rel>avant-hier|apres-demain|aujourd'hui|hier|demain|ce matin|ce soir|"
    r"cet apres-midi)(?![\w'])")


def mkdate(y: int | None, m: int | None, d: int | None) -> Date | None:
    try:
        return Date(int(y), int(m), int(d))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def day_value(s: str) -> int:
    s = s.replace(" ", "")
    return 1 if s in ("1er", "premier") else int(s)


def year4(y: str) -> int:
    v = int(y)
    return v if len(y) == 4 else 2000 + v if v < 70 else 1900 + v


def parse_french_date(s: str, reference: Date | None = None) -> Date | None:
    """Parse one French date string ("Publié le 8 oct. 2024", "08/10/2024", "2024-10-08",
    "mardi 8 octobre 2024 à 18h30", "hier"...).  A year-less "12 novembre" takes the most
    recent occurrence not after `reference` (default: today).  Returns None if no date."""
    f = fold(s or "")
    found: list[tuple[int, Date]] = []
    for rx in (ISO_RE, YMD_SLASH_RE):
        m = rx.search(f)
        d = mkdate(m.group("y"), m.group("m"), m.group("d")) if m else None
        if m and d:
            found.append((m.start(), d))
    for m in NUM_RE.finditer(f):
        d = mkdate(year4(m.group("y")), m.group("m"), m.group("d"))
        if d and not (len(m.group("y")) == 2 and m.group("sep") != "/"):
            found.append((m.start(), d))
            break
    ref = reference or Date.today()
    for m in DM_RE.finditer(f):
        day = day_value(m.group("d"))
        month = MONTH_NUMBERS[m.group("mon")]
        if m.group("y"):
            d = mkdate(m.group("y"), month, day)
        else:
            d = mkdate(ref.year, month, day)
            if d and d > ref:
                d = mkdate(ref.year - 1, month, day)
        if d:
            found.append((m.start(), d))
            break
    m = REL_RE.search(f)
    if m:
        found.append((m.start(), ref + _dt.timedelta(days=RELATIVE[m.group("rel")])))
    m = re.search(r"\bil y a (\d+)\s*(jours?|j|semaines?|heures?|h|minutes?|min)\b", f)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        days = n if unit.startswith("j") else 7 * n if unit.startswith("s") else 0
        found.append((m.start(), ref - _dt.timedelta(days=days)))
    if not found:
        return None
    return min(found, key=lambda pd: pd[0])[1]
