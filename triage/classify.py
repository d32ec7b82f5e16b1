"""The evaluation contract: label a list of articles given as JSON objects, offline.

Input objects carry `id`, `url`, `source`, `title`, `text`, `published`; output objects
carry `id`, `relevant`, `themes`, `regions`, `event_date`, `story`.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from triage.labeler import label_article
from triage.learned import TriageModel, load_model
from triage.vocabulary import load_vocabulary


def classify(rows: Iterable[dict], today: dt.date | None = None,
             model: TriageModel | None = None) -> list[dict]:
    """Labels of each row; `model` defaults to the shipped one (`triage.learned`)."""
    vocabulary = load_vocabulary()
    model = load_model() if model is None else model
    rows = list(rows)
    results = []
    for row in rows:
        labels = label_article(vocabulary, row.get("title") or "", row.get("text") or "",
                               row.get("published"), row.get("url") or "", row.get("source") or "",
                               today=today, model=model)
        results.append({"id": str(row["id"]), "relevant": labels.relevant, "themes": labels.themes,
                        "regions": labels.regions, "event_date": labels.event_date,
                        "story": None})
    _assign_stories(rows, results, model)
    return results


def _assign_stories(rows: list[dict], results: list[dict], model: TriageModel) -> None:
    from triage.stories import StoryInput, cluster
    inputs = [StoryInput(id=r["id"], title=row.get("title") or "", text=row.get("text") or "",
                         source=row.get("source") or "", url=row.get("url") or "",
                         published=row.get("published"), event_date=r["event_date"],
                         regions=r["regions"], themes=r["themes"])
              for row, r in zip(rows, results) if r["relevant"]]
    stories = cluster(inputs, model=model.story)
    for result in results:
        result["story"] = stories.get(result["id"], "s-" + result["id"])
