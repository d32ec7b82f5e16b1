"""Build a week's digest from the store, then cut it per subscriber.

The week holds the relevant stories first seen that week (Europe/Paris calendar), not
hidden by a moderator and not stale: a story whose newest report was published more than
`max_age_days` before the week ends (a new source's backlog) is left out. The agenda holds
the upcoming events of the stories still in the working window, in date order. The
stories come from `pipeline.stories`, with moderators' decisions applied.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from domain.regions import NATIONWIDE, REGION_CODES
from domain.themes import THEME_CODES
from store import Store, Subscriber
from triage.story_groups import Story
from digest.weeks import local_day, week_bounds

AGENDA_DAYS = 42          # default of `[digest] agenda_days`: events in the six weeks after the week
MAX_AGE_DAYS = 21         # default of `[digest] max_age_days`: older news is backlog, not news
MAX_PER_THEME = 10        # a subscriber's digest shows this many stories a theme; the rest is online
MAX_AGENDA = 15


@dataclass
class WeekDigest:
    week: str
    start: dt.date
    end: dt.date
    stories: list[Story]              # new this week, ordered by theme then first report
    agenda: list[Story]               # upcoming events, by date
    views: dict = field(default_factory=dict, repr=False)   # story id -> its view, built once a week


@dataclass
class PersonalDigest:
    week: WeekDigest
    subscriber: Subscriber | None     # None: the full digest (archive)
    sections: list[tuple[str, list[tuple[str, list[Story]]]]] = field(default_factory=list)
    agenda: list[Story] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)   # theme -> stories left out (read them online)

    @property
    def story_count(self) -> int:
        return sum(len(stories) for _, groups in self.sections for _, stories in groups) + sum(self.more.values())

    @property
    def empty(self) -> bool:
        return self.story_count == 0 and not self.agenda


def build_week(store: Store, week: str, tz: str = "Europe/Paris", agenda_days: int = AGENDA_DAYS,
               max_age_days: int = MAX_AGE_DAYS) -> WeekDigest:
    """The week's new stories and the agenda of events in the `agenda_days` after it."""
    from pipeline.stories import first_seen_in, week_window
    start, end = week_bounds(week)
    stories = [s for s in week_window(store, week) if not s.hidden]
    oldest = (end + dt.timedelta(days=1) - dt.timedelta(days=max_age_days)).isoformat()
    new = [s for s in first_seen_in(stories, week, tz) if newest_report(s) >= oldest]
    agenda_from = end + dt.timedelta(days=1)
    agenda_to = agenda_from + dt.timedelta(days=agenda_days)
    agenda = sorted((s for s in stories if s.event_date and local_day(s.first_seen, tz) <= end
                     and agenda_from.isoformat() <= s.event_date <= agenda_to.isoformat()),
                    key=lambda s: (s.event_date, s.id))
    return WeekDigest(week=week, start=start, end=end, stories=new, agenda=agenda)


def newest_report(story: Story) -> str:
    """The day (ISO) of the story's newest report: its publication date when known, else
    when Vigie first saw it."""
    return max((a.published or a.fetched_at)[:10] for a in story.articles)


def wants(subscriber: Subscriber | None, story: Story) -> bool:
    """Does this subscriber's filter (regions, themes, nationwide) take the story?"""
    if subscriber is None:
        return True
    if subscriber.themes and story.theme not in subscriber.themes:
        return False
    if not subscriber.regions:
        return True
    regional = [r for r in story.regions if r != NATIONWIDE]
    if not regional:
        return subscriber.nationwide
    return any(r in subscriber.regions for r in regional)


def personalise(week: WeekDigest, subscriber: Subscriber | None) -> PersonalDigest:
    """The subscriber's part of the week: grouped by theme (fixed order), then by region."""
    digest = PersonalDigest(week=week, subscriber=subscriber)
    for theme in THEME_CODES:
        chosen = [s for s in week.stories if s.theme == theme and wants(subscriber, s)]
        if not chosen:
            continue
        if subscriber is not None and len(chosen) > MAX_PER_THEME:  # keep a digest readable
            digest.more[theme] = len(chosen) - MAX_PER_THEME
            chosen = _prefer_own_region(chosen, subscriber)[:MAX_PER_THEME]
        by_region: dict[str, list[Story]] = {}
        for story in chosen:
            by_region.setdefault(_display_region(story, subscriber), []).append(story)
        order = [*REGION_CODES, NATIONWIDE, ""]
        groups = sorted(by_region.items(), key=lambda item: order.index(item[0]))
        digest.sections.append((theme, groups))
    digest.agenda = [s for s in week.agenda if wants(subscriber, s)]
    if subscriber is not None:
        digest.agenda = digest.agenda[:MAX_AGENDA]
    return digest


def _prefer_own_region(stories: list[Story], subscriber: Subscriber) -> list[Story]:
    """Stories of the subscriber's own regions first, then nationwide ones, in order."""
    def rank(story: Story) -> int:
        return 0 if any(r in subscriber.regions for r in story.regions) else 1
    return sorted(stories, key=rank)


def _display_region(story: Story, subscriber: Subscriber | None) -> str:
    """The region a story is shown under: the subscriber's own first, else its main one."""
    if subscriber is not None and subscriber.regions:
        for region in story.regions:
            if region in subscriber.regions:
                return region
    return story.regions[0] if story.regions else ""
