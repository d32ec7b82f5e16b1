"""Moderators' decisions on stories (hide, theme, regions, approval) and their log.

A decision is stored on the story id and wins over automatic triage at every rebuild.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from tinydb import Query

from store.database import open_db, record_from_doc, storage_of


@dataclass
class StoryOverride:
    story: str
    hidden: bool = False
    theme: str | None = None
    regions: list[str] | None = None
    approved: bool = False
    merged_into: str | None = None
    updated: str = ""
    by: str = ""


@dataclass
class ActionLog:
    when: str
    who: str
    action: str
    target: str
    detail: dict = field(default_factory=dict)
    undone: str = ""              # when /annuler undid it (ISO), else empty


class ModerationStore:
    def __init__(self, path):
        self.db = open_db(path, "moderation")
        self.table = self.db.table("overrides")
        self.log_table = self.db.table("log")

    @property
    def storage(self):
        return storage_of(self.db)

    def overrides(self) -> dict[str, StoryOverride]:
        return {d["story"]: record_from_doc(StoryOverride, d) for d in self.table.all()}

    def get(self, story: str) -> StoryOverride:
        doc = self.table.get(Query().story == story)
        return StoryOverride(story=story) if doc is None else record_from_doc(StoryOverride, doc)

    def put(self, override: StoryOverride) -> None:
        self.table.upsert(asdict(override), Query().story == override.story)

    def log(self, entry: ActionLog) -> None:
        self.log_table.insert(asdict(entry))

    def last_action(self, who_id: str) -> tuple[int, ActionLog] | None:
        """The latest action of this moderator (`who` ending with '(<who_id>)') not undone
        yet, with its document id; undo entries themselves are not actions to undo."""
        for doc in reversed(self.log_table.all()):
            entry = record_from_doc(ActionLog, doc)
            if entry.who.endswith(f"({who_id})") and entry.action != "undo" and not entry.undone:
                return doc.doc_id, entry
        return None

    def mark_undone(self, doc_id: int, when: str) -> None:
        self.log_table.update({"undone": when}, doc_ids=[doc_id])

    def journal(self, limit: int = 20) -> list[ActionLog]:
        docs = self.log_table.all()[-limit:]
        return [record_from_doc(ActionLog, d) for d in docs]

    def clear_cache(self) -> None:
        self.table.clear_cache()
        self.log_table.clear_cache()
