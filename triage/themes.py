"""Themes of a relevant article, most important first, from the vocabulary's theme terms."""
from __future__ import annotations

from domain.themes import THEME_CODES
from triage.learned.linear import sigmoid
from triage.vocabulary import Vocabulary, Zones, zone_score

STRONG_WEIGHT = 3.0
EVENT_DATE_BONUS = 6.0      # an article that announces a dated event is first an event
MIN_THEME_SCORE = 4.0
SECONDARY_RATIO = 0.35      # other themes need this share of the top score
MAX_THEMES = 3
# Recruitment runs through nearly every article of the domain: it leads only when no more
# specific theme (event, campaign, charter...) stands out; training, a little less so
# (apprenticeship is a kind of training).
PRIMARY_FACTOR = {"recruitment": 0.4, "training": 0.7}


def theme_scores(zones: Zones, vocabulary: Vocabulary, has_event_date: bool) -> dict[str, float]:
    scores = {}
    for theme in THEME_CODES:
        strong, weak = vocabulary.themes[theme]
        s, _ = zone_score(strong, zones, STRONG_WEIGHT, vocabulary=vocabulary)
        w, _ = zone_score(weak, zones, vocabulary=vocabulary)
        scores[theme] = s + w
    if has_event_date and scores["event"] > 0:
        scores["event"] += EVENT_DATE_BONUS
    return scores


def pick_themes(scores: dict[str, float]) -> list[str]:
    if max(scores.values()) <= 0:
        return ["recruitment"]
    primary = max(THEME_CODES, key=lambda t: (scores[t] * PRIMARY_FACTOR.get(t, 1.0), -THEME_CODES.index(t)))
    floor = max(MIN_THEME_SCORE, SECONDARY_RATIO * scores[primary])
    others = sorted((t for t in THEME_CODES if t != primary and scores[t] >= floor),
                    key=lambda t: (-scores[t], THEME_CODES.index(t)))
    return [primary, *others][:MAX_THEMES]


def model_themes(theme_bank, features: dict[str, float]) -> list[str]:
    """Themes from the learned models: the most likely primary theme, then every other
    theme whose own model says it is covered, most likely first (`theme_bank`: the
    primary-theme and theme models, `TriageModel.theme_bank`)."""
    probabilities, logits = theme_bank.score(features)
    primary = max(THEME_CODES, key=lambda t: (probabilities.get(t, 0.0), -THEME_CODES.index(t)))
    others = []
    for theme, threshold, logit in zip(theme_bank.themes, theme_bank.thresholds, logits):
        if theme != primary:
            p = sigmoid(logit)
            if p >= threshold:
                others.append((-p, THEME_CODES.index(theme), theme))
    return [primary, *(t for _, _, t in sorted(others))]
