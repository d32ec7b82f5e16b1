"""Articles, kept in one TinyDB file per day of first sight (`articles/2026-11-17.json`).

Daily segments keep every write small however long the history grows: a fetch cycle
rewrites only today's file. The weekly digest reads seven segments, and retention moves
whole old segments to the archive. The ids of each segment are cached in
`articles/.index/<segment>.json`; that cache is derived data, checked against the
segment's file signature on open and rebuilt for any segment that changed behind its
back, and only the changed segments' caches are rewritten.
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
from store.storage import file_signature, remove_stale_temp_files

TABLE = "articles"
_SEGMENT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\.json$")
INDEX_DIR = ".index"
HOT_DAYS = 75        # day files this recent stay in memory once read; older ones are read and dropped


def segment_name(timestamp: str | dt.datetime) -> str:
    """UTC day of an ISO timestamp, as a segment name: '2026-11-17'."""
    when = dt.datetime.fromisoformat(timestamp) if isinstance(timestamp, str) else timestamp
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc)
    return when.date().isoformat()


def segment_day(name: str) -> dt.date:
    return dt.date.fromisoformat(name)


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
        self._members: dict[str, list[str]] = defaultdict(list)  # segment -> its article ids
        self._signatures: dict[str, tuple] = {}          # segment -> file signature indexed
        self._stale_index: set[str] = set()              # segments whose id cache needs writing

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

    def _raw_docs(self, segment: str, keep: bool = True) -> dict[str, dict]:
        """The documents of one day file. With `keep=False` a file not open already is
        read once and not cached, so browsing old history does not grow memory."""
        if not keep and segment not in self._dbs:
            try:
                data = orjson.loads(self._path(segment).read_bytes())
            except FileNotFoundError:
                return {}
            return data.get(TABLE, {})
        data = storage_of(self._db(segment)).read() or {}
        return data.get(TABLE, {})

    # Index -----------------------------------------------------------------
    def _index(self) -> dict[str, str]:
        if self._ids is None:
            self._load_index()
        return self._ids  # type: ignore[return-value]

    def _index_path(self, segment: str) -> Path:
        return self.folder / INDEX_DIR / f"{segment}.json"

    def _load_index(self) -> None:
        ids: dict[str, str] = {}
        members: dict[str, list[str]] = defaultdict(list)
        signatures: dict[str, tuple] = {}
        for segment in self.segments():
            sig = file_signature(self._path(segment))
            seg_ids = self._cached_ids(segment, sig) if segment not in self._dbs else None
            if seg_ids is None:
                hot = segment_day(segment) >= dt.date.today() - dt.timedelta(days=HOT_DAYS)
                seg_ids = [doc["id"] for doc in self._raw_docs(segment, keep=hot).values()]
                self._stale_index.add(segment)
            signatures[segment] = sig
            members[segment] = list(seg_ids)
            for article_id in seg_ids:
                ids[article_id] = segment
        self._ids, self._signatures, self._members = ids, signatures, members

    def _cached_ids(self, segment: str, sig) -> list[str] | None:
        try:
            cached = orjson.loads(self._index_path(segment).read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return None
        if sig is None or cached.get("signature") != list(sig):
            return None
        return cached.get("ids", [])

    def _write_index(self) -> None:
        """Rewrite the id caches of the segments that changed (derived data: no fsync)."""
        if not self._stale_index:
            return
        (self.folder / INDEX_DIR).mkdir(exist_ok=True)
        for segment in self._stale_index:
            sig = self._signatures.get(segment)
            if sig is None:
                continue
            payload = orjson.dumps({"signature": list(sig), "ids": self._members.get(segment, [])})
            tmp = self._index_path(segment).with_suffix(".part")
            tmp.write_bytes(payload)
            tmp.replace(self._index_path(segment))
        self._stale_index.clear()

    # Reading ---------------------------------------------------------------
    def __contains__(self, article_id: str) -> bool:
        return article_id in self._index()

    def __len__(self) -> int:
        return len(self._index())

    def get(self, article_id: str) -> Article | None:
        segment = self._index().get(article_id)
        if segment is None:
            return None
        doc = self._raw_docs(segment, keep=segment_day(segment) >= dt.date.today() - dt.timedelta(days=HOT_DAYS)
                             ).get(str(doc_id_of(article_id)))
        return Article.from_dict(doc) if doc else None

    def iter(self, since: dt.date | None = None, until: dt.date | None = None) -> Iterator[Article]:
        """Articles first seen in [since, until] (dates, inclusive), oldest segment first."""
        hot_from = dt.date.today() - dt.timedelta(days=HOT_DAYS)
        for segment in self.segments():
            day = segment_day(segment)
            if (since and day < since - dt.timedelta(days=1)) or (until and day > until + dt.timedelta(days=1)):
                continue
            for doc in list(self._raw_docs(segment, keep=day >= hot_from).values()):
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
                self._members[segment].append(article.id)
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
                self._signatures[segment] = file_signature(self._path(segment))
                self._stale_index.add(segment)
        self._write_index()

    def discard(self) -> None:
        """Forget the changes not flushed yet (day files and index are read again)."""
        dirty = [s for s, db in self._dbs.items() if storage_of(db).dirty]
        for segment in dirty:
            del self._dbs[segment]
        if dirty:
            self._ids = None

    def refresh(self) -> None:
        """Forget what another process changed on disk since we read it."""
        stale = [s for s, db in self._dbs.items() if storage_of(db).changed_on_disk()]
        for segment in stale:
            del self._dbs[segment]
        known_segments = set(self._signatures)
        if stale or (self._ids is not None and set(self.segments()) != known_segments):
            self._ids = None

    def apply_retention(self, cutoff: dt.date, archive: bool) -> list[str]:
        """Move (or delete) the segments of the days before `cutoff`."""
        removed = []
        for segment in self.segments():
            if segment_day(segment) >= cutoff:
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
            for segment in removed:
                for article_id in self._members.pop(segment, []):
                    index.pop(article_id, None)
                self._signatures.pop(segment, None)
                self._stale_index.discard(segment)
                self._index_path(segment).unlink(missing_ok=True)
        return removed
