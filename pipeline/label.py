"""Triage of new articles at store time: labels, then stories joined across the store."""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading

from domain.article import Article
from pipeline.label_pool import ArticleLabels, LabelPool, Ticket, label_rows, warm_up
from scrapers.collect import POOL_MIN_FEEDS
from store import Store

STORY_WINDOW_DAYS = 45


def article_text(article: Article) -> str:
    """The text triage reads: the body, with the feed summary when the body lacks it."""
    if article.text and article.summary and article.summary[:80] not in article.text:
        return article.summary + "\n" + article.text
    return article.text or article.summary


def label_new_articles(articles: list[Article], store: Store, today: dt.date | None = None,
                       stories=None, labels: list[ArticleLabels] | None = None) -> None:
    """Fill the triage fields of `articles` (not stored yet) in place.  `stories` (a
    `StoryIndex` of the store's recent articles, as `CycleLabeller` keeps one) saves
    rebuilding it from the store; `labels` (one per article) saves computing them."""
    if labels is None:
        labels = label_rows([label_row(a) for a in articles], today)
    for article, found in zip(articles, labels, strict=True):
        article.relevant = found.relevant
        article.relevance_p = None if found.probability is None else round(found.probability, 4)
        article.themes = found.themes
        article.regions = found.regions
        article.event_date = found.event_date
        article.town = found.town
        article.story = None
    relevant = [a for a in articles if a.relevant]
    if relevant:
        features = {a.id: found.story_features for a, found in zip(articles, labels) if found.story_features}
        assign_stories(relevant, store, stories, features)
    for article in articles:
        if article.story is None:
            article.story = f"s-{article.id}"


def label_row(article: Article) -> tuple:
    """What triage reads of an article (a `pipeline.label_pool.LabelRow`)."""
    return (article.title, article_text(article), article.published, article.url, article.source,
            article.region_hint, article.fetched_at)


class CycleLabeller:
    """`label_new_articles` for one fetch cycle, which commits source after source: the
    story index of the store's recent articles is built once, at the first source with
    relevant news, and every labelled article joins it, so later sources are compared
    with earlier ones without reading the store again.  One per cycle: moderators'
    changes made meanwhile reach the next cycle.

    With `workers` > 0 labels and story features (not the stories themselves) are also
    computed in that many worker processes (`pipeline.label_pool`), started at once for
    a cycle of `POOL_MIN_FEEDS` sources or more, else once 100 articles came; `prepare`
    hands them a source's articles as soon as it is downloaded, so that they are
    labelled while earlier sources are filed under stories and written. Use it as a context manager so that the
    workers stop with the cycle. Without workers, entering it loads the triage models in
    a thread, while the first downloads are under way."""

    def __init__(self, today: dt.date | None = None, workers: int = 0, sources: int = 0):
        self.today = today
        self.stories = None
        self.pool = LabelPool(workers)
        self.sources = sources
        self._prepared: dict[str, tuple[Ticket, int]] = {}     # article id -> (ticket, row)
        self._lock = threading.Lock()

    def __enter__(self) -> "CycleLabeller":
        if self.sources >= POOL_MIN_FEEDS:
            if self.pool.workers:
                self.pool.start()
            else:     # this process labels: load the models while the first downloads run
                threading.Thread(target=warm_up, name="triage-warm-up", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.pool.close()

    def prepare(self, articles: list[Article]) -> None:
        """Start labelling `articles` (never blocks); `__call__` collects the labels."""
        with self._lock:
            articles = list({a.id: a for a in articles if a.id not in self._prepared}.values())
            if not articles:
                return
            ticket = self.pool.submit([label_row(a) for a in articles], self.today)
            for row, article in enumerate(articles):
                self._prepared[article.id] = (ticket, row)

    def __call__(self, articles: list[Article], store: Store) -> None:
        if self.stories is None and articles:
            oldest = min(dt.date.fromisoformat(a.fetched_at[:10]) for a in articles)
            self.stories = story_index(store, oldest - dt.timedelta(days=STORY_WINDOW_DAYS))
        self.prepare(articles)          # those not prepared yet
        with self._lock:
            places = [self._prepared[a.id] for a in articles]
            for article in articles:
                self._prepared.pop(article.id, None)
        labels = [self.pool.collect(ticket)[row] for ticket, row in places]
        label_new_articles(articles, store, self.today, self.stories, labels)


def label_as_relevant(article: Article, today: dt.date | None = None) -> None:
    """Label an article a moderator judged relevant (themes, regions, event date, town) in
    place, as triage would have had it passed; its story is left to `assign_stories`."""
    from triage.labeler import label_article      # here: a fetch whose workers label never loads it
    from triage.learned import load_model
    from triage.vocabulary import load_vocabulary
    model = load_model()
    if model.relevance is not None:   # the same decision, with the relevance bar lowered to zero
        model = dataclasses.replace(model, relevance=dataclasses.replace(model.relevance, threshold=0.0))
    labels = label_article(load_vocabulary(), article.title, article_text(article), article.published,
                           article.url, article.source, article.region_hint, today=today, model=model)
    article.relevant = True
    article.themes = labels.themes or ["recruitment"]
    article.regions = labels.regions or ([article.region_hint] if article.region_hint else [])
    article.event_date = labels.event_date
    article.town = labels.town


def story_index(store: Store, since: dt.date):
    """The story index of the store's relevant articles first seen since `since`."""
    from triage.learned import load_model
    from triage.stories import StoryIndex
    index = StoryIndex(window_days=STORY_WINDOW_DAYS, model=load_model().story)
    index.add_existing(_story_input(a) for a in store.articles.iter(since=since) if a.relevant and a.story)
    return index


def assign_stories(articles: list[Article], store: Store, index=None, features: dict | None = None) -> None:
    """File relevant new articles under stories, joining the store's recent ones; with
    `index` given, that index is used (and the articles join it) instead of one built
    from the store; `features` (article id -> story features, as `label_rows` gives them)
    saves extracting them again."""
    if index is None:
        oldest = min(dt.date.fromisoformat(a.fetched_at[:10]) for a in articles)
        index = story_index(store, oldest - dt.timedelta(days=STORY_WINDOW_DAYS))
    assigned = index.assign([_story_input(a) for a in articles], features)
    for article in articles:
        article.story = assigned.get(article.id, f"s-{article.id}")


def _story_input(article: Article):
    from triage.stories import StoryInput
    return StoryInput(id=article.id, title=article.title, text=article_text(article), source=article.source,
                      url=article.url, published=article.published or article.fetched_at,
                      event_date=article.event_date, regions=list(article.regions),
                      themes=list(article.themes), story=article.story)
