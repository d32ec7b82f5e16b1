"""The stories as moderators left them: one function for the CLI, the bot, the digest and the archive.

`moderated_stories` groups the stored relevant articles into stories and applies every
moderator decision (merges, hiding, theme, regions, approval). A story that absorbed
another by a merge keeps its own title: its lead is chosen among its own articles.
`week_stories` is the same view cut to the stories first seen in one week.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from digest.weeks import local_day, week_bounds
from domain.article import Article
from store import Store
from triage.story_groups import Story, group_stories

LOOKBACK_DAYS = 60       # articles this long before a period can belong to a story of it


@dataclass
class ModeratedStory(Story):
    """A story with moderators' decisions applied; `lead_id` pins the lead after a merge."""
    lead_id: str | None = None

    @property
    def lead(self) -> Article:
        if self.lead_id:
            for article in self.articles:
                if article.id == self.lead_id:
                    return article
        return Story.lead.fget(self)


def _moderated(story: Story) -> ModeratedStory:
    moderated = ModeratedStory(**{f.name: getattr(story, f.name) for f in fields(Story)})
    own = [a for a in story.articles if (a.story or f"s-{a.id}") == story.id]
    if own and len(own) < len(story.articles):     # it absorbed another story: keep its own title
        moderated.lead_id = Story(id=story.id, theme=story.theme, regions=story.regions, articles=own,
                                  event_date=story.event_date).lead.id
    return moderated


def moderated_stories(store: Store, since: dt.date | None = None,
                      until: dt.date | None = None) -> list[ModeratedStory]:
    """The stories of the articles first seen in [since, until], hidden ones included,
    with moderators' decisions applied; ordered by theme, then first report."""
    stories = group_stories(store.articles.iter(since=since, until=until), store.moderation.overrides())
    return [_moderated(s) for s in stories]


def week_window(store: Store, week: str, lookback_days: int = LOOKBACK_DAYS) -> list[ModeratedStory]:
    """Every story that can matter to `week`: begun up to `lookback_days` before it."""
    start, end = week_bounds(week)
    return moderated_stories(store, start - dt.timedelta(days=lookback_days), end + dt.timedelta(days=1))


def first_seen_in(stories: list[ModeratedStory], week: str, tz: str = "Europe/Paris", *,
                  hidden: bool = True) -> list[ModeratedStory]:
    """The stories first seen in `week` (local calendar); `hidden=False` leaves out those a
    moderator hid (what subscribers get)."""
    start, end = week_bounds(week)
    return [s for s in stories if start <= local_day(s.first_seen, tz) <= end and (hidden or not s.hidden)]


def week_stories(store: Store, week: str, tz: str = "Europe/Paris", *, hidden: bool = True) -> list[ModeratedStory]:
    """The stories of a week, with moderators' decisions applied."""
    return first_seen_in(week_window(store, week), week, tz, hidden=hidden)
