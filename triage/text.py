"""Text normalisation for the triage rules (`fold` and `words` are defined in
`domain.text`, shared with scrapers; `stem` is triage's own)."""
from domain.text import fold, words

__all__ = ["fold", "words", "stem"]


def stem(word: str) -> str:
    """Crude French normalisation: plural and feminine endings dropped ('infirmieres' ->
    'infirmier'), for comparing words rather than spelling them."""
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 5 and word.endswith("e"):
        word = word[:-1]
    return word
