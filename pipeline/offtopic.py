"""Off-topic articles that came close, and a moderator's rescue of one (/horssujet).

Triage stores its learned P(relevant) on every article (`relevance_p`). The articles it
judged off-topic with the highest probability are the likeliest misses; a moderator can
make one relevant: it is labelled as triage would have had it passed, joins its story
(or starts one) and so the digest, and the correction is logged for `run.py corrections`.
"""
from __future__ import annotations

import datetime as dt

from domain.article import Article
from pipeline.label import assign_stories, label_as_relevant
from pipeline.moderation import ModerationError, find_story, now_iso
from store import ActionLog, Store
from triage.story_groups import Story

RECENT_DAYS = 14
CLOSE = 0.1          # P(relevant) from which an off-topic article "came close"
LIMIT = 10
LABEL_FIELDS = ("relevant", "themes", "regions", "event_date", "town", "story")


def near_misses(store: Store, today: dt.date | None = None, days: int = RECENT_DAYS,
                limit: int = LIMIT, close: float = CLOSE) -> list[Article]:
    """Recent off-topic articles whose P(relevant) reached `close`, likeliest first."""
    today = today or dt.date.today()
    found = [a for a in store.articles.iter(since=today - dt.timedelta(days=days))
             if a.relevant is False and a.relevance_p is not None and a.relevance_p >= close]
    found.sort(key=lambda a: (-a.relevance_p, a.fetched_at))
    return found[:limit]


def make_relevant(store: Store, article_id: str, who: str) -> Story:
    """Make an off-topic article relevant: labelled, put in its story, logged."""
    with store.writing():
        article = store.articles.get(article_id.strip().lower())
        if article is None:
            raise ModerationError(f"Aucun article « {article_id} ».")
        if article.relevant:
            raise ModerationError("Cet article est déjà jugé pertinent.")
        before = {name: getattr(article, name) for name in LABEL_FIELDS}
        label_as_relevant(article)
        article.story = None
        assign_stories([article], store)
        after = {name: getattr(article, name) for name in LABEL_FIELDS}
        store.articles.update({article.id: after})
        store.moderation.log(ActionLog(when=now_iso(), who=who, action="relevant", target=article.story,
                                       detail={"article": article.id, "relevance_p": article.relevance_p,
                                               "before": before, "after": after}))
    return find_story(store, article.id)
