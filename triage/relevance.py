"""Is an article about the health and social sector's workforce? A scored decision.

Two kinds of evidence must meet: the sector (care workplaces, professions, bodies) and
staffing (jobs, hiring, shortages, careers, training, retention), or a phrase that is
both ("métiers du grand âge"). Near-miss vocabulary (epidemics, equipment, blood
donation, other sectors' jobs) counts against.
"""
from __future__ import annotations

from dataclasses import dataclass

from triage.vocabulary import Vocabulary, Zones, zone_score

COMBO_WEIGHT = 2.0          # a sector+staffing phrase counts this much for both sides
NEGATIVE_WEIGHT = 1.0
MIN_SECTOR = 3.0
MIN_WORKFORCE = 3.0
MIN_TOTAL = 10.0            # sector + workforce - negative, for an article with a body
MIN_TOTAL_TITLE_ONLY = 6.0  # ... for a title alone: its words already weigh TITLE_WEIGHT
FULL_TEXT_CHARS = 600       # between the two, the bar rises with the text available


@dataclass(frozen=True)
class RelevanceScore:
    sector: float
    workforce: float
    combo: float
    negative: float

    @property
    def total(self) -> float:
        return self.sector + self.workforce - NEGATIVE_WEIGHT * self.negative

    text_chars: int = FULL_TEXT_CHARS

    @property
    def bar(self) -> float:
        share = min(1.0, self.text_chars / FULL_TEXT_CHARS)
        return MIN_TOTAL_TITLE_ONLY + (MIN_TOTAL - MIN_TOTAL_TITLE_ONLY) * share

    @property
    def relevant(self) -> bool:
        return self.sector >= MIN_SECTOR and self.workforce >= MIN_WORKFORCE and self.total >= self.bar


def score_relevance(zones: Zones, vocabulary: Vocabulary) -> RelevanceScore:
    combo, _ = zone_score(vocabulary.sector_workforce, zones, COMBO_WEIGHT, vocabulary=vocabulary)
    sector, _ = zone_score(vocabulary.sector, zones, vocabulary=vocabulary)
    workforce, _ = zone_score(vocabulary.workforce, zones, vocabulary=vocabulary)
    negative, _ = zone_score(vocabulary.negative, zones, vocabulary=vocabulary)
    return RelevanceScore(sector=sector + combo, workforce=workforce + combo, combo=combo, negative=negative,
                          text_chars=len(zones.lead) + len(zones.body))
