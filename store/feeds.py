"""Per-feed state: HTTP validators for conditional GET and the feed's health record."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from tinydb import Query

from store.database import open_db, record_from_doc, storage_of


@dataclass
class FeedState:
    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_checked: str | None = None      # ISO datetime of the last attempt
    last_success: str | None = None
    last_status: int | None = None       # HTTP status of the last attempt
    last_error: str | None = None        # None after a success
    consecutive_failures: int = 0
    moved_to: str | None = None          # target of a permanent redirect, to update config
    items_seen: int = 0                  # entries in the last successful parse


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
