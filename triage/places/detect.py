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


def candidate_features(clues: list[Clue], default: str | None) -> list[tuple[str, dict[str, float]]]:
    """Each region some clue points to, and "FR", with the features the learned region
    model weighs: its score and share of the top score, its rank, the kinds of clues
    (region or department name, commune, demonym, web address...), how many regions
    the article names, how strong the nationwide cues are, the feed's default region."""
    scores = region_scores(clues)
    nationwide = scores.get(NATIONWIDE, 0.0)
    ranked = sorted(((sc, r) for r, sc in scores.items() if r != NATIONWIDE), reverse=True)
    top = ranked[0][0] if ranked else 0.0
    named = sum(1 for sc, _ in ranked if sc >= MIN_REGION_SCORE)
    kinds: dict[str, set[str]] = defaultdict(set)
    strongest: dict[str, float] = defaultdict(float)
    for c in clues:
        kinds[c.region].add(c.key.split(":", 1)[0])
        strongest[c.region] = max(strongest[c.region], c.weight)
    common = {"named": min(named, 6) / 3.0, "nationwide": min(nationwide, 15.0) / 5.0,
              "top": min(top, 30.0) / 10.0, "no_region": float(not ranked)}
    out = []
    for rank, (sc, region) in enumerate(ranked):
        f = {"r:score": min(sc, 30.0) / 10.0, "r:share": sc / top if top else 0.0,
             "r:strongest": min(strongest[region], 10.0) / 5.0,
             "r:rank" + ("1" if rank == 0 else "2" if rank == 1 else "3+"): 1.0,
             "r:default": float(region == default), **{"r:" + k: v for k, v in common.items()}}
        for kind in kinds[region]:
            f["r:kind:" + kind] = 1.0
        out.append((region, f))
    fr = {"fr:bias": 1.0, "fr:score": min(nationwide, 15.0) / 5.0, "fr:default": float(default == NATIONWIDE),
          **{"fr:" + k: v for k, v in common.items()}}
    for kind in kinds[NATIONWIDE]:
        fr["fr:kind:" + kind] = 1.0
    out.append((NATIONWIDE, fr))
    return out


def decide_learned(model, clues: list[Clue], default: str | None) -> list[str]:
    """Region codes from the learned model: every candidate it accepts, most likely
    first (at most MAX_REGIONS besides "FR"); the most likely one when it accepts none."""
    scored = sorted(((model.probability(f), code) for code, f in candidate_features(clues, default)),
                    reverse=True)
    kept = [code for p, code in scored if p >= model.threshold]
    regions = [c for c in kept if c != NATIONWIDE][:MAX_REGIONS]
    if NATIONWIDE in kept:
        regions.insert(0 if kept[0] == NATIONWIDE else len(regions), NATIONWIDE)
    if not regions:
        best = scored[0][1]
        regions = [default if best == NATIONWIDE and default in REGION_CODES and
                   not any(c.region == NATIONWIDE for c in clues) else best]
    return regions


def detect_regions(title: str, text: str, default: str | None = None, url: str = "",
                   source: str = "") -> list[str]:
    """ISO 3166-2:FR codes of the regions the article is about, most important first,
    or ["FR"] for a nationwide item. `default` (the feed's region, or "FR") is used only
    when the text gives no clear evidence; with no evidence and no default: ["FR"]."""
    return locate(title, text, default, url, source)[0]


def locate(title: str, text: str, default: str | None = None, url: str = "",
           source: str = "", model=None) -> tuple[list[str], list[Clue]]:
    """The regions (as `detect_regions`) and the clues they were decided from; `model`
    (a `triage.learned` linear model over `candidate_features`) decides instead of the
    hand-set ratios of `decide`."""
    clues = collect(title or "", text or "", default, url or "", source or "")
    if model is not None:
        return decide_learned(model, clues, default), clues
    return decide(region_scores(clues), default), clues
