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
MIN_TOTAL = 10.0            # sector + workforce - negative


@dataclass(frozen=True)
class RelevanceScore:
    sector: float
    workforce: float
    combo: float
    negative: float

    @property
    def total(self) -> float:
        return self.sector + self.workforce - NEGATIVE_WEIGHT * self.negative

    @property
    def relevant(self) -> bool:
        return self.sector >= MIN_SECTOR and self.workforce >= MIN_WORKFORCE and self.total >= MIN_TOTAL


def score_relevance(zones: Zones, vocabulary: Vocabulary) -> RelevanceScore:
    combo, _ = zone_score(vocabulary.sector_workforce, zones, COMBO_WEIGHT)
    sector, _ = zone_score(vocabulary.sector, zones)
    workforce, _ = zone_score(vocabulary.workforce, zones)
    negative, _ = zone_score(vocabulary.negative, zones)
    return RelevanceScore(sector=sector + combo, workforce=workforce + combo, combo=combo, negative=negative)
