"""Typed configuration records. Defaults here are the defaults of `config.toml`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Selectors:
    """CSS selectors for an HTML listing page without feed."""
    items: str                 # one element per news item on the listing page
    link: str                  # inside an item: the <a> to the article ("" = the item itself)
    title: str                 # inside an item: the title element
    date: str | None = None    # inside an item: element holding the date (datetime attr or text)


@dataclass(frozen=True)
class FeedConfig:
    name: str
    url: str
    kind: str                  # "rss" (RSS/Atom/RDF) or "html"
    region: str | None = None  # default region (ISO 3166-2:FR) or "FR"
    selectors: Selectors | None = None
    enabled: bool = True
    line: int = 0              # line of the [[feeds]] header in config.toml, for messages


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = "Vigie/0.1 (+mailto:veille@example.org)"
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 60.0        # whole request, retries excluded
    max_body_bytes: int = 5_000_000    # cap on the (decompressed) body
    max_redirects: int = 5
    concurrency: int = 8               # hosts fetched in parallel
    per_host_delay: float = 1.0        # seconds between two requests to one host
    retries: int = 2                   # extra attempts on timeouts and 5xx
    backoff: float = 1.0               # first retry delay, doubled each time
    max_retry_after: float = 120.0     # longest Retry-After we wait for
    respect_robots: bool = True
    max_entries_per_feed: int = 200
    max_pages_per_source: int = 30     # article pages fetched per HTML source and run


@dataclass(frozen=True)
class StoreSettings:
    retention_days: int = 365          # older articles leave the working set
    archive: bool = True               # move them to data_dir/archive (False: delete)


@dataclass(frozen=True)
class Config:
    path: Path
    data_dir: Path
    timezone: str = "Europe/Paris"
    fetch: FetchSettings = field(default_factory=FetchSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    feeds: tuple[FeedConfig, ...] = ()
    raw: dict = field(default_factory=dict, repr=False)  # other sections, for later stages

    def feed(self, name: str) -> FeedConfig:
        for f in self.feeds:
            if f.name == name:
                return f
        raise KeyError(name)
