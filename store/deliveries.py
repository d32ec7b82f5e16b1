"""The delivery ledger: one record per (ISO week, subscriber), so a week goes out once.

States: `pending` (to send), `sent`, `retry` (transient failure, tried again on the next
run until the attempts run out), `uncertain` (e-mail: the connection was lost after the
message was handed over, before the server confirmed it; never resent in the same run, a
later run sends it again), `failed` (permanent failure or out of attempts), `empty`
(nothing for this subscriber that week).

Records are created in one TinyDB write before a batch starts. Each outcome, and each
Telegram message of a digest (week and subscriber, part number, Telegram message_id), is
then appended to `deliveries.journal` the moment the server confirmed it (one small
`write`, which survives a killed process; fsync'ed at the end of the batch and every
second), and the journal is folded into TinyDB when the batch ends or at the next
start. A run killed at any point and run again sends exactly what was not confirmed:
a Telegram digest resumes after its last confirmed part (`Delivery.message_ids`).
"""
from __future__ import annotations

import fcntl
import os
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

import orjson
from tinydb import Query

from store.database import open_db, record_from_doc, storage_of

FINAL_STATES = ("sent", "failed", "empty")
PART = "part"             # journal lines of one confirmed Telegram message
JOURNAL_FSYNC_SECONDS = 1.0


@dataclass
class Delivery:
    week: str                 # "2026-W47"
    subscriber: str           # subscriber id
    channel: str
    state: str = "pending"
    attempts: int = 0
    last_error: str | None = None
    updated: str = ""
    stories: int = 0          # stories in this subscriber's digest
    message_ids: list[int] = field(default_factory=list)   # Telegram: confirmed parts, in order

    @property
    def key(self) -> str:
        return f"{self.week}/{self.subscriber}"

    def as_doc(self) -> dict:
        """The stored form: `dataclasses.asdict` without its recursive deep copy (a send
        journals one record per message; only `message_ids` is mutable, copied here)."""
        doc = {name: getattr(self, name) for name in _FIELDS}
        doc["message_ids"] = list(self.message_ids)
        return doc


_FIELDS = tuple(f.name for f in fields(Delivery))


