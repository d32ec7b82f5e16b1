"""The robots.txt cache file of the data dir (`robots.json`), read and written whole.

It is a cache: a missing or unreadable file reads as empty, and it is replaced
atomically (temporary file, fsync, rename), like every other store file, so a crash
never leaves half a file. The entries themselves are `scrapers.robots.RobotsCache` data.
"""
from __future__ import annotations

from pathlib import Path

import orjson

from store.storage import atomic_write_bytes

FILE_NAME = "robots.json"


def read_robots_file(data_dir: Path) -> dict:
    """The cache's data as written by `write_robots_file`; {} if absent or unreadable."""
    try:
        data = orjson.loads((Path(data_dir) / FILE_NAME).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def write_robots_file(data_dir: Path, data: dict) -> None:
    """Replace the cache file with `data` atomically."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(Path(data_dir) / FILE_NAME, orjson.dumps(data))
