"""What templates see: plain records built from stories, one place for wording rules."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from digest.build import PersonalDigest
from digest.weeks import french_date, french_week_label
from domain.regions import region_label
from domain.themes import theme_label
from triage.story_groups import Story

SUMMARY_CHARS = 240
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


@dataclass
class Link:
    label: str
    url: str


@dataclass
class StoryView:
    id: str
    title: str
    url: str
    source: str
    summary: str
    also: list[Link]              # the other outlets' reports
    when: str | None              # 'jeudi 3 décembre 2026'
    town: str | None
    event_date: str | None
    regions: str
    past: bool = False            # the event took place before the digest went out
    rendered: dict = field(default_factory=dict, repr=False, compare=False)  # renderings, cached

    @property
    def when_where(self) -> str:
        """'jeudi 3 décembre 2026, Caen' (empty when the story announces no dated event);
        a past event says so: 'jeudi 4 juin 2026, Caen (date passée)'."""
        if not self.when:
            return ""
        text = f"{self.when}, {self.town}" if self.town else self.when
        return f"{text} (date passée)" if self.past else text


@dataclass
class RegionGroup:
    label: str
    stories: list[StoryView]


@dataclass
class Section:
    theme: str
    label: str
    groups: list[RegionGroup]
    more: int = 0                 # stories of this theme left out of this digest


@dataclass
class DigestView:
    week: str
    week_label: str               # 'semaine du 16 au 22 novembre 2026'
    title: str                    # 'Vigie — semaine du 16 au 22 novembre 2026'
    count: int
    sections: list[Section]
    agenda: list[StoryView]
    empty: bool
    archive_url: str | None = None  # the week's page online, when the archive is published


def summary_of(story: Story, limit: int = SUMMARY_CHARS) -> str:
    """One or two sentences from the lead report, without repeating its title."""
    lead = story.lead
    text = (lead.summary or lead.text or "").strip()
    if text.startswith(lead.title):
        text = text[len(lead.title):].lstrip(" .:-–\n")
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    sentences = _SENTENCE_END.split(text)
    out = ""
    for sentence in sentences[:2]:
        if len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    if out:
        return out
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(",;:") + "…"


def story_view(story: Story, today: str | None = None) -> StoryView:
    """The story as templates show it; an event before `today` (ISO day) is marked past."""
    lead = story.lead
    also, seen = [], {lead.feed}
    for article in story.articles:
        if article.feed not in seen:
            seen.add(article.feed)
            also.append(Link(article.feed, article.url))
    return StoryView(id=story.id, title=lead.title, url=lead.url, source=lead.feed, summary=summary_of(story),
                     also=also, when=french_date(story.event_date, weekday=True) if story.event_date else None,
                     town=story.town, event_date=story.event_date,
                     regions=", ".join(region_label(r) for r in story.regions),
                     past=bool(story.event_date and today and story.event_date < today))


def digest_view(digest: PersonalDigest, archive_url: str | None = None) -> DigestView:
    views = digest.week.views  # a story looks the same to every subscriber: build its view once
    delivered = (digest.week.end + dt.timedelta(days=1)).isoformat()   # the digest is read after its week

    def view(story: Story) -> StoryView:
        if story.id not in views:
            views[story.id] = story_view(story, delivered)
        return views[story.id]

    sections = [Section(theme, theme_label(theme),
                        [RegionGroup(region_label(region) if region else "Autres", [view(s) for s in stories])
                         for region, stories in groups], more=digest.more.get(theme, 0))
                for theme, groups in digest.sections]
    label = french_week_label(digest.week.week)
    return DigestView(week=digest.week.week, week_label=label, title=f"Vigie — {label}",
                      count=digest.story_count, sections=sections,
                      agenda=[view(s) for s in digest.agenda], empty=digest.empty, archive_url=archive_url)