class DeliveryStore:
    def __init__(self, path):
        self.db = open_db(path, "deliveries")
        self.table = self.db.table("deliveries")
        self.meta = self.db.table("state")
        self.journal_path = Path(path).with_suffix(".journal")
        self.send_lock_path = Path(path).with_suffix(".sending")
        self._journal_fd: int | None = None
        self._send_lock_fd: int | None = None
        self._last_fsync = 0.0
        if self._may_fold():
            self.fold_journal()

    # One sender at a time --------------------------------------------------------
    def begin_send(self) -> bool:
        """Take the sender's lock; False when another process is sending right now."""
        fd = os.open(self.send_lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._send_lock_fd = fd
        return True

    def end_send(self) -> None:
        if self._send_lock_fd is not None:
            fcntl.flock(self._send_lock_fd, fcntl.LOCK_UN)
            os.close(self._send_lock_fd)
            self._send_lock_fd = None

    def _may_fold(self) -> bool:
        """The journal belongs to a running send unless we are that sender or none runs."""
        if self._send_lock_fd is not None or not self.journal_path.exists():
            return True
        fd = os.open(self.send_lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)

    # Journal -----------------------------------------------------------------
    def record(self, delivery: Delivery) -> None:
        """Append one outcome to the journal, durable against a killed process at once."""
        self._append(delivery.as_doc())

    def record_part(self, week: str, subscriber: str, part: int, message_id: int) -> None:
        """Append one confirmed Telegram message (part `part`, from 0) of a digest."""
        self._append({"kind": PART, "week": week, "subscriber": subscriber, "part": part,
                      "message_id": message_id})

    def _append(self, doc: dict) -> None:
        """One `write` of one line: a killed process leaves whole lines or a cut last line."""
        if self._journal_fd is None:
            self._journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(self._journal_fd, orjson.dumps(doc) + b"\n")
        now = time.monotonic()
        if now - self._last_fsync > JOURNAL_FSYNC_SECONDS:
            os.fsync(self._journal_fd)
            self._last_fsync = now

    def fold_journal(self) -> int:
        """Apply journalled outcomes to the table (written on the next flush)."""
        if self._journal_fd is not None:
            os.fsync(self._journal_fd)
        try:
            raw = self.journal_path.read_bytes()
        except FileNotFoundError:
            return 0
        records: dict[str, Delivery] = {}
        lines = 0
        for line in raw.splitlines():
            try:
                doc = orjson.loads(line)
                if doc.get("kind") == PART:
                    key = f"{doc['week']}/{doc['subscriber']}"
                    record = records.get(key) or self.get(doc["week"], doc["subscriber"])
                    if record is None:
                        continue
                    record.message_ids = with_part(record.message_ids, int(doc["part"]), int(doc["message_id"]))
                else:
                    record = _from_doc(doc)
            except (orjson.JSONDecodeError, TypeError, KeyError, ValueError, AttributeError):
                continue  # a line cut by a crash: its outcome was not confirmed
            records[record.key] = record
            lines += 1
        if records:
            self.put_many(list(records.values()))
        return lines

    def close_journal(self) -> None:
        """The sender is done appending: the journal may now be folded by `flush`."""
        if self._journal_fd is not None:
            os.fsync(self._journal_fd)
            os.close(self._journal_fd)
            self._journal_fd = None

    def flush(self) -> None:
        """Write the table, then empty the journal it now contains (never while this
        object is still appending to it: a send in progress folds it when it ends)."""
        pending_journal = (self._journal_fd is None and self.journal_path.exists() and self._may_fold())
        if pending_journal:
            self.fold_journal()
        self.storage.flush()
        if pending_journal:
            if self._journal_fd is not None:
                os.close(self._journal_fd)
                self._journal_fd = None
            self.journal_path.unlink(missing_ok=True)

    @property
    def storage(self):
        return storage_of(self.db)

    def for_week(self, week: str) -> dict[str, Delivery]:
        return {d["subscriber"]: _from_doc(d) for d in self.table.search(Query().week == week)}

    def get(self, week: str, subscriber: str) -> Delivery | None:
        doc = self.table.get((Query().week == week) & (Query().subscriber == subscriber))
        return _from_doc(doc) if doc else None

    def put(self, delivery: Delivery) -> None:
        self.table.upsert(delivery.as_doc(),
                          (Query().week == delivery.week) & (Query().subscriber == delivery.subscriber))

    def put_many(self, deliveries: list[Delivery]) -> None:
        """Insert or replace many records in one table update."""
        wanted = {d.key: d.as_doc() for d in deliveries}

        def apply(table: dict) -> None:
            for doc_id, doc in list(table.items()):
                key = f"{doc['week']}/{doc['subscriber']}"
                if key in wanted:
                    table[doc_id] = wanted.pop(key)
            next_id = max(table, default=0) + 1
            for doc in wanted.values():
                table[next_id] = doc
                next_id += 1

        self.table._update_table(apply)

    def last_week_sent(self, channel: str | None = None) -> str | None:
        """The last week done for `channel`, or (no channel) done for every channel."""
        key = f"last_week_sent:{channel}" if channel else "last_week_sent"
        doc = self.meta.get(Query().key == key)
        return doc["value"] if doc else None

    def set_last_week_sent(self, week: str, channel: str | None = None) -> None:
        key = f"last_week_sent:{channel}" if channel else "last_week_sent"
        self.meta.upsert({"key": key, "value": week}, Query().key == key)

    def clear_cache(self) -> None:
        self.table.clear_cache()
        self.meta.clear_cache()


def with_part(message_ids: list[int], part: int, message_id: int) -> list[int]:
    """`message_ids` with part number `part` (from 0) confirmed as `message_id`."""
    ids = list(message_ids)
    if part < len(ids):
        ids[part] = message_id
    else:
        ids.append(message_id)  # parts are confirmed in order: part == len(ids)
    return ids


def _from_doc(doc) -> Delivery:
    return record_from_doc(Delivery, doc)
