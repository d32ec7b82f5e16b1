"""`domain.text.Folded`: a text folded once, the folds of its parts cut from it."""
import random
from itertools import chain

import pytest

from domain.text import Folded, fold

# characters `Folded` reasons about, and some it does not
CHARS = [chr(c) for c in chain(range(0x530), range(0x1E00, 0x1F00), range(0x2000, 0x2190), range(0xFB00, 0xFB07))]
CHARS += ["😀", "日", "\u0301", "Σ", "Ϲ", "œ", "ß", "İ", "\x00", "\n"]


@pytest.mark.parametrize("text, aligned", [
    ("Été – l’été", True), ("", True), ("plain ascii `text`", True),
    ("Œuvre", False),               # one character folds to two
    ("e\u0301te\u0301", False),     # combining accents fold to nothing
    ("AΣ b", False), ("AϹ b", False),   # final sigma: folded by its neighbours
    ("forum 😀", False),            # a script not checked
])
def test_aligned_only_when_every_character_folds_to_one(text, aligned):
    folded = Folded.of(text)
    assert folded.folded == fold(text) and folded.aligned is aligned


def test_a_part_is_folded_as_it_would_be_alone():
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(CHARS) if rng.random() < 0.4 else rng.choice("aé AÉ.\n-’") for _ in range(30))
        for whole in (Folded.of(text), Folded.unfolded(text)):
            for _ in range(4):
                a = rng.randint(0, len(text))
                b = rng.randint(a, len(text))
                assert whole.part(a, b) == fold(text[a:b]), (text, a, b)
