"""Open one TinyDB file on the atomic storage, with a schema version kept inside it."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any, Mapping, TypeVar

from tinydb import TinyDB

from store.storage import AtomicJSONStorage

T = TypeVar("T")
SCHEMA_VERSION = 1
META_TABLE = "_meta"


class SchemaError(Exception):
    """A data file written by a newer, incompatible Vigie."""


def open_db(path: Path, kind: str) -> TinyDB:
    """Open (or create in memory until the first flush) the TinyDB file `path` of `kind`."""
    db = TinyDB(path, storage=AtomicJSONStorage)
    meta = db.table(META_TABLE, cache_size=0)
    doc = meta.get(doc_id=1)
    if doc is None:
        if db.storage.read() is None:  # a new file: stamp it, written with the first flush
            meta.insert({"schema": SCHEMA_VERSION, "kind": kind})
    elif doc.get("schema", 0) > SCHEMA_VERSION:
        raise SchemaError(f"{path}: written by a newer Vigie (schema {doc['schema']}, "
                          f"this one reads up to {SCHEMA_VERSION}); upgrade Vigie")
    return db


def discard_changes(db: TinyDB) -> None:
    """Forget the changes not flushed yet: the next read sees the file as last written.
    A file never written keeps only its schema stamp (written with the next flush)."""
    storage = storage_of(db)
    if not storage.dirty:
        return
    stamp = (storage.read() or {}).get(META_TABLE)
    storage.reload()
    if storage.read() is None and stamp is not None:
        storage.write({META_TABLE: stamp})


def storage_of(db: TinyDB) -> AtomicJSONStorage:
    return db.storage  # type: ignore[return-value]


def record_from_doc(cls: type[T], doc: Mapping[str, Any]) -> T:
    """A dataclass record from a stored document; unknown keys (older or newer fields) are dropped."""
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in doc.items() if k in known})
