"""Text normalisation for the triage rules (defined in `domain.text`, shared with scrapers)."""
from domain.text import fold, words

__all__ = ["fold", "words"]
