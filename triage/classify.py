"""The evaluation contract: label a list of articles given as JSON objects, offline.

Input objects carry `id`, `url`, `source`, `title`, `text`, `published`; output objects
carry `id`, `relevant`, `themes`, `regions`, `event_date`, `story`.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from triage.labeler import label_article
from triage.vocabulary import load_vocabulary


def classify(rows: Iterable[dict], today: dt.date | None = None) -> list[dict]:
    vocabulary = load_vocabulary()
    rows = list(rows)
    results = []
    for row in rows:
        labels = label_article(vocabulary, row.get("title") or "", row.get("text") or "",
                               row.get("published"), row.get("url") or "", row.get("source") or "",
                               today=today)
        results.append({"id": str(row["id"]), "relevant": labels.relevant, "themes": labels.themes,
                        "regions": labels.regions, "event_date": labels.event_date,
                        "story": None})
    _assign_stories(rows, results)
    return results


def _assign_stories(rows: list[dict], results: list[dict]) -> None:
    try:
        from triage.stories import StoryInput, cluster
    except ImportError:
        for result in results:
            result["story"] = "s-" + result["id"]
        return
    inputs = [StoryInput(id=r["id"], title=row.get("title") or "", text=row.get("text") or "",
                         source=row.get("source") or "", url=row.get("url") or "",
                         published=row.get("published"), event_date=r["event_date"],
                         regions=r["regions"], themes=r["themes"])
              for row, r in zip(rows, results) if r["relevant"]]
    stories = cluster(inputs)
    for result in results:
        result["story"] = stories.get(result["id"], "s-" + result["id"])
