"""Articles, kept in one TinyDB file per ISO week of first sight (`articles/2026-W47.json`).

Weekly segments keep every write small however long the history grows: a fetch cycle
rewrites only the current week's file. The weekly digest reads one segment, and
retention moves whole old segments to the archive. An id -> segment index is cached in
`articles/index.json`; it is derived data, checked against each segment's file
signature on open and rebuilt for any segment that changed behind its back.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Iterator

import orjson
from tinydb import TinyDB
from tinydb.table import Document

from domain.article import Article
from store.database import open_db, storage_of
from store.storage import _signature, atomic_write_bytes, remove_stale_temp_files

TABLE = "articles"
_SEGMENT = re.compile(r"^(\d{4})-W(\d{2})\.json$")
INDEX_FILE = "index.json"


def segment_name(timestamp: str | dt.datetime) -> str:
    """ISO week of an ISO timestamp, as a segment name: '2026-W47'."""
    when = dt.datetime.fromisoformat(timestamp) if isinstance(timestamp, str) else timestamp
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def segment_bounds(name: str) -> tuple[dt.date, dt.date]:
    """First (Monday) and last (Sunday) day of a segment's ISO week."""
    year, week = int(name[:4]), int(name[6:8])
    monday = dt.date.fromisocalendar(year, week, 1)
    return monday, monday + dt.timedelta(days=6)


def doc_id_of(article_id: str) -> int:
    return int(article_id, 16)


