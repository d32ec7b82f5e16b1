"""A source's fetch state: HTTP validators for conditional GET and its health record.

Scrapers fill it, the store keeps it (store/feeds.py), the bot and the web report it; it
lives here, below them all, so that scrapers need not import the store.
"""
from __future__ import annotations

from dataclasses import dataclass


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
