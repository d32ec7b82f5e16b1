"""French month and weekday names, written once for every stage that reads or writes dates.

`MONTHS` and `WEEKDAYS` are the written forms (accents kept, for digests and replies);
`MONTH_NUMBERS` and `WEEKDAY_NUMBERS` map folded forms (lower case, no accents) and the
usual abbreviations to numbers, for parsers (scrapers' listing dates, triage's event dates).
"""
from __future__ import annotations

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

MONTH_NUMBERS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11,
    "nov": 11, "decembre": 12, "dec": 12,
}
WEEKDAY_NUMBERS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
