"""`Store.writing()` rolls back: an error inside the block leaves nothing behind."""
import pytest

from domain.article import Article
from scrapers.urls import article_id
from store import Subscriber, open_store
from store.feeds import FeedState
from store.moderation import StoryOverride


class Boom(Exception):
    pass


def make(n: int) -> Article:
    url = f"https://example.org/{n}"
    return Article(id=article_id(url), url=url, feed="f", title=f"Titre {n}",
                   fetched_at="2026-11-17T10:00:00+00:00")


def sub(n: int) -> Subscriber:
    return Subscriber(id=f"tg-{n}", channel="telegram", address=str(n))


def test_error_inside_writing_discards_every_unsaved_change(tmp_path):
    store = open_store(tmp_path)
    with store.writing():
        store.articles.add([make(1)])
        store.subscribers.put(sub(1))
    with pytest.raises(Boom):
        with store.writing():
            store.articles.add([make(2)])
            store.articles.update({make(1).id: {"title": "changé"}})
            store.subscribers.put(sub(2))
            store.feeds.put(FeedState(name="f", last_error="x"))
            store.moderation.put(StoryOverride(story="s", hidden=True))
            store.deliveries.set_last_week_sent("2026-W47")
            raise Boom
    # nothing flushed on exit, and the live object no longer shows the change
    assert make(2).id not in store.articles and store.articles.get(make(1).id).title == "Titre 1"
    assert store.subscribers.get("tg-2") is None and store.deliveries.last_week_sent() is None
    # a later unrelated write does not flush the discarded changes either
    with store.writing():
        store.subscribers.put(sub(3))
    store.close()
    reopened = open_store(tmp_path)
    assert make(1).id in reopened.articles and make(2).id not in reopened.articles
    assert reopened.articles.get(make(1).id).title == "Titre 1"
    assert {s.id for s in reopened.subscribers.all()} == {"tg-1", "tg-3"}
    assert reopened.feeds.get("f").last_error is None
    assert not reopened.moderation.get("s").hidden
    assert reopened.deliveries.last_week_sent() is None


def test_store_stays_usable_after_a_rollback(tmp_path):
    store = open_store(tmp_path)
    with pytest.raises(Boom):
        with store.writing():
            store.articles.add([make(1)])
            raise Boom
    with store.writing():
        assert store.articles.add([make(1)])        # not "already stored": it never was
    assert make(1).id in open_store(tmp_path).articles
