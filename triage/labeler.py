"""Label one article: relevance, themes, regions and event date (stories are batch-level).

`observe()` reads the article once (folded text, vocabulary scores, event date) and
`label_article()` decides from it: with the learned models of `triage.learned` where the
bundle has them, else with the vocabulary rules alone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from domain.text import Folded
from triage.dates import event_date, scored_event_date
from triage.learned import TriageModel, load_model
from triage.learned import article_features
from triage.places import locate, main_town
from triage.relevance import RelevanceScore, score_relevance
from triage.themes import MAX_THEMES, model_themes, pick_themes, theme_scores
from triage.vocabulary import Vocabulary, Zones


@dataclass
class Labels:
    relevant: bool
    themes: list[str]
    regions: list[str]
    event_date: str | None
    relevance: RelevanceScore
    town: str | None = None
    probability: float | None = None     # learned P(relevant), when a model decided


@dataclass
class Observation:
    """What the rules read in one article, shared by every decision about it."""
    zones: Zones
    relevance: RelevanceScore
    theme_scores: dict[str, float]
    event_date: str | None
    vocabulary: Vocabulary
    event_p: float | None = None     # the date model's confidence in its best date, when it decided

    @cached_property
    def score_features(self) -> dict[str, float]:
        """The vocabulary's scores as features (all the relevance model reads, as fitted)."""
        return article_features.score_features(self.relevance, self.theme_scores, self.event_date is not None,
                                               self.event_p)

    @cached_property
    def text_features(self) -> dict[str, float]:
        """Title and lead theme scores, and words, as features."""
        return article_features.text_features(self.zones, self.vocabulary)

    def features(self) -> dict[str, float]:
        """Every feature of the article, for the learned models."""
        return self.score_features | self.text_features


def observe(vocabulary: Vocabulary, title: str, text: str, published: str | None = None,
            url: str = "", today: dt.date | None = None, date_model=None) -> Observation:
    # folded once: the vocabulary's zones and the dates' lines are cut from the same folds
    folds = Folded.of(title or ""), Folded.of(text or "")
    zones = Zones.of_folds(folds[0].folded, folds[1].folded)
    event_p = None
    if date_model is None:
        when = event_date(title, text, published, url, today=today, folds=folds)
    else:
        when, event_p = scored_event_date(title, text, published, url, date_model, today=today, folds=folds)
        when = when if event_p >= date_model.threshold else None
    return Observation(zones, score_relevance(zones, vocabulary),
                       theme_scores(zones, vocabulary, when is not None), when, vocabulary, event_p)


def label_article(vocabulary: Vocabulary, title: str, text: str, published: str | None = None,
                  url: str = "", source: str = "", region_hint: str | None = None,
                  today: dt.date | None = None, model: TriageModel | None = None) -> Labels:
    model = load_model() if model is None else model
    seen = observe(vocabulary, title, text, published, url, today, model.dates)
    probability = None
    if model.relevance is not None:
        # the words are cut only for the articles found relevant, unless relevance reads them
        features = seen.features() if model.relevance_reads_text else seen.score_features
        probability = model.relevance.probability(features)
        relevant = probability >= model.relevance.threshold
    else:
        relevant = seen.relevance.relevant
    if not relevant:
        return Labels(False, [], [], seen.event_date, seen.relevance, probability=probability)
    if model.primary is not None:
        themes = model_themes(model.theme_bank, seen.features())[:MAX_THEMES]
    else:
        themes = pick_themes(seen.theme_scores)
    regions, clues = locate(title, text, default=region_hint, url=url, source=source, model=model.regions)
    town = main_town(clues, regions) if seen.event_date else None
    return Labels(True, themes, regions, seen.event_date, seen.relevance, town, probability)
