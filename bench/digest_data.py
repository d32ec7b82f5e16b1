"""Deterministic data for the digest benchmark: one realistic week of labelled articles,
older and irrelevant articles around it, and subscribers with mixed filters.

Everything comes from a seeded `random.Random`: the same seed gives the same store.

    articles = week_articles(WeekPlan(week="2026-W47"), seed=7)
    subscribers = mixed_subscribers(10_000, seed=7)
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from bench.synthetic import FrenchText, build_article
from digest.weeks import week_bounds
from domain.article import Article
from domain.regions import NATIONWIDE, REGION_CODES
from domain.themes import THEME_CODES
from store import Subscriber

FEED_NAMES = (
    "Ouest Santé", "Le Courrier du Bocage", "Grand Est Hebdo", "Le Fil médico-social", "Maine Libre Info",
    "Reims Quotidien", "L'Écho du Cotentin", "Journal de l'Orne", "Santé Grand Est", "La Voix du Nord Social",
    "Sud Soins", "Bretagne Solidaire", "Midi Santé", "Corse Matin Social", "Outre-mer Santé",
    "Rhône Emploi", "Loire Actu", "Provence Soignants", "Aquitaine Aide à domicile", "Île-de-France Soins",
)
TOWNS = ("Caen", "Rouen", "Metz", "Reims", "Lille", "Nantes", "Rennes", "Bordeaux", "Toulouse", "Lyon",
         "Marseille", "Ajaccio", "Dijon", "Orléans", "Saint-Denis", "Fort-de-France", "Cherbourg", "Alençon")
# Mainland regions are far more frequent in the news than the overseas ones.
REGION_WEIGHTS = tuple(1 if code in ("FR-971", "FR-972", "FR-973", "FR-974", "FR-976", "FR-COR") else 5
                       for code in REGION_CODES)
WEEK_STORY_PREFIX = "wk-"                 # story ids of the stories first seen in the week
ARTICLES_PER_STORY = ((1, 50), (2, 25), (3, 13), (4, 8), (5, 4))   # (articles, weight)


@dataclass(frozen=True)
class WeekPlan:
    week: str                       # ISO week of the digest, e.g. "2026-W47"
    stories: int = 300              # relevant stories first seen that week
    event_share: float = 0.25       # stories announcing a dated event
    older_relevant: int = 1_000     # relevant articles of the eight weeks before
    irrelevant: int = 2_500         # irrelevant articles over those nine weeks
    after: int = 100                # relevant articles first seen the day after the week


def week_articles(plan: WeekPlan, seed: int) -> list[Article]:
    """The week's stories (several articles for some), then the articles around it."""
    rng = random.Random(seed)
    text = FrenchText(rng)
    monday, sunday = week_bounds(plan.week)
    articles = _week_stories(plan, text, monday)
    number = len(articles)
    for n in range(plan.older_relevant):
        day = monday - dt.timedelta(days=rng.randint(1, 56))
        articles.append(_labelled(text, number + n, _daytime(rng, day), "ancien", story=f"old-{n:05d}",
                                  **random_labels(rng, monday, event_share=0.04)))
    number += plan.older_relevant
    for n in range(plan.irrelevant):
        day = sunday - dt.timedelta(days=rng.randint(0, 62))
        articles.append(_labelled(text, number + n, _daytime(rng, day), "horsujet", relevant=False))
    number += plan.irrelevant
    for n in range(plan.after):
        articles.append(_labelled(text, number + n, _daytime(rng, sunday + dt.timedelta(days=1)), "suivant",
                                  story=f"next-{n:04d}", **random_labels(rng, monday, event_share=0.2)))
    return articles


def _week_stories(plan: WeekPlan, text: FrenchText, monday: dt.date) -> list[Article]:
    rng = text.rng
    articles: list[Article] = []
    for story in range(plan.stories):
        labels = random_labels(rng, monday, plan.event_share)
        first = _daytime(rng, monday + dt.timedelta(days=rng.randint(0, 6)))
        count = rng.choices([c for c, _ in ARTICLES_PER_STORY], [w for _, w in ARTICLES_PER_STORY])[0]
        feeds = rng.sample(FEED_NAMES, count)
        for k in range(count):
            later = min(first + dt.timedelta(hours=rng.randint(0, 36) * (k > 0)), _week_last_moment(monday))
            article = _labelled(text, len(articles), later, "semaine", story=f"{WEEK_STORY_PREFIX}{story:04d}", **labels)
            articles.append(dataclasses.replace(article, feed=feeds[k]))
    return articles