class ArticleStore:
    def __init__(self, folder: Path, archive_folder: Path):
        self.folder = folder
        self.archive_folder = archive_folder
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(folder)
        self._dbs: dict[str, TinyDB] = {}
        self._ids: dict[str, str] | None = None          # article id -> segment
        self._signatures: dict[str, tuple] = {}          # segment -> file signature indexed
        self._index_dirty = False

    # Segments --------------------------------------------------------------
    def segments(self) -> list[str]:
        on_disk = {p.name[:-5] for p in self.folder.glob("*.json") if _SEGMENT.match(p.name)}
        return sorted(on_disk | set(self._dbs))

    def _path(self, segment: str) -> Path:
        return self.folder / f"{segment}.json"

    def _db(self, segment: str) -> TinyDB:
        db = self._dbs.get(segment)
        if db is None:
            db = self._dbs[segment] = open_db(self._path(segment), "articles")
        return db

    def _table(self, segment: str):
        return self._db(segment).table(TABLE, cache_size=0)

    def _raw_docs(self, segment: str) -> dict[str, dict]:
        data = storage_of(self._db(segment)).read() or {}
        return data.get(TABLE, {})

    # Index -----------------------------------------------------------------
    def _index(self) -> dict[str, str]:
        if self._ids is None:
            self._load_index()
        return self._ids  # type: ignore[return-value]

    def _load_index(self) -> None:
        cached: dict = {}
        try:
            cached = orjson.loads((self.folder / INDEX_FILE).read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            cached = {}
        ids: dict[str, str] = {}
        signatures: dict[str, tuple] = {}
        cached_sigs = cached.get("segments", {})
        cached_ids = cached.get("ids", {})
        for segment in self.segments():
            sig = _signature(self._path(segment))
            if sig is not None and list(sig) == cached_sigs.get(segment) and segment not in self._dbs:
                seg_ids = cached_ids.get(segment, [])
            else:
                seg_ids = [doc["id"] for doc in self._raw_docs(segment).values()]
                self._index_dirty = True
            signatures[segment] = sig
            for article_id in seg_ids:
                ids[article_id] = segment
        if set(cached_sigs) - set(signatures):
            self._index_dirty = True
        self._ids, self._signatures = ids, signatures

    def _write_index(self) -> None:
        by_segment: dict[str, list[str]] = defaultdict(list)
        for article_id, segment in self._index().items():
            by_segment[segment].append(article_id)
        payload = {"version": 1,
                   "segments": {s: list(sig) for s, sig in self._signatures.items() if sig is not None},
                   "ids": by_segment}
        atomic_write_bytes(self.folder / INDEX_FILE, orjson.dumps(payload))
        self._index_dirty = False

    # Reading ---------------------------------------------------------------
    def __contains__(self, article_id: str) -> bool:
        return article_id in self._index()

    def __len__(self) -> int:
        return len(self._index())

    def get(self, article_id: str) -> Article | None:
        segment = self._index().get(article_id)
        if segment is None:
            return None
        doc = self._raw_docs(segment).get(str(doc_id_of(article_id)))
        return Article.from_dict(doc) if doc else None

    def iter(self, since: dt.date | None = None, until: dt.date | None = None) -> Iterator[Article]:
        """Articles first seen in [since, until] (dates, inclusive), oldest segment first."""
        for segment in self.segments():
            monday, sunday = segment_bounds(segment)
            if (since and sunday < since) or (until and monday > until):
                continue
            for doc in list(self._raw_docs(segment).values()):
                day = doc.get("fetched_at", "")[:10]
                if (since and day < since.isoformat()) or (until and day > until.isoformat()):
                    continue
                yield Article.from_dict(doc)

    # Writing ---------------------------------------------------------------
    def add(self, articles: Iterable[Article]) -> list[Article]:
        """Store the articles not stored yet (by id); returns those that were new."""
        index = self._index()
        fresh: dict[str, Article] = {}
        for article in articles:
            if article.id not in index and article.id not in fresh:
                fresh[article.id] = article
        by_segment: dict[str, list[Article]] = defaultdict(list)
        for article in fresh.values():
            by_segment[segment_name(article.fetched_at)].append(article)
        for segment, batch in by_segment.items():
            self._table(segment).insert_multiple(
                Document(a.to_dict(), doc_id=doc_id_of(a.id)) for a in batch)
            for article in batch:
                index[article.id] = segment
            self._index_dirty = True
        return list(fresh.values())

    def update(self, changes: dict[str, dict]) -> int:
        """Apply field changes {article_id: {field: value}}; returns how many were found."""
        index = self._index()
        by_segment: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        for article_id, fields in changes.items():
            if article_id in index:
                by_segment[index[article_id]].append((article_id, fields))
        for segment, items in by_segment.items():
            wanted = {doc_id_of(a): f for a, f in items}

            def apply(table: dict, wanted=wanted) -> None:
                for doc_id, fields in wanted.items():
                    if doc_id in table:
                        table[doc_id].update(fields)

            self._table(segment)._update_table(apply)
        return sum(len(v) for v in by_segment.values())

    def flush(self) -> None:
        for segment, db in self._dbs.items():
            storage = storage_of(db)
            if storage.flush():
                self._signatures[segment] = _signature(self._path(segment))
                self._index_dirty = True
        if self._index_dirty:
            self._write_index()

    def refresh(self) -> None:
        """Forget what another process changed on disk since we read it."""
        stale = [s for s, db in self._dbs.items() if storage_of(db).changed_on_disk()]
        for segment in stale:
            del self._dbs[segment]
        known_segments = set(self._signatures)
        if stale or (self._ids is not None and set(self.segments()) != known_segments):
            self._ids = None

    def apply_retention(self, cutoff: dt.date, archive: bool) -> list[str]:
        """Move (or delete) the segments whose whole week is before `cutoff`."""
        removed = []
        for segment in self.segments():
            if segment_bounds(segment)[1] >= cutoff:
                continue
            db = self._dbs.pop(segment, None)
            if db is not None:
                storage_of(db).flush()
            path = self._path(segment)
            if path.exists():
                if archive:
                    self.archive_folder.mkdir(parents=True, exist_ok=True)
                    shutil.move(str(path), self.archive_folder / path.name)
                else:
                    path.unlink()
            removed.append(segment)
        if removed:
            index = self._index()
            for article_id in [a for a, s in index.items() if s in removed]:
                del index[article_id]
            for segment in removed:
                self._signatures.pop(segment, None)
            self._index_dirty = True
            self._write_index()
        return removed
