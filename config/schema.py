"""Typed configuration records. Defaults here are the defaults of `config.toml`."""
from __future__ import annotations

import os
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
    allow_private: bool = False  # this feed's own host and port may be an internal address
    line: int = 0              # line of the [[feeds]] header in config.toml, for messages


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = "Vigie/0.1 (+mailto:veille@example.org)"
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 60.0        # whole request, retries excluded
    max_body_bytes: int = 5_000_000    # cap on the (decompressed) body
    max_redirects: int = 5
    concurrency: int = 8               # hosts fetched in parallel (robots.txt requests: as many again)
    per_host_delay: float = 1.0        # seconds between two requests to one host
    retries: int = 2                   # extra attempts on timeouts and 5xx, each after its backoff
    backoff: float = 1.0               # first retry delay, doubled each time
    retry_window: float = 0.0          # once the other sources are done, the cycle waits at most this
                                       # long for retries still due (later ones: next cycle)
    max_retry_after: float = 120.0     # longest Retry-After we wait for
    respect_robots: bool = True
    max_entries_per_feed: int = 200
    parse_workers: int = 1             # processes parsing feeds beside the fetch (0: a thread of it)
    label_workers: int = 2             # at most this many processes labelling beside the fetch (0: none, label in it)
    max_pages_per_source: int = 30     # article pages fetched per HTML source and run
    source_timeout: float = 300.0      # deadline of one source (feed, listing and its pages)
    cycle_timeout: float = 1800.0      # deadline of a whole fetch cycle
    allow_private_addresses: bool = False  # every feed URL's own host and port may be internal


@dataclass(frozen=True)
class StoreSettings:
    retention_days: int = 365          # older articles leave the working set
    archive: bool = True               # move them to data_dir/archive (False: delete)


@dataclass(frozen=True)
class TelegramSettings:
    token_env: str = "VIGIE_TELEGRAM_TOKEN"          # the token itself stays in the environment
    base_url: str = "https://api.telegram.org/bot"   # a self-hosted Bot API server works too
    base_file_url: str = "https://api.telegram.org/file/bot"
    moderators: tuple[int, ...] = ()                 # Telegram user ids allowed to moderate
    max_retries: int = 3                             # retries on flood limits (RetryAfter)
    rate: float = 29.0                               # messages per second overall (Telegram allows ~30;
                                                     # the margin absorbs network jitter, a 429 pauses every send)
    in_flight: int = 1                               # sendMessage requests outstanding at once: a kill may repeat
                                                     # this many messages; 1 is round-trip bound, 4-8 reach ~30/s

    def token(self) -> str | None:
        return os.environ.get(self.token_env) or None


@dataclass(frozen=True)
class EmailSettings:
    host: str = ""                       # SMTP server; empty = e-mail delivery off
    port: int = 587
    security: str = "starttls"           # "starttls", "ssl" or "none"
    username: str = ""
    password_env: str = "VIGIE_SMTP_PASSWORD"
    from_address: str = ""
    from_name: str = "Vigie"
    reply_to: str = ""
    list_id: str = "veille.vigie.example.org"
    max_attempts: int = 3                # per recipient and week, for transient failures
    max_connection_failures: int = 3     # connections failing in a row stop the batch (rest: next run)
    timeout: float = 30.0
    connections: int = 1                 # SMTP connections used at once by a send; a kill may repeat one message each

    @property
    def enabled(self) -> bool:
        return bool(self.host and self.from_address)

    def password(self) -> str | None:
        return os.environ.get(self.password_env) or None


@dataclass(frozen=True)
class DigestSettings:
    empty_note: bool = False             # send a short note to subscribers with nothing that week
    agenda_days: int = 42
    max_age_days: int = 21               # news published longer before the week's end is left out
    send_weekday: str = "mon"            # when `serve` sends the weekly digest (Europe/Paris)
    send_time: str = "08:00"
    fetch_every_hours: float = 6.0


@dataclass(frozen=True)
class WebSettings:
    base_url: str = ""                   # public URL of the site (may hold a path prefix)
    listen: str = "127.0.0.1:8080"       # HOST:PORT the web server of `serve` binds to
    enabled: bool = True                 # run the web server in `serve`
    max_body_bytes: int = 16384          # cap on a request body (forms are tiny)
    signups_per_client: int = 5          # POST /abonnement per client address per hour
    signups_per_address: int = 3         # confirmation e-mails per e-mail address per day
    trust_forwarded_for: bool = False    # client address from X-Forwarded-For (behind a proxy)

    @property
    def host_port(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]"), int(port)


@dataclass(frozen=True)
class Config:
    path: Path
    data_dir: Path
    timezone: str = "Europe/Paris"
    fetch: FetchSettings = field(default_factory=FetchSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    web: WebSettings = field(default_factory=WebSettings)
    feeds: tuple[FeedConfig, ...] = ()

    def feed(self, name: str) -> FeedConfig:
        for f in self.feeds:
            if f.name == name:
                return f
        raise KeyError(name)
