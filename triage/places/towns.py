"""The town an article is mainly about (shown next to an event's date in the digest)."""
from __future__ import annotations

from collections import defaultdict

from .evidence import Clue

MIN_TOWN_WEIGHT = 3.0


def main_town(clues: list[Clue], regions: list[str] | None = None) -> str | None:
    """Name of the best-supported commune among an article's place clues (see `locate`),
    within `regions` when given."""
    weights: dict[str, float] = defaultdict(float)
    for clue in clues:
        if clue.key.startswith("commune:") and (not regions or clue.region in regions):
            weights[clue.key] += clue.weight
    if not weights:
        return None
    key, weight = max(weights.items(), key=lambda item: (item[1], item[0]))
    return key.split(":", 2)[2] if weight >= MIN_TOWN_WEIGHT else None
