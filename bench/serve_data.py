"""Deterministic data for the `serve` benchmark: a year of labelled articles as a live store
holds them, with the current (Paris) ISO week filled enough for /apercu and /file.

    articles = year_history(50_000, now, seed=11)

Articles arrive at a steady rate over the 52 weeks before the current week; the current
week, which may have started only hours ago, gets at least `current_share` of the total,
spread over its elapsed part (never after `now`). About `relevant_share` of the articles
are relevant, with a theme (sometimes two), one or two regions or "FR", a story id shared
by one to five articles over a few days, and for some a dated event.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
from zoneinfo import ZoneInfo

from bench.digest_data import random_labels
from bench.synthetic import FrenchText, build_article
from domain.article import Article

HISTORY_WEEKS = 52
STORY_SIZES = ((1, 50), (2, 25), (3, 13), (4, 8), (5, 4))   # (articles in the story, weight)
STORY_SPAN = dt.timedelta(days=3)                            # a story's articles arrive within this


def week_start(now: dt.datetime, tz: str = "Europe/Paris") -> dt.datetime:
    """Monday 00:00 (local) of the week holding `now`, in UTC."""
    local = now.astimezone(ZoneInfo(tz))
    monday = local.date() - dt.timedelta(days=local.weekday())
    return dt.datetime(monday.year, monday.month, monday.day, tzinfo=ZoneInfo(tz)).astimezone(dt.timezone.utc)


def arrival_times(total: int, now: dt.datetime, rng: random.Random, current_share: float,
                  tz: str = "Europe/Paris") -> list[dt.datetime]:
    """`total` sorted first-seen times: steady over the year, at least `current_share` of
    them in the current week's elapsed part (which ends a minute before `now`)."""
    start_week = week_start(now, tz)
    end = now - dt.timedelta(minutes=1)
    start_year = start_week - dt.timedelta(weeks=HISTORY_WEEKS)
    elapsed = max((end - start_week).total_seconds(), 60.0)
    natural = total * elapsed / (end - start_year).total_seconds()
    current = min(total, max(int(natural), int(total * current_share)))
    before = (start_week - start_year).total_seconds()
    times = [start_year + dt.timedelta(seconds=rng.uniform(0, before)) for _ in range(total - current)]
    times += [start_week + dt.timedelta(seconds=rng.uniform(0, elapsed)) for _ in range(current)]
    return sorted(min(t, end) for t in times)


def _story_labels(rng: random.Random, first: dt.datetime, event_share: float) -> dict:
    return random_labels(rng, first.date(), event_share, event_days=(3, 50))


def year_history(total: int, now: dt.datetime, seed: int, relevant_share: float = 0.35,
                 current_share: float = 0.012, event_share: float = 0.15,
                 tz: str = "Europe/Paris") -> list[Article]:
    """The articles of a store that has been running for a year (see the module doc)."""
    text = FrenchText(random.Random(seed))
    rng = text.rng
    times = arrival_times(total, now, rng, current_share, tz)
    articles: list[Article] = []
    open_stories: list[list] = []     # [story id, labels, first seen, articles still to come]
    stories = 0
    for number, when in enumerate(times):
        article = build_article(text, number, when, tag="annee")
        if rng.random() >= relevant_share:
            articles.append(dataclasses.replace(article, relevant=False, story=f"s-{article.id}"))
            continue
        open_stories = [s for s in open_stories if s[3] > 0 and when - s[2] <= STORY_SPAN]
        if open_stories and rng.random() < 0.5:
            story = rng.choice(open_stories)
        else:
            size = rng.choices([n for n, _ in STORY_SIZES], [w for _, w in STORY_SIZES])[0]
            story = [f"h-{stories:06d}", _story_labels(rng, when, event_share), when, size]
            stories += 1
            open_stories.append(story)
        story[3] -= 1
        labels = dict(story[1], themes=list(story[1]["themes"]), regions=list(story[1]["regions"]))
        articles.append(dataclasses.replace(article, relevant=True, story=story[0], **labels))
    return articles
