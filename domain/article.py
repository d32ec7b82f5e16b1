"""The article record: what scrapers produce, triage labels and the store keeps.

Text fields hold plain text only (HTML is stripped at ingestion), so no markup from a
source can reach a rendering unescaped.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    id: str                      # stable: derived from the canonical URL (or feed + guid)
    url: str                     # canonical URL (tracking parameters and fragment removed)
    feed: str                    # name of the configured source
    title: str
    summary: str = ""            # short plain-text summary (feed description, lead)
    text: str = ""               # plain-text body when available (HTML sources, full-content feeds)
    published: str | None = None  # ISO 8601 datetime (UTC) of publication, when known
    fetched_at: str = ""         # ISO 8601 datetime (UTC) when first stored
    source: str = ""             # outlet host name, e.g. "actu.fr"
    guid: str | None = None      # the feed's own entry id, if any
    region_hint: str | None = None  # default region of the feed (config)
    # Triage labels, filled by triage before storing.
    relevant: bool | None = None
    relevance_p: float | None = None  # learned P(relevant) at labelling time, when a model decided
    themes: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    event_date: str | None = None
    town: str | None = None          # main town named, for events
    story: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A shallow copy as a plain dict (lists copied), cheaper than dataclasses.asdict."""
        return {name: (list(value) if isinstance(value, list) else value)
                for name, value in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Article":
        names = _FIELD_NAMES
        return cls(**{k: v for k, v in data.items() if k in names})


_FIELD_NAMES = frozenset(f.name for f in dataclasses.fields(Article))
