"""Stories as readers see them: the articles sharing a story id, grouped, with one theme.

A story is filed under one theme even when its articles' own first themes differ: the
theme most of its articles put first (ties: the earliest article's).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from domain.article import Article
from domain.regions import NATIONWIDE, REGION_CODES
from domain.themes import THEME_CODES


@dataclass
class Story:
    id: str
    theme: str
    regions: list[str]
    articles: list[Article]          # earliest first
    event_date: str | None
    hidden: bool = False             # hidden by a moderator
    approved: bool = False

    @property
    def lead(self) -> Article:
        """The article that best represents the story: the longest text among the first reports."""
        best = max(range(len(self.articles)),
                   key=lambda i: (len(self.articles[i].text or self.articles[i].summary), -i))
        return self.articles[best]

    @property
    def town(self) -> str | None:
        towns = Counter(a.town for a in self.articles if a.town)
        return towns.most_common(1)[0][0] if towns else None

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(a.feed for a in self.articles))

    @property
    def first_seen(self) -> str:
        return min(a.fetched_at for a in self.articles)


def _resolve(story_id: str, overrides: Mapping) -> str:
    """Follow moderators' merges: a story merged into another takes that one's id."""
    seen = set()
    while story_id in overrides and overrides[story_id].merged_into and story_id not in seen:
        seen.add(story_id)
        story_id = overrides[story_id].merged_into
    return story_id


def _order(article: Article) -> tuple[str, str]:
    return (article.published or article.fetched_at, article.id)


def story_theme(articles: list[Article]) -> str:
    firsts = [a.themes[0] for a in articles if a.themes]
    if not firsts:
        return "recruitment"
    counts = Counter(firsts)
    best = max(counts.values())
    for article in articles:  # earliest first: ties go to the earliest article's theme
        if article.themes and counts[article.themes[0]] == best:
            return article.themes[0]
    return firsts[0]


def story_regions(articles: list[Article]) -> list[str]:
    counts = Counter(r for a in articles for r in a.regions)
    regional = [r for r in REGION_CODES if counts[r]]
    if regional:
        return sorted(regional, key=lambda r: (-counts[r], REGION_CODES.index(r)))
    return [NATIONWIDE] if counts[NATIONWIDE] else []


def group_stories(articles: Iterable[Article], overrides: Mapping | None = None) -> list[Story]:
    """Relevant articles grouped by story id, stories in order of their first article.

    `overrides` (story id -> StoryOverride) are moderators' decisions: merges, hiding,
    theme and regions; they win over the automatic labels."""
    overrides = overrides or {}
    members: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.relevant:
            members[_resolve(article.story or f"s-{article.id}", overrides)].append(article)
    stories = []
    for story_id, items in members.items():
        items.sort(key=_order)
        dates = sorted(a.event_date for a in items if a.event_date)
        story = Story(id=story_id, theme=story_theme(items), regions=story_regions(items),
                      articles=items, event_date=Counter(dates).most_common(1)[0][0] if dates else None)
        override = overrides.get(story_id)
        if override is not None:
            story.hidden = override.hidden
            story.approved = override.approved
            story.theme = override.theme or story.theme
            story.regions = list(override.regions) if override.regions else story.regions
        stories.append(story)
    stories.sort(key=lambda s: (THEME_CODES.index(s.theme), _order(s.articles[0])))
    return stories
