"""Subscribers: who receives the digest, where, and filtered how."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass, field

from tinydb import Query
from tinydb.table import Document

from store.database import open_db, record_from_doc, storage_of

CHANNELS = ("telegram", "email")


@dataclass
class Subscriber:
    id: str                            # "tg-<chat id>" or "em-<address>"
    channel: str                       # "telegram" or "email"
    address: str                       # Telegram chat id, or e-mail address
    regions: list[str] = field(default_factory=list)   # region codes; empty = all regions
    themes: list[str] = field(default_factory=list)    # theme codes; empty = all themes
    nationwide: bool = True            # also receive nationwide ("FR") stories
    active: bool = True
    created: str = ""
    confirmed: bool = True             # e-mail: double opt-in done
    confirm_token: str | None = None
    confirm_sent_at: str | None = None # when the last confirmation code was issued
    confirm_attempts: int = 0          # wrong codes tried since it was issued (void at the limit)
    unsubscribe_token: str = ""
    telegram_user: int | None = None   # who subscribed (bot), for e-mail added from Telegram
    link_token: str | None = None      # e-mail confirmation link token (web), single use
    link_expires: str | None = None    # ISO datetime after which link_token is void

    @staticmethod
    def make_id(channel: str, address: str) -> str:
        prefix = "tg" if channel == "telegram" else "em"
        return f"{prefix}-{address.strip().lower()}"


def new_token() -> str:
    return secrets.token_urlsafe(18)


class SubscriberStore:
    def __init__(self, path):
        self.db = open_db(path, "subscribers")
        self.table = self.db.table("subscribers")
        self._rekey()

    def _rekey(self) -> None:
        """Key every document by its subscriber id (files from before keyed lookups)."""
        docs = (self.db.storage.read() or {}).get("subscribers", {})
        if all(key == str(_doc_id(doc["id"])) for key, doc in docs.items()):
            return

        def apply(table: dict) -> None:
            rows = list(table.values())
            table.clear()
            for doc in rows:
                table[_doc_id(doc["id"])] = doc

        self.table._update_table(apply)

    @property
    def storage(self):
        return storage_of(self.db)

    def get(self, subscriber_id: str) -> Subscriber | None:
        doc = self.table.get(doc_id=_doc_id(subscriber_id))
        return _from_doc(doc) if doc else None

    def find_token(self, kind: str, token: str) -> Subscriber | None:
        doc = self.table.get(Query()[kind] == token)
        return _from_doc(doc) if doc else None

    def find_secret(self, kind: str, token: str) -> Subscriber | None:
        """The subscriber whose `kind` field equals `token`, compared in constant time:
        the time taken does not tell how much of a guess matched (see `find_secrets`)."""
        return self.find_secrets(kind, [token])[0]

    def find_secrets(self, kind: str, tokens: list[str]) -> list[Subscriber | None]:
        """`find_secret` for many tokens in one pass over the stored documents (read in
        place, not copied). Stored tokens are indexed by their SHA-256, so a guess is
        located by a hash no attacker can steer toward a partial match, then compared in
        constant time."""
        docs = (self.db.storage.read() or {}).get("subscribers", {})
        index = {}
        for doc in docs.values():
            stored = doc.get(kind)
            if isinstance(stored, str) and stored:
                index[hashlib.sha256(stored.encode("utf-8")).digest()] = doc
        found: list[Subscriber | None] = []
        for token in tokens:
            given = token.encode("utf-8")
            doc = index.get(hashlib.sha256(given).digest())
            match = doc is not None and hmac.compare_digest(doc[kind].encode("utf-8"), given)
            found.append(_from_doc(doc) if match else None)
        return found

    def all(self, active_only: bool = False) -> list[Subscriber]:
        subs = [_from_doc(d) for d in self.table.all()]
        return [s for s in subs if s.active and s.confirmed] if active_only else subs

    def put_many(self, subscribers: list[Subscriber]) -> None:
        """Insert or replace many subscribers in one table update."""
        def apply(table: dict) -> None:
            for subscriber in subscribers:
                if not subscriber.unsubscribe_token:
                    subscriber.unsubscribe_token = new_token()
                table[_doc_id(subscriber.id)] = asdict(subscriber)

        self.table._update_table(apply)

    def put(self, subscriber: Subscriber) -> None:
        if not subscriber.unsubscribe_token:
            subscriber.unsubscribe_token = new_token()
        self.table.upsert(Document(asdict(subscriber), doc_id=_doc_id(subscriber.id)))

    def remove(self, subscriber_id: str) -> bool:
        doc_id = _doc_id(subscriber_id)
        if self.table.get(doc_id=doc_id) is None:
            return False
        self.table.remove(doc_ids=[doc_id])
        return True

    def clear_cache(self) -> None:
        self.table.clear_cache()


def _doc_id(subscriber_id: str) -> int:
    """Documents are keyed by their subscriber id: lookups and updates need no table scan."""
    return int(hashlib.sha1(subscriber_id.encode("utf-8")).hexdigest()[:15], 16)


def _from_doc(doc) -> Subscriber:
    return record_from_doc(Subscriber, doc)
