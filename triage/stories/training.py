"""Fit the story pair model: are two articles reports of one initiative?

What: `fit_pairs(rows)` returns the `Linear` model `StoryIndex` uses to decide whether a
new article joins a story.  Why: hand-set weights split the same initiative worded
differently by two outlets and merged an organiser's different initiatives; labelled
pairs say how much each signal is worth.  How: every pair of on-topic labelled
articles gives the signals of `scoring.pair_features` (word rarity judged among the
training articles, as the index judges it among stored ones) and the label "same gold
story"; a logistic regression weighs them and the decision threshold is the one that
maximises pair F1 on the training pairs.  scikit-learn is needed here only.
"""
from __future__ import annotations

import datetime as dt

from triage.labeler import observe
from triage.learned.linear import Linear
from triage.places import locate
from triage.vocabulary import load_vocabulary

from . import scoring
from .index import StoryIndex, StoryInput
from .features import extract

PAIR_C = 1.0


def story_inputs(rows: list[dict], today: dt.date | None = None) -> list[StoryInput]:
    """Story inputs as triage would make them (event dates and regions read by the
    rules, themes as labelled)."""
    vocabulary = load_vocabulary()
    out = []
    for r in rows:
        title, text = r.get("title") or "", r.get("text") or ""
        seen = observe(vocabulary, title, text, r.get("published"), r.get("url") or "", today)
        regions, _ = locate(title, text, url=r.get("url") or "", source=r.get("source") or "")
        out.append(StoryInput(id=str(r["id"]), title=title, text=text, source=r.get("source") or "",
                              url=r.get("url") or "", published=r.get("published"),
                              event_date=seen.event_date, regions=regions, themes=list(r.get("themes") or [])))
    return out


def labelled_pairs(rows: list[dict]) -> tuple[list[dict[str, float]], list[bool]]:
    on_topic = [r for r in rows if r.get("relevant") and r.get("story")]
    inputs = story_inputs(on_topic)
    index = StoryIndex()
    feats = [extract(i) for i in inputs]
    for f in feats:
        index.count_words(f)       # word rarity among the training articles
    idf, rarity = index.word_weights()
    X, y = [], []
    for i, a in enumerate(feats):
        probe = scoring.probe(a, idf)
        for j in range(i):
            b = feats[j]
            if not scoring.within_window(a, b, index.window_days):
                continue
            sim = scoring.similarity(probe, b, idf, rarity)
            if sim.copy == scoring.SAME_PAGE:
                continue
            ctx = scoring.context(a, scoring.story_traits([b]))
            X.append(scoring.pair_features(sim, ctx, a, b))
            y.append(on_topic[i]["story"] == on_topic[j]["story"])
    return X, y


def fit_pairs(rows: list[dict], c: float = PAIR_C) -> Linear | None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    X, y = labelled_pairs(rows)
    if not any(y) or all(y):
        return None
    vec = DictVectorizer()
    x = vec.fit_transform(X)
    clf = LogisticRegression(C=c, max_iter=3000).fit(x, y)
    p = clf.predict_proba(x)[:, 1]
    threshold = _best_threshold(p, y)
    names = vec.get_feature_names_out()
    return Linear(dict(zip(names, map(float, clf.coef_[0]))), float(clf.intercept_[0]), threshold)


def _best_threshold(p, y) -> float:
    ranked = sorted(zip(p, y), reverse=True)
    positives = sum(y)
    best, best_f1, tp = 0.5, -1.0, 0
    for n, (prob, label) in enumerate(ranked, 1):
        tp += label
        f1 = 2 * tp / (n + positives)
        if f1 > best_f1:
            best, best_f1 = float(prob), f1
    return best
