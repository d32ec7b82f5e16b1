"""Label one article: relevance, themes, regions and event date (stories are batch-level)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from triage.dates import event_date
from triage.places import locate, main_town
from triage.relevance import RelevanceScore, score_relevance
from triage.themes import pick_themes, theme_scores
from triage.vocabulary import Vocabulary, Zones


@dataclass
class Labels:
    relevant: bool
    themes: list[str]
    regions: list[str]
    event_date: str | None
    relevance: RelevanceScore
    town: str | None = None


def label_article(vocabulary: Vocabulary, title: str, text: str, published: str | None = None,
                  url: str = "", source: str = "", region_hint: str | None = None,
                  today: dt.date | None = None) -> Labels:
    zones = Zones.of(title, text)
    relevance = score_relevance(zones, vocabulary)
    when = event_date(title, text, published, url, today=today)
    if not relevance.relevant:
        return Labels(False, [], [], when, relevance)
    themes = pick_themes(theme_scores(zones, vocabulary, when is not None))
    regions, clues = locate(title, text, default=region_hint, url=url, source=source)
    town = main_town(clues, regions) if when else None
    return Labels(True, themes, regions, when, relevance, town)
