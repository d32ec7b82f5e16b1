"""Features of one article for the learned relevance and theme models.

What: a sparse dict mixing the vocabulary's rule scores (sector, staffing, near misses,
each theme's terms, an event date found) with the article's words (title words apart,
stemmed, present or not).  Why: the vocabulary carries the domain knowledge staff can
read and extend; the words let the models learn from labelled articles what the lists
miss.  How: the text is folded once (`Zones`) and every feature is cut from it, in two
parts: `score_features`, the overall scores (all the relevance model reads), and
`text_features`, the title and lead scores and the words (cut only for the themes of a
relevant article).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from domain.themes import THEME_CODES
from triage.text import stem
from triage.vocabulary import LEAD, TITLE, Vocabulary, Zones, zone_score

Features = dict[str, float]

BODY_CHARS = 3000        # words further down say little about what the article is
MIN_WORDS_NORM = 60      # a title alone does not make each of its few words weigh more
RULE_SCALE = 10.0        # rule scores are divided by this to sit near the word features
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP = frozenset("""
les des une pour par sur dans avec qui que est sont ont aux ses son leur leurs cette ces
plus pas elle elles ils nous vous mais comme tout tous toute toutes aussi entre sans sous
lors dont fait ete etre avoir deja encore tres bien peut depuis apres avant chez ainsi
""".split())


def word_set(folded: str) -> set[str]:
    words = set(map(_word_key, _WORD.findall(folded)))
    words.discard(None)
    return words


@lru_cache(maxsize=1 << 15)
def _word_key(word: str) -> str | None:
    """A word's stem, None for a stop word (cached: most words recur from article to article)."""
    return None if word in _STOP else stem(word)


def zone_theme_scores(zones: Zones, vocabulary: Vocabulary) -> Features:
    """Each theme's vocabulary score in the title alone and in the lead alone: what an
    article leads with says what the initiative is."""
    f: Features = {}
    for name, zone in (("tht:", TITLE), ("thl:", LEAD)):
        for theme in THEME_CODES:
            strong, weak = vocabulary.themes[theme]
            score = (zone_score(strong, zones, 3.0, (zone,), vocabulary)[0]
                     + zone_score(weak, zones, 1.0, (zone,), vocabulary)[0])
            if score:
                f[name + theme] = min(score, 40.0) / RULE_SCALE
    return f


SCORE_PREFIXES = ("r:", "d:", "th:", "thr:")     # the features `score_features` gives


def score_features(relevance, theme_scores: dict[str, float], has_event_date: bool,
                   event_p: float | None = None) -> Features:
    """The vocabulary's overall scores as features (their names start with
    `SCORE_PREFIXES`): `relevance` is a `triage.relevance.RelevanceScore`, `theme_scores`
    the vocabulary's score per theme (`triage.themes.theme_scores`)."""
    f: Features = {
        "r:sector": min(relevance.sector, 40.0) / RULE_SCALE,
        "r:workforce": min(relevance.workforce, 40.0) / RULE_SCALE,
        "r:combo": min(relevance.combo, 40.0) / RULE_SCALE,
        "r:negative": min(relevance.negative, 40.0) / RULE_SCALE,
        "r:margin": max(-20.0, min(20.0, relevance.total - relevance.bar)) / RULE_SCALE,
        "r:rule": 1.0 if relevance.relevant else 0.0,
        "r:short": 1.0 if relevance.text_chars < 600 else 0.0,
        "d:event_date": 1.0 if has_event_date else 0.0,
    }
    if event_p is not None:
        f["d:event_p"] = event_p
    top = max(theme_scores.values()) or 1.0
    for theme in THEME_CODES:
        score = theme_scores.get(theme, 0.0)
        f["th:" + theme] = min(score, 40.0) / RULE_SCALE
        f["thr:" + theme] = score / top
    return f


def text_features(zones: Zones, vocabulary: Vocabulary) -> Features:
    """Each theme's score in the title and in the lead (`zone_theme_scores`), and the
    words.  Word features share a unit norm, so that a long text does not outweigh the
    rule scores."""
    f = zone_theme_scores(zones, vocabulary)
    keys = ["t:" + w for w in word_set(zones.title)]
    keys += ["w:" + w for w in word_set((zones.lead + zones.body)[:BODY_CHARS])]
    value = 1.0 / math.sqrt(max(len(keys), MIN_WORDS_NORM))
    for key in keys:
        f[key] = value
    return f
