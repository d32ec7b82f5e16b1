"""Text normalisation shared by scrapers and triage: accent and case folding, word splitting."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'",
                              "–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " ",
                              "\u202f": " ", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_WORD = re.compile(r"[a-z0-9]+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def char_class(codes: list[int]) -> str:
    """A regex character class matching exactly `codes` (sorted), as ranges."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                         for a, b in ranges) + "]"


# `str.translate` with a dict and a generator over every character cost ~0.2 ms for a
# 1,000-character text; replacing the few characters concerned and deleting combining
# marks with regexes gives the same result four times faster.  Combining marks of the
# Basic Multilingual Plane are listed once; text beyond it takes the general path.
_APOSTROPHE_RE = re.compile(char_class(sorted(_APOSTROPHES)))
_COMBINING_RE = re.compile(char_class([c for c in range(0x300, 0x10000)
                                        if not 0xD800 <= c < 0xE000 and unicodedata.combining(chr(c))]))
_ASTRAL_RE = re.compile("[\U00010000-\U0010FFFF]")


def _apostrophes(match: re.Match) -> str:
    return _APOSTROPHES[ord(match.group())]


@lru_cache(maxsize=65536)
def _fold_short(text: str) -> str:
    return _strip_accents(text).lower()


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes/dashes/spaces: 'Été – Œuvre' -> 'ete - oeuvre'."""
    text = _APOSTROPHE_RE.sub(_apostrophes, text or "")
    if text.isascii():
        return text.lower()
    if len(text) <= 48:  # words and names are folded again and again: cache them
        return _fold_short(text)
    if _ASTRAL_RE.search(text):
        return _strip_accents(text).lower()
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text)).lower()


def words(text: str) -> list[str]:
    """Folded alphanumeric tokens of `text`."""
    return _WORD.findall(fold(text))


class Folded(NamedTuple):
    """A text and its fold, so that the stages reading one article fold it once: the
    fold of a part of the text (a line, a sentence) is cut from the whole fold when
    folding kept every offset (`part`), instead of being folded again."""
    text: str
    folded: str | None      # fold(text), None when not computed
    aligned: bool           # every character folded to exactly one: fold(text[a:b]) == folded[a:b]

    @classmethod
    def of(cls, text: str) -> "Folded":
        folded = fold(text)
        return cls(text, folded, len(folded) == len(text) and (text.isascii() or not _misaligning().search(text)))

    @classmethod
    def unfolded(cls, text: str) -> "Folded":
        """`text` with no whole fold: each part asked for is folded on its own."""
        return cls(text, None, False)

    def part(self, start: int, end: int) -> str:
        """fold(text[start:end])."""
        if self.aligned:
            return self.folded[start:end]
        return fold(self.text[start:end])


@lru_cache(maxsize=1)
def _misaligning() -> re.Pattern:
    """Characters that may keep `fold` from folding a text character by character:
    those that fold to nothing (combining accents) or whose fold depends on their
    neighbours (capital sigma, and what decomposes into one: lower-casing gives "ς" at
    the end of a word), and those of scripts not checked here.

    Why this is enough: apostrophes and dashes are replaced one by one, NFKD decomposes
    each character on its own (it only reorders combining marks, which `fold` drops),
    and `str.lower` lowers each character on its own but the capital sigma.  So in a
    text without these characters, each character folds to one or more on its own, and
    a fold as long as the text is one character per character: its offsets are the text's."""
    checked = chain(range(0x530), range(0x1E00, 0x1F00), range(0x2000, 0x2190), range(0xFB00, 0xFB07))
    known = [chr(c) for c in checked
             if len(fold(chr(c))) >= 1 and "\u03a3" not in unicodedata.normalize("NFKD", chr(c))]
    return re.compile("[^" + "".join(map(re.escape, known)) + "]")