def random_labels(rng: random.Random, monday: dt.date, event_share: float, event_days: tuple[int, int] = (8, 56)) -> dict:
    """Theme, regions and (for some) a dated event `event_days` after `monday`."""
    draw = rng.random()
    if draw < 0.15:
        regions = [NATIONWIDE]
    elif draw < 0.30:
        regions = list(dict.fromkeys(rng.choices(REGION_CODES, REGION_WEIGHTS, k=2)))
    else:
        regions = rng.choices(REGION_CODES, REGION_WEIGHTS, k=1)
    themes = [rng.choice(THEME_CODES)]
    if rng.random() < 0.2:
        themes.append(rng.choice(THEME_CODES))
    labels: dict = {"themes": list(dict.fromkeys(themes)), "regions": regions}
    if rng.random() < event_share:
        labels["event_date"] = (monday + dt.timedelta(days=rng.randint(*event_days))).isoformat()
        labels["town"] = rng.choice(TOWNS)
    return labels


def _labelled(text: FrenchText, number: int, fetched_at: dt.datetime, tag: str, relevant: bool = True,
              **labels) -> Article:
    article = build_article(text, number, fetched_at, tag=tag)
    if not relevant:
        return dataclasses.replace(article, relevant=False)
    return dataclasses.replace(article, relevant=True, **labels)


def _daytime(rng: random.Random, day: dt.date) -> dt.datetime:
    """A UTC time during the (Paris) day: never across midnight in Europe/Paris."""
    return dt.datetime(day.year, day.month, day.day, rng.randint(6, 20), rng.randint(0, 59),
                       tzinfo=dt.timezone.utc)


def _week_last_moment(monday: dt.date) -> dt.datetime:
    sunday = monday + dt.timedelta(days=6)
    return dt.datetime(sunday.year, sunday.month, sunday.day, 21, 0, tzinfo=dt.timezone.utc)


# Subscribers ------------------------------------------------------------------------------

def mixed_subscribers(count: int, seed: int, telegram_share: float = 0.55,
                      channel: str | None = None, first_chat: int = 10_000_000) -> list[Subscriber]:
    """`count` subscribers with mixed filters: everything (15 %), all regions with a theme
    subset (10 %), 1-3 regions (50 %), 1-3 regions and 1-3 themes (25 %); a third of those
    with regions opt out of nationwide stories. `channel` forces one channel for all."""
    rng = random.Random(seed)
    subscribers = []
    for n in range(count):
        chosen = channel or ("telegram" if rng.random() < telegram_share else "email")
        regions, themes, nationwide = _mixed_filter(rng)
        subscribers.append(_subscriber(n, chosen, regions, themes, nationwide, first_chat))
    return subscribers


def _mixed_filter(rng: random.Random) -> tuple[list[str], list[str], bool]:
    draw = rng.random()
    regions = [] if draw < 0.25 else _some(rng, REGION_CODES, REGION_WEIGHTS)
    themes = _some(rng, THEME_CODES) if 0.15 <= draw < 0.25 or draw >= 0.75 else []
    nationwide = not regions or rng.random() >= 1 / 3
    return regions, themes, nationwide


def narrow_subscribers(count: int, articles: list[Article], seed: int,
                       first_chat: int = 20_000_000) -> list[Subscriber]:
    """Telegram subscribers following one region and one theme (no nationwide stories),
    each taken from a regional story of the week: small digests that are never empty."""
    rng = random.Random(seed)
    pairs = sorted({(a.regions[0], a.themes[0]) for a in articles
                    if a.relevant and a.regions and a.regions[0] != NATIONWIDE and a.themes
                    and a.story and a.story.startswith(WEEK_STORY_PREFIX)})
    subscribers = []
    for n in range(count):
        region, theme = rng.choice(pairs)
        subscribers.append(_subscriber(n, "telegram", [region], [theme], False, first_chat))
    return subscribers


def _some(rng: random.Random, codes: tuple[str, ...], weights: tuple[int, ...] | None = None) -> list[str]:
    picked = rng.choices(codes, weights, k=rng.randint(1, 3))
    return list(dict.fromkeys(picked))


def _subscriber(n: int, channel: str, regions: list[str], themes: list[str], nationwide: bool,
                first_chat: int) -> Subscriber:
    address = str(first_chat + n) if channel == "telegram" else f"abonne{n:05d}@example.org"
    return Subscriber(id=Subscriber.make_id(channel, address), channel=channel, address=address,
                      regions=regions, themes=themes, nationwide=nationwide,
                      created="2026-10-01T09:00:00+00:00", unsubscribe_token=f"jeton-{channel[:2]}-{n:06d}")
