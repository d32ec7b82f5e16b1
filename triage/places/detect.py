"""Decision: from the clues of an article to its list of region codes."""
from __future__ import annotations

from collections import defaultdict

from domain.regions import NATIONWIDE, REGION_CODES

from .evidence import Clue, collect

REPEAT_DECAY = 0.5          # the n-th repeat of one clue counts REPEAT_DECAY ** n
MIN_REGION_SCORE = 1.5
KEEP_RATIO = 0.4            # secondary regions need this share of the top score
MAX_REGIONS = 3
MANY_REGIONS = 4            # this many regions named with weight: a nationwide item
MANY_RATIO = 0.75           # ... each with this share of the top score (a list, no focus)
NATIONWIDE_RATIO = 0.5      # nationwide cues this strong next to regions: both
MIN_NATIONWIDE_SCORE = 1.5


def _damped(weights: list[float]) -> float:
    return sum(w * REPEAT_DECAY ** n for n, w in enumerate(sorted(weights, reverse=True)))


def region_scores(clues: list[Clue]) -> dict[str, float]:
    """Score per region (and for "FR"): distinct clues add up, repeats of one clue are damped."""
    by_key: dict[tuple[str, str], list[float]] = defaultdict(list)
    for c in clues:
        by_key[(c.region, c.key)].append(c.weight)
    scores: dict[str, float] = defaultdict(float)
    for (region, _), weights in by_key.items():
        scores[region] += _damped(weights)
    return dict(scores)


def decide(scores: dict[str, float], default: str | None) -> list[str]:
    """Region codes from scores: the top regions, "FR" when nationwide, else the default."""
    nationwide = scores.get(NATIONWIDE, 0.0)
    ranked = sorted(((s, r) for r, s in scores.items() if r != NATIONWIDE), reverse=True)
    top = ranked[0][0] if ranked else 0.0
    if top < MIN_REGION_SCORE:
        if nationwide < MIN_NATIONWIDE_SCORE and default in REGION_CODES:
            return [default]
        return [NATIONWIDE]
    named = [r for s, r in ranked if s >= max(MIN_REGION_SCORE, MANY_RATIO * top)]
    if len(named) >= MANY_REGIONS:
        return [NATIONWIDE]
    kept = [r for s, r in ranked if s >= max(MIN_REGION_SCORE, KEEP_RATIO * top)][:MAX_REGIONS]
    if nationwide >= top:
        return [NATIONWIDE, *kept]
    if nationwide >= max(MIN_NATIONWIDE_SCORE, NATIONWIDE_RATIO * top):
        return [*kept, NATIONWIDE]
    return kept


def detect_regions(title: str, text: str, default: str | None = None, url: str = "",
                   source: str = "") -> list[str]:
    """ISO 3166-2:FR codes of the regions the article is about, most important first,
    or ["FR"] for a nationwide item. `default` (the feed's region, or "FR") is used only
    when the text gives no clear evidence; with no evidence and no default: ["FR"]."""
    return locate(title, text, default, url, source)[0]


def locate(title: str, text: str, default: str | None = None, url: str = "",
           source: str = "") -> tuple[list[str], list[Clue]]:
    """The regions (as `detect_regions`) and the clues they were decided from."""
    clues = collect(title or "", text or "", default, url or "", source or "")
    return decide(region_scores(clues), default), clues
