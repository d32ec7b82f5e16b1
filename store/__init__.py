"""The store: every piece of Vigie's data in TinyDB files under one data dir.

    with open_store(data_dir) as store:
        with store.writing():          # lock, pick up other writers' changes, flush at the end
            store.articles.add(batch)
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from store.articles import ArticleStore
from store.database import discard_changes
from store.deliveries import Delivery, DeliveryStore
from store.feeds import FeedState, FeedStateStore
from store.lock import StoreLock
from store.moderation import ActionLog, ModerationStore, StoryOverride
from store.storage import StorageCorrupt, remove_stale_temp_files
from store.subscribers import Subscriber, SubscriberStore


class Store:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.lock = StoreLock(self.data_dir)
        with self.lock:
            remove_stale_temp_files(self.data_dir)
            self.articles = ArticleStore(self.data_dir / "articles", self.data_dir / "archive" / "articles")
            self.feeds = FeedStateStore(self.data_dir / "feeds.json")
            self.subscribers = SubscriberStore(self.data_dir / "subscribers.json")
            self.deliveries = DeliveryStore(self.data_dir / "deliveries.json")
            self.moderation = ModerationStore(self.data_dir / "moderation.json")

    @contextlib.contextmanager
    def writing(self) -> Iterator["Store"]:
        """Hold the writer lock, refresh from disk, and flush everything on success.

        An exception inside the block discards every change not flushed yet (then
        propagates): nothing of it is written, now or by a later write."""
        with self.lock:
            self.refresh()
            try:
                yield self
            except BaseException:
                self.discard()
                raise
            self.flush()

    def _small_stores(self):
        return (self.feeds, self.subscribers, self.deliveries, self.moderation)

    def refresh(self) -> None:
        self.articles.refresh()
        for small in self._small_stores():
            if small.storage.changed_on_disk():
                small.storage.reload()
                small.clear_cache()

    def discard(self) -> None:
        """Drop pending changes; the next reads see the files as last written."""
        with self.lock:
            self.articles.discard()
            for small in self._small_stores():
                discard_changes(small.db)
                small.clear_cache()

    def flush(self) -> None:
        """Write pending changes: articles first, so feed validators never run ahead of them."""
        with self.lock:
            self.articles.flush()
            for small in self._small_stores():
                if small is self.deliveries:
                    small.flush()
                else:
                    small.storage.flush()

    def close(self) -> None:
        self.flush()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(data_dir: str | Path) -> Store:
    return Store(Path(data_dir))


__all__ = ["ActionLog", "ModerationStore", "StoryOverride", "ArticleStore", "Delivery", "DeliveryStore", "FeedState", "FeedStateStore", "Store",
           "StorageCorrupt", "Subscriber", "SubscriberStore", "open_store"]
