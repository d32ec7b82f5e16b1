"""Store contents for the bot tests: the digest tests' sample week plus a few more stories."""
from __future__ import annotations

from tests.digest.helpers import article, make_store, sample_articles, subscriber

WEEK = "2026-W47"


def extra_articles():
    """Three more stories in the week (eight in all: two pages of the moderation queue)."""
    return [article(11, "Reconversion : une promotion d'aides-soignants à Rouen", theme="training", day=19),
            article(12, "Formation d'infirmiers <b>en alternance</b> & apprentissage", theme="training",
                    regions=("FR-BRE",), day=19),
            article(13, "Étude : 12 000 postes vacants", theme="study", regions=("FR",), day=20)]


def week_articles():
    """Story ids of at least four characters after "s-" ("s-3" -> "s-0003"), as moderators
    type at least four (real ids are "s-" and 16 hex digits)."""
    articles = sample_articles() + extra_articles()
    for a in articles:
        number = a.story[2:]
        if number.isdigit():
            a.story = f"s-{int(number):04d}"
    return articles


def week_store(data_dir, subscribers=()):
    return make_store(data_dir, articles=week_articles(), subscribers=subscribers)


__all__ = ["WEEK", "article", "extra_articles", "week_articles", "subscriber", "week_store"]
