"""The figures moderators see with /stats: articles, stories, subscribers, last deliveries."""
from __future__ import annotations

from digest.weeks import week_bounds
from pipeline.stories import week_stories
from store import Store


def week_figures(store: Store, week: str, last_week: str, tz: str = "Europe/Paris") -> dict:
    """The week's articles and stories (hidden ones counted), the subscribers, and how the
    digest of `last_week` was delivered."""
    start, end = week_bounds(week)
    articles = list(store.articles.iter(since=start, until=end))
    return dict(week=week, articles_total=len(store.articles), articles_week=len(articles),
                relevant_week=sum(1 for a in articles if a.relevant), stories=week_stories(store, week, tz),
                subscribers=store.subscribers.all(), last_week=last_week,
                deliveries=list(store.deliveries.for_week(last_week).values()),
                last_sent=store.deliveries.last_week_sent())
