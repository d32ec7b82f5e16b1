"""Per-feed state kept in `feeds.json`: the record is `domain.feed_state.FeedState`
(re-exported here for existing imports)."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from tinydb import Query

from domain.feed_state import FeedState
from store.database import open_db, record_from_doc, storage_of

__all__ = ["FeedState", "FeedStateStore"]


class FeedStateStore:
    def __init__(self, path: Path):
        self.db = open_db(path, "feeds")
        self.table = self.db.table("feeds")

    @property
    def storage(self):
        return storage_of(self.db)

    def get(self, name: str) -> FeedState:
        doc = self.table.get(Query().name == name)
        return FeedState(name=name) if doc is None else record_from_doc(FeedState, doc)

    def all(self) -> list[FeedState]:
        return [self.get(doc["name"]) for doc in self.table.all()]

    def put(self, state: FeedState) -> None:
        self.table.upsert(asdict(state), Query().name == state.name)

    def clear_cache(self) -> None:
        self.table.clear_cache()
