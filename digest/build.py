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
REGION_ORDER = {code: n for n, code in enumerate([*REGION_CODES, NATIONWIDE, ""])}   # how regions are listed


@dataclass
class WeekDigest:
    week: str
    start: dt.date
    end: dt.date
    stories: list[Story]              # new this week, ordered by theme then first report
    agenda: list[Story]               # upcoming events, by date
    views: dict = field(default_factory=dict, repr=False)   # story id -> its view, built once a week
    _by_theme: dict = field(default_factory=dict, repr=False, compare=False)

    def by_theme(self) -> dict[str, list[Story]]:
        """The stories of each theme, in theme order then in `stories`' order (grouped
        once: every subscriber's digest reads them; `stories` does not change after)."""
        if not self._by_theme:
            for theme in THEME_CODES:
                chosen = [s for s in self.stories if s.theme == theme]
                if chosen:
                    self._by_theme[theme] = chosen
        return self._by_theme


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


@dataclass(frozen=True)
class Filter:
    """A subscriber's filter as sets: a week of hundreds of stories asks it for each."""
    themes: frozenset[str]
    regions: frozenset[str]
    nationwide: bool

    @classmethod
    def of(cls, subscriber: Subscriber) -> "Filter":
        return cls(frozenset(subscriber.themes or ()), frozenset(subscriber.regions or ()), subscriber.nationwide)

    def takes(self, story: Story) -> bool:
        """Does the filter (regions, themes, nationwide) take the story?"""
        if self.themes and story.theme not in self.themes:
            return False
        if not self.regions:
            return True
        regional = [r for r in story.regions if r != NATIONWIDE]
        if not regional:
            return self.nationwide
        return not self.regions.isdisjoint(regional)


def personalise(week: WeekDigest, subscriber: Subscriber | None) -> PersonalDigest:
    """The subscriber's part of the week: grouped by theme (fixed order), then by region."""
    digest = PersonalDigest(week=week, subscriber=subscriber)
    own = Filter.of(subscriber) if subscriber is not None else None
    for theme, stories in week.by_theme().items():
        if own is not None and own.themes and theme not in own.themes:
            continue
        chosen = stories if own is None else [s for s in stories if own.takes(s)]
        if not chosen:
            continue
        if own is not None and len(chosen) > MAX_PER_THEME:  # keep a digest readable
            digest.more[theme] = len(chosen) - MAX_PER_THEME
            chosen = _prefer_own_region(chosen, own)[:MAX_PER_THEME]
        by_region: dict[str, list[Story]] = {}
        for story in chosen:
            by_region.setdefault(_display_region(story, own), []).append(story)
        groups = sorted(by_region.items(), key=lambda item: REGION_ORDER.get(item[0], len(REGION_ORDER)))
        digest.sections.append((theme, groups))
    digest.agenda = list(week.agenda) if own is None else [s for s in week.agenda if own.takes(s)][:MAX_AGENDA]
    return digest


def _prefer_own_region(stories: list[Story], own: Filter) -> list[Story]:
    """Stories of the subscriber's own regions first, then nationwide ones, in order."""
    return sorted(stories, key=lambda story: own.regions.isdisjoint(story.regions))


def _display_region(story: Story, own: Filter | None) -> str:
    """The region a story is shown under: the subscriber's own first, else its main one."""
    if own is not None and own.regions:
        for region in story.regions:
            if region in own.regions:
                return region
    return story.regions[0] if story.regions else ""
