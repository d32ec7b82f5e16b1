"""robots.txt answers kept per origin across fetch cycles, each with its expiry (RFC 9309).

RFC 9309 2.4: a crawler may keep a robots.txt answer for up to 24 hours; Vigie honours a
shorter `Cache-Control: max-age` (and `no-store` / `no-cache` keep it for the current
cycle only). What is kept is the verdict the answer means:

- "rules": a 200 answer, its text parsed again when used;
- "allow": a 4xx answer, no rules at all (RFC 9309 2.3.1.3);
- "disallow": a 5xx answer, the rules cannot be read so nothing is fetched (2.3.1.4);
  kept only briefly (`UNREACHABLE_TTL`), so a site back on its feet is read again soon.

A robots.txt that could not be fetched at all (timeout, connection refused) is not kept:
the next cycle asks again. The cache is plain data (`to_dict` / `from_dict`); the store
writes it to the data dir (store/robots.py) and the fetch cycle loads and saves it.
"""
from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass
from typing import Callable

MAX_TTL = 24 * 3600.0          # RFC 9309 2.4: at most 24 hours
UNREACHABLE_TTL = 600.0        # a 5xx answer ("disallow all") is trusted this long at most
ROBOTS_MAX_BYTES = 512_000     # RFC 9309 2.5: at least 500 KiB must be parsed
VERDICTS = ("rules", "allow", "disallow")

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)\"?", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|[,\s])(no-store|no-cache)(?:$|[,\s=])", re.IGNORECASE)


@dataclass(frozen=True)
class RobotsEntry:
    """What one origin's robots.txt answered, and until when (Unix time) it holds."""
    verdict: str               # "rules", "allow" or "disallow"
    status: int                # the HTTP status of the answer
    expires: float             # Unix time
    text: str = ""             # the rules, for "rules"


def time_to_live(status: int, cache_control: str | None) -> float:
    """Seconds an answer with `status` and `Cache-Control` may be kept: max-age if given,
    else 24 h, never more than 24 h; a 5xx answer at most `UNREACHABLE_TTL`."""
    ttl = MAX_TTL
    if cache_control:
        if _NO_STORE.search(cache_control):
            ttl = 0.0
        elif match := _MAX_AGE.search(cache_control):
            ttl = min(float(match.group(1)), MAX_TTL)
    if status >= 500:
        ttl = min(ttl, UNREACHABLE_TTL)
    return ttl


def entry_for(status: int, body: bytes, cache_control: str | None, now: float) -> RobotsEntry:
    """The entry a robots.txt answer (`status`, `body`) received at `now` gives."""
    expires = now + time_to_live(status, cache_control)
    if status >= 500:
        return RobotsEntry("disallow", status, expires)
    if 200 <= status < 300:
        text = body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
        return RobotsEntry("rules", status, expires, text)
    return RobotsEntry("allow", status, expires)


class RobotsCache:
    """Origin ("scheme://host:port") -> RobotsEntry, expired entries ignored.

    One per fetch cycle (not shared between threads); `changed` says whether anything
    was added since it was loaded, i.e. whether it is worth writing back."""

    def __init__(self, entries: dict[str, RobotsEntry] | None = None,
                 clock: Callable[[], float] = time.time):
        self._entries = dict(entries or {})
        self.clock = clock
        self.changed = False

    def get(self, origin: str) -> RobotsEntry | None:
        """The origin's entry if it is still valid (a clock set back more than 24 h, which
        would make an entry look valid for too long, counts as expired)."""
        entry = self._entries.get(origin)
        now = self.clock()
        if entry is None or not now < entry.expires <= now + MAX_TTL:
            return None
        return entry

    def put(self, origin: str, entry: RobotsEntry) -> None:
        self._entries[origin] = entry
        self.changed = True

    def __len__(self) -> int:
        return len(self._entries)

    def to_dict(self) -> dict:
        """The entries still valid, as JSON-ready data."""
        now = self.clock()
        return {"version": 1,
                "origins": {origin: asdict(entry) for origin, entry in self._entries.items()
                            if entry.expires > now}}

    @classmethod
    def from_dict(cls, data: object, clock: Callable[[], float] = time.time) -> "RobotsCache":
        """Read what `to_dict` wrote; anything malformed is left out (it is only a cache)."""
        entries: dict[str, RobotsEntry] = {}
        origins = data.get("origins") if isinstance(data, dict) else None
        for origin, raw in (origins.items() if isinstance(origins, dict) else ()):
            try:
                entry = RobotsEntry(verdict=str(raw["verdict"]), status=int(raw["status"]),
                                    expires=float(raw["expires"]), text=str(raw.get("text", "")))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
            if entry.verdict in VERDICTS and isinstance(origin, str):
                entries[origin] = entry
        return cls(entries, clock)

    def merged_with(self, older: "RobotsCache") -> "RobotsCache":
        """This cache plus `older`'s entries for origins it does not know (another process
        may have written the file meanwhile)."""
        entries = {**older._entries, **self._entries}
        return RobotsCache(entries, self.clock)
