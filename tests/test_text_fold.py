"""`domain.text.Folded`: a text folded once, the folds of its lines cut from it."""
import random
from itertools import chain

import pytest

from domain.text import Folded, fold

# characters `Folded` reasons about, and some it does not
CHARS = [chr(c) for c in chain(range(0x530), range(0x1E00, 0x1F00), range(0x2000, 0x2190), range(0xFB00, 0xFB07))]
CHARS += ["😀", "日", "\u0301", "Σ", "Ϲ", "œ", "ß", "İ", "\x00", "\n"]


@pytest.mark.parametrize("text, by_character", [
    ("Été – l’été", True), ("", True), ("plain ascii `text`", True),
    ("Œuvre\nCœur", True),              # "œ" folds to two characters, on its own
    ("e\u0301te\u0301", True),          # combining accents fold to nothing, on their own
    ("AΣ b", False), ("AϹ b", False),   # final sigma: folded by its neighbours
    ("forum 😀", False),                # a script not checked
])
def test_by_character_only_without_characters_folded_by_their_neighbours(text, by_character):
    folded = Folded.of(text)
    assert folded.folded == fold(text) and folded.by_character is by_character


def test_a_line_is_folded_as_it_would_be_alone():
    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choice(CHARS) if rng.random() < 0.4 else rng.choice("aé AÉ.\n-’Σ") for _ in range(30))
        whole = Folded.of(text)
        assert whole.lines() == [fold(line) for line in text.split("\n")], text
        if whole.by_character:
            cut = rng.randint(0, len(text))
            assert fold(text[:cut]) + fold(text[cut:]) == whole.folded, (text, cut)


@pytest.mark.parametrize("text, beyond", [
    ("", False), ("Été", False), ("\uffff", False), ("\ud800 lone \udfff surrogates", False),
    ("\ud83d\ude00", False),            # two surrogate code points, not one character
    ("forum 😀", True), ("𝔉", True), ("\U0010ffff", True),
])
def test_characters_beyond_the_basic_plane_are_seen(text, beyond):
    from domain.text import _beyond_bmp
    assert _beyond_bmp(text) is beyond


def test_marks_are_unified_whatever_their_order():
    from domain.text import _APOSTROPHES, _unify_marks
    marks = "".join(map(chr, _APOSTROPHES))
    for text in (marks, marks[::-1] + " l'été ", "", "plain"):
        assert _unify_marks(text) == "".join(_APOSTROPHES.get(ord(c), c) for c in text)
    assert fold("L’été – Œuvre\u00a0`cœur´") == "l'ete - oeuvre 'coeur'"
