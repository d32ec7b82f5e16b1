"""Text normalisation shared by scrapers and triage: accent and case folding, word splitting."""
from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'",
                              "–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " ",
                              "\u202f": " ", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes/dashes/spaces: 'Été – Œuvre' -> 'ete - oeuvre'."""
    text = (text or "").translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower()


def words(text: str) -> list[str]:
    """Folded alphanumeric tokens of `text`."""
    return _WORD.findall(fold(text))
