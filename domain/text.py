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
# 1,000-character text; replacing the few characters concerned (`_unify_marks`) and
# deleting combining marks with a regex gives the same result four times faster.
# Combining marks of the Basic Multilingual Plane are listed once; text beyond it takes
# the general path.
_MARKS = tuple((chr(code), replacement) for code, replacement in _APOSTROPHES.items())
_COMBINING_RE = re.compile(char_class([c for c in range(0x300, 0x10000)
                                        if not 0xD800 <= c < 0xE000 and unicodedata.combining(chr(c))]))


def _beyond_bmp(text: str) -> bool:
    """Whether `text` holds a character beyond the Basic Multilingual Plane: each takes
    two UTF-16 code units (encoding is one pass in C, five times faster than searching
    the text with a regex for them)."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def _unify_marks(text: str) -> str:
    """`text` with the characters of `_APOSTROPHES` replaced: one `str.replace` per
    character it holds (a C pass each; a regex substitution called Python back for
    every apostrophe, and French texts hold dozens: four times slower).  No replacement
    holds a replaced character, so the order does not matter."""
    for char, replacement in _MARKS:
        if char in text:
            text = text.replace(char, replacement)
    return text


@lru_cache(maxsize=65536)
def _fold_short(text: str) -> str:
    return _strip_accents(text).lower()


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes/dashes/spaces: 'Été – Œuvre' -> 'ete - oeuvre'."""
    text = _unify_marks(text or "")
    if text.isascii():
        return text.lower()
    if len(text) <= 48:  # words and names are folded again and again: cache them
        return _fold_short(text)
    if _beyond_bmp(text):
        return _strip_accents(text).lower()
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text)).lower()


def words(text: str) -> list[str]:
    """Folded alphanumeric tokens of `text`."""
    return _WORD.findall(fold(text))


class Folded(NamedTuple):
    """A text and its fold, so that the stages reading one article fold it once: the
    folds of its lines are cut from the whole fold when folding went character by
    character (`lines`), instead of being folded again."""
    text: str
    folded: str             # fold(text)
    by_character: bool      # each character was folded on its own: fold(a + b) == fold(a) + fold(b)

    @classmethod
    def of(cls, text: str) -> "Folded":
        return cls(text, fold(text), text.isascii() or not _not_by_character().search(text))

    def lines(self) -> list[str]:
        """fold(line) for each line of `text.split("\n")` (a line break folds to itself
        and no other character folds to one)."""
        if self.by_character:
            return self.folded.split("\n")
        return [fold(line) for line in self.text.split("\n")]


@lru_cache(maxsize=1)
def _not_by_character() -> re.Pattern:
    """Characters that may keep `fold` from folding a text character by character:
    those whose fold depends on their neighbours (capital sigma, and what decomposes
    into one: lower-casing gives "ς" at the end of a word), and those of scripts not
    checked here.

    Why this is enough: apostrophes and dashes are replaced one by one, NFKD decomposes
    each character on its own (it only reorders combining marks, which `fold` drops),
    and `str.lower` lowers each character on its own but the capital sigma."""
    checked = chain(range(0x530), range(0x1E00, 0x1F00), range(0x2000, 0x2190), range(0xFB00, 0xFB07))
    known = [c for c in checked if "\u03a3" not in unicodedata.normalize("NFKD", chr(c))]
    return re.compile("[^" + char_class(known)[1:])     # as ranges: compiled in a third of the time
