"""Text normalisation shared by scrapers and triage: accent and case folding, word splitting."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'",
                              "–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " ",
                              "\u202f": " ", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_WORD = re.compile(r"[a-z0-9]+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def _fold_short(text: str) -> str:
    return _strip_accents(text).lower()


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes/dashes/spaces: 'Été – Œuvre' -> 'ete - oeuvre'."""
    text = (text or "").translate(_APOSTROPHES)
    if text.isascii():
        return text.lower()
    if len(text) <= 48:  # words and names are folded again and again: cache them
        return _fold_short(text)
    return _strip_accents(text).lower()


def words(text: str) -> list[str]:
    """Folded alphanumeric tokens of `text`."""
    return _WORD.findall(fold(text))
