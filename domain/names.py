"""What people type for a region or a theme, turned into its code.

Shared by the bot, the CLI and the web front: accent- and case-insensitive French names
("Normandie", "études"), department numbers ("29" -> FR-BRE), ISO codes, and a
suggestion when nothing matches ("Bretange" -> Bretagne).
"""
from __future__ import annotations

import difflib
import re

from domain.regions import NATIONWIDE, REGIONS, region_label
from domain.text import fold
from domain.themes import THEMES, theme_label

# Department number -> region code (metropolitan departments; overseas ones are regions).
_DEPARTMENTS_BY_REGION: dict[str, str] = {
    "FR-ARA": "01 03 07 15 26 38 42 43 63 69 73 74",
    "FR-BFC": "21 25 39 58 70 71 89 90",
    "FR-BRE": "22 29 35 56",
    "FR-CVL": "18 28 36 37 41 45",
    "FR-COR": "20 2A 2B",
    "FR-GES": "08 10 51 52 54 55 57 67 68 88",
    "FR-HDF": "02 59 60 62 80",
    "FR-IDF": "75 77 78 91 92 93 94 95",
    "FR-NOR": "14 27 50 61 76",
    "FR-NAQ": "16 17 19 23 24 33 40 47 64 79 86 87",
    "FR-OCC": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "FR-PDL": "44 49 53 72 85",
    "FR-PAC": "04 05 06 13 83 84",
    "FR-971": "971", "FR-972": "972", "FR-973": "973", "FR-974": "974", "FR-976": "976",
}
DEPARTMENTS: dict[str, str] = {dep: code for code, deps in _DEPARTMENTS_BY_REGION.items()
                               for dep in deps.split()}

# Usual short names, in folded form.
_REGION_ALIASES = {
    "france": NATIONWIDE, "national": NATIONWIDE, "nationale": NATIONWIDE, "france entiere": NATIONWIDE,
    "bzh": "FR-BRE", "breizh": "FR-BRE", "idf": "FR-IDF", "paca": "FR-PAC", "ara": "FR-ARA",
    "reunion": "FR-974", "grand-est": "FR-GES", "aura": "FR-ARA",
}
_THEME_ALIASES = {
    "evenement": "event", "forum": "event", "charte": "charter", "engagement": "charter",
    "campagne": "campaign", "apprentissage": "apprenticeship", "reconversion": "training",
    "fidelisation": "retention", "conditions de travail": "retention", "etude": "study",
    "chiffres": "study", "recrutement": "recruitment",
}


class UnknownName(ValueError):
    """Nothing matches; `suggestion` is the French name of the closest one, if any."""

    def __init__(self, text: str, suggestion: str | None):
        super().__init__(text)
        self.text = text
        self.suggestion = suggestion


def _key(text: str) -> str:
    """Folded, spaces and dashes unified, apostrophes dropped: "Côte-d'Azur" -> 'cote d azur'."""
    return re.sub(r"[\s\-_']+", " ", fold(text)).strip()


def _region_table() -> dict[str, str]:
    table = {_key(code): code for code in REGIONS} | {_key(NATIONWIDE): NATIONWIDE}
    table |= {_key(name): code for code, (_, name) in REGIONS.items()}
    table |= {_key(alias): code for alias, code in _REGION_ALIASES.items()}
    return table


def _department(text: str) -> str | None:
    """Region of a department number, bare or as an ISO code ("29", "FR-29", "2a")."""
    number = text.strip().upper().removeprefix("FR-")
    if number.isdigit() and len(number) == 1:
        number = "0" + number
    return DEPARTMENTS.get(number)


def region_code(text: str) -> str:
    """The region code for a code, French name, alias or department number; else UnknownName."""
    table = _region_table()
    key = _key(text)
    if key in table:
        return table[key]
    for prefix in ("la ", "fr "):                     # "La Réunion", "FR-BZH"
        if key.startswith(prefix) and key.removeprefix(prefix) in table:
            return table[key.removeprefix(prefix)]
    found = _department(text)
    if found:
        return found
    raise UnknownName(text, region_suggestion(text))


def region_codes(words: list[str]) -> list[str]:
    """Region codes from command words, where a name may span several words
    ("Pays de la Loire", "Grand Est") and commas may separate entries; no duplicates."""
    words = [w for word in words for w in word.replace(",", " ").split()]
    codes: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):        # the longest run of words that names a region
            try:
                code = region_code(" ".join(words[i:j]))
            except UnknownName:
                continue
            break
        else:
            rest = " ".join(words[i:])
            suggestion = region_suggestion(rest) if len(words) - i > 1 else None
            raise UnknownName(rest if suggestion else words[i], suggestion or region_suggestion(words[i]))
        if code not in codes:
            codes.append(code)
        i = j
    return codes


def region_suggestion(text: str) -> str | None:
    """The French name of the region closest to a typo, or None."""
    table = _region_table()
    close = difflib.get_close_matches(_key(text), list(table), n=1, cutoff=0.75)
    return region_label(table[close[0]]) if close else None


def region_hint(text: str) -> str | None:
    """The region code meant by a wrong entry (a name, a department, a typo), or None."""
    try:
        return region_code(text)
    except UnknownName:
        table = _region_table()
        close = difflib.get_close_matches(_key(text), list(table), n=1, cutoff=0.75)
        return table[close[0]] if close else None


def _theme_table() -> dict[str, str]:
    table = {_key(code): code for code in THEMES}
    for code, label in THEMES.items():
        table[_key(label)] = code
        table.setdefault(_key(label.split()[0]), code)      # "Études et chiffres" -> "etudes"
    table |= {_key(alias): code for alias, code in _THEME_ALIASES.items()}
    return table


def theme_code(text: str) -> str:
    """The theme code for a code, a French label or its first word, singular or plural."""
    table = _theme_table()
    key = _key(text)
    for candidate in (key, key.removesuffix("s"), key + "s"):
        if candidate in table:
            return table[candidate]
    close = difflib.get_close_matches(key, list(table), n=1, cutoff=0.75)
    raise UnknownName(text, theme_label(table[close[0]]) if close else None)
