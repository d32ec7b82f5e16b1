"""Fast paths of triage.stories.features checked against their plain definitions."""
import random
import re

from triage.stories import features as F
from triage.text import fold

# The plain definitions the fast paths replace.
_WORD = re.compile(r"[^\W\d_][\w\-]*")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;|•…\n«»\"“”()\[\]]|\s-)\s*$")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:[.,]\d+)?(?![\w])")
_DAY_MONTH = re.compile(r"\b(1er|[0-3]?\d)\s+(" + "|".join(F._MONTH_NUMBERS) + r")\b"
                        r"|\b([0-3]?\d)/([01]?\d)/(?:20)?\d\d\b")

# Characters around which the fast paths could go wrong: word boundaries, sentence
# ends, spaces of all kinds, digits of other scripts, capitals beyond ASCII and beyond
# the Basic Multilingual Plane, title case, capitals that are not letters.
_TRICKY = list("aBzZÉé-_19 .\n\t:;«»\"“()[]•…-–'’ΣΩǅⒶ١٣\u00a0\u202f\u2003\r") + ["𝐀", "𝐚", "😀"]


def _random_texts(alphabet, n, seed, longest=12):
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest))) for _ in range(n)]


def _plain_capitalised_words(text):
    return {m.group() for m in _WORD.finditer(text)
            if m.group()[0].isupper() and not _SENTENCE_END.search(text[max(0, m.start() - 3):m.start()])}


def test_capitalised_words_are_those_of_the_plain_definition():
    texts = _random_texts(_TRICKY, 30_000, seed=1) + [
        "Vesoul", " Vesoul", "  Vesoul", "   Vesoul", "a Vesoul", "a  Vesoul", "a   Vesoul",
        "fin. Vesoul", "fin.  Vesoul", "fin.   Vesoul", "« Vesoul »", "le 3M de Vesoul", "x -Vesoul",
        "x - Vesoul", "x_Vesoul", "12-Vesoul", "Jean-Pierre et Marie-Claire", "l'ARS et l’Hôpital",
        "voir 𝐀bc et Ωmega", "ǅemal et Ⓐb", "ΣΑΣ à Athènes"]
    for text in texts:
        assert F._capitalised_words(text) == _plain_capitalised_words(text), repr(text)


def test_capitalised_words_inside_sentences_only():
    assert F._capitalised_words("Lundi, le CHU de Vesoul. Les élus et 3M") == {"CHU", "Vesoul", "M"}


def test_number_and_date_regexes_match_as_the_plain_ones():
    alphabet = list("0123 1er9/.,a_x\u00a0\u202fé٣") + [" avril", " mai", "/2", "20", "2 024"]
    for text in _random_texts(alphabet, 30_000, seed=2, longest=10):
        assert [(m.span(), m.group(1)) for m in F._NUMBER_RE.finditer(text)] == \
               [(m.span(), m.group(1)) for m in _NUMBER.finditer(text)], repr(text)
        folded = fold(text)
        assert [(m.span(), m.group(1), m.group(2), m.group(3)) for m in F._DAY_MONTH_RE.finditer(folded)] == \
               [(m.span(), m.group(1) or m.group(3), m.group(2), m.group(4)) for m in _DAY_MONTH.finditer(folded)], \
               repr(text)


def test_numbers_and_dates_written():
    assert F._numbers("1.800 euros, 18 110 habitants, 2 024 places, le 1er mai 2024 à 9h, 350 lits") == \
        {"#1800", "#18110", "#2024", "#350"}
    assert F._written_dates(fold("le 1er mai, le 8 avril et le 08/04/2025, pas le 45 mai")) == \
        {(1, 5), (8, 4)}


def test_lead_and_text_words_are_those_of_each_part():
    rnd = random.Random(3)
    for length in range(F.LEAD_CHARS - 4, F.LEAD_CHARS + 5):
        for _ in range(200):
            text = "".join(rnd.choice("ab1 -") for _ in range(length))
            lead_words, text_words = F._lead_and_text_words(text)
            assert lead_words == F._FOLDED_WORD.findall(text[:F.LEAD_CHARS])
            assert text_words == F._FOLDED_WORD.findall(text)


def test_editions():
    assert F._editions("3e edition du forum 2025", "3e edition du forum 2025\ndeuxieme edition") == \
        {"e:3", "e:2", "y:2025"}
    assert F._editions("salon", "salon\nle forum de la 12eme session") == {"e:12"}
    assert F._editions("", "le forum") == frozenset()


def test_no_capital_letter_lies_beyond_the_scanned_code_points():
    # `_capitalised_word_res` lists capitals below CAPITALS_END only: a Python whose
    # character database has one beyond would miss proper words written with it.
    import sys
    assert not [c for c in range(F.CAPITALS_END, sys.maxunicode + 1) if chr(c).isupper()]
