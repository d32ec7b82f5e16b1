"""Fit the triage models on hand-labelled articles (scikit-learn, offline only).

What: `fit_model(rows)` returns a `TriageModel` fitted on gold rows of the evaluation
format (`id, title, text, published, url, source, relevant, themes, regions, story`).
Why: the same function serves the shipped model (`scripts/train_triage.py`, all labelled
articles) and each fold of the cross-validation (`bench/triage_eval.py`), so that what
is measured is what ships.  How: L2-regularised logistic regressions over sparse
features; words seen in fewer than `MIN_DOCS` training articles are dropped.
scikit-learn is imported here only: labelling never needs it.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from domain.themes import THEME_CODES
from triage.labeler import observe
from triage.vocabulary import load_vocabulary

from . import TriageModel
from .linear import Linear, Softmax

MIN_DOCS = 2


@dataclass(frozen=True)
class FitOptions:
    relevance_c: float = 0.3
    relevance_threshold: float = 0.32
    primary_c: float = 0.3            # 0.1-0.3 by cross-validation over 3 fold seeds: 0.3 (primary 0.677 -> 0.684)
    theme_c: float = 10.0
    theme_threshold: float = 0.5
    story: bool = True
    story_threshold: float = 0.25     # 0: the one that maximises pair F1 on the training pairs (lower
                                      # recall across folds: 0.25 was best of 0.12-0.5 by cross-validation)
    dates: bool = True
    regions: bool = True
    region_c: float = 1.0
    region_threshold: float = 0.5
    date_c: float = 1.0


def observed_features(rows: list[dict], today: dt.date | None = None, date_model=None) -> list[dict[str, float]]:
    """The article features of `rows`, event dates read as labelling will read them
    (with `date_model`, the learned date model, when there is one)."""
    vocabulary = load_vocabulary()
    return [observe(vocabulary, r.get("title") or "", r.get("text") or "", r.get("published"),
                    r.get("url") or "", today, date_model).features() for r in rows]


NONE_WEIGHT = 0.5    # a date rightly left out counts half a date rightly found: a missed
                     # date loses an event from the agenda, a spurious one only shows a date


def fit_dates(rows: list[dict], c: float, today: dt.date | None = None) -> Linear:
    """The event-date model: which of the dates an article states is its event's.  Its
    threshold maximises the articles whose date is right, "none" included (weighed
    `NONE_WEIGHT`)."""
    from triage.dates import date_candidates
    cands = [date_candidates(r.get("title") or "", r.get("text") or "", r.get("published"),
                             r.get("url") or "", today=today) for r in rows]
    X = [f for cs in cands for _, f in cs]
    y = [d.isoformat() == r.get("event_date") for cs, r in zip(cands, rows) for d, _ in cs]
    model = _binary(X, y, c, 0.5, balanced=False)
    outcomes = []      # per article with candidates: top probability, top right, no date is right
    for cs, r in zip(cands, rows):
        if cs:
            d, f = max(cs, key=lambda df: model.probability(df[1]))
            outcomes.append((model.probability(f), d.isoformat() == r.get("event_date"), not r.get("event_date")))

    def right(t: float) -> float:
        return sum(top_right if p >= t else NONE_WEIGHT * none_right for p, top_right, none_right in outcomes)

    threshold = max(sorted({p for p, _, _ in outcomes} | {0.5}), key=right)
    return Linear(model.weights, model.bias, threshold)


def fit_regions(rows: list[dict], c: float, threshold: float = 0.5) -> Linear:
    """The region model: is this candidate region (or "FR") one of the article's?"""
    from triage.places.detect import candidate_features
    from triage.places.evidence import collect
    X, y = [], []
    for r in rows:
        if not (r.get("relevant") and r.get("regions")):
            continue
        clues = collect(r.get("title") or "", r.get("text") or "", None, r.get("url") or "", r.get("source") or "")
        for code, f in candidate_features(clues, None):
            X.append(f)
            y.append(code in r["regions"])
    return _binary(X, y, c, threshold, balanced=False)


def rule_features(f: dict[str, float]) -> dict[str, float]:
    """The vocabulary's overall scores, without the words and the text length: learned
    from those, relevance fitted the labelled pages' habits (short excerpts were mostly
    off topic there) more than it generalised; cross-validation gained nothing from
    them and invented examples (a title alone, a feed teaser) were lost."""
    return {k: v for k, v in f.items() if k.startswith(("r:", "d:", "th:")) and k != "r:short"}


def _prune(features: list[dict[str, float]]) -> list[dict[str, float]]:
    docs = Counter(k for f in features for k in f)
    keep = {k for k, n in docs.items() if n >= MIN_DOCS}
    return [{k: v for k, v in f.items() if k in keep} for f in features]


def _binary(features, labels, c: float, threshold: float, balanced: bool = True) -> Linear:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    vec = DictVectorizer()
    x = vec.fit_transform(features)
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced" if balanced else None)
    clf.fit(x, labels)
    names = vec.get_feature_names_out()
    return Linear(dict(zip(names, map(float, clf.coef_[0]))), float(clf.intercept_[0]), threshold)


def _multiclass(features, labels, c: float) -> Softmax:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    vec = DictVectorizer()
    x = vec.fit_transform(features)
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(x, labels)
    names = vec.get_feature_names_out()
    classes = [str(c) for c in clf.classes_]
    weights = {c: dict(zip(names, map(float, clf.coef_[i]))) for i, c in enumerate(classes)}
    bias = {c: float(clf.intercept_[i]) for i, c in enumerate(classes)}
    return Softmax(tuple(classes), weights, bias)


def fit_model(rows: list[dict], options: FitOptions = FitOptions()) -> TriageModel:
    """A model fitted on `rows` (gold labels).  The date model comes first: the other
    models read event dates as labelling will, through it."""
    dates = fit_dates(rows, options.date_c) if options.dates else None
    features = _prune(observed_features(rows, date_model=dates))
    relevance = _binary([rule_features(f) for f in features], [bool(r["relevant"]) for r in rows],
                        options.relevance_c, options.relevance_threshold)
    on_topic = [(f, r) for f, r in zip(features, rows) if r["relevant"] and r.get("themes")]
    primary = _multiclass([f for f, _ in on_topic], [r["themes"][0] for _, r in on_topic], options.primary_c)
    themes = {}
    for theme in THEME_CODES:
        labels = [theme in r["themes"] for _, r in on_topic]
        if 0 < sum(labels) < len(labels):
            themes[theme] = _binary([f for f, _ in on_topic], labels, options.theme_c, options.theme_threshold)
    story = None
    if options.story:
        from triage.stories.training import fit_pairs
        story = fit_pairs(rows)
        if story is not None and options.story_threshold:
            story = Linear(story.weights, story.bias, options.story_threshold)
    regions = fit_regions(rows, options.region_c, options.region_threshold) if options.regions else None
    info = {"articles": len(rows), "relevant": len(on_topic), "options": options.__dict__}
    return TriageModel(relevance=relevance, primary=primary, themes=themes, story=story, dates=dates, regions=regions, info=info)
