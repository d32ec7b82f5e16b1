"""Parse and validate `config.toml` into a `Config`, failing early with one clear message.

Every problem is reported as `PATH:LINE: feeds[N] "NAME": what is wrong`, so a staff member
who adds a feed sees at once which line to fix. Nothing downstream re-validates.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from config.schema import (Config, DigestSettings, EmailSettings, FeedConfig, FetchSettings, Selectors,
                           StoreSettings, TelegramSettings, WebSettings)
from domain.regions import VALID_CODES
from domain.names import region_hint


class ConfigError(Exception):
    """A configuration problem, with a message meant for the person editing config.toml."""


_KNOWN_SECTIONS = {"vigie", "fetch", "store", "feeds", "digest", "telegram", "email", "web"}
_FEED_KEYS = {"name", "url", "kind", "region", "selectors", "enabled", "allow_private"}
_SELECTOR_KEYS = {"items", "link", "title", "date"}
_KINDS = ("rss", "html")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")   # no setting spans lines (headers, logs)

# (lowest, highest, lowest excluded) per numeric setting: a typo such as 0 or 10**12
# stops Vigie at start rather than making it fetch every second or never.
_BOUNDS: dict[tuple[str, str], tuple[float, float, bool]] = {
    ("fetch", "connect_timeout"): (0, 600, True),
    ("fetch", "read_timeout"): (0, 3600, True),
    ("fetch", "total_timeout"): (0, 3600, True),
    ("fetch", "source_timeout"): (0, 86400, True),
    ("fetch", "cycle_timeout"): (0, 86400, True),
    ("fetch", "max_body_bytes"): (1024, 1_000_000_000, False),
    ("fetch", "max_redirects"): (0, 30, False),
    ("fetch", "concurrency"): (1, 256, False),
    ("fetch", "per_host_delay"): (0, 3600, False),
    ("fetch", "retries"): (0, 10, False),
    ("fetch", "backoff"): (0, 600, False),
    ("fetch", "retry_window"): (0, 3600, False),
    ("fetch", "max_retry_after"): (0, 86400, False),
    ("fetch", "max_entries_per_feed"): (1, 100_000, False),
    ("fetch", "parse_workers"): (0, 64, False),
    ("fetch", "label_workers"): (0, 64, False),
    ("fetch", "max_pages_per_source"): (0, 10_000, False),
    ("store", "retention_days"): (1, 36500, False),
    ("telegram", "max_retries"): (0, 100, False),
    ("telegram", "rate"): (0, 1000, True),
    ("email", "port"): (1, 65535, False),
    ("email", "max_attempts"): (1, 100, False),
    ("email", "timeout"): (0, 3600, True),
    ("email", "connections"): (1, 64, False),
    ("telegram", "in_flight"): (1, 64, False),
    ("digest", "agenda_days"): (0, 3660, False),
    ("digest", "max_age_days"): (1, 36500, False),
    ("digest", "fetch_every_hours"): (0.1, 24 * 31, False),
}


class _Lines:
    """Finds the line of a table or key in the raw TOML text, for error messages."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def header(self, name: str, index: int = 0) -> int:
        """Line (1-based) of the `index`-th `[name]` or `[[name]]` header, 0 if not found."""
        pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(name) + r"\s*\]\]?\s*(#.*)?$")
        seen = 0
        for n, line in enumerate(self.lines, 1):
            if pattern.match(line):
                if seen == index:
                    return n
                seen += 1
        return 0

    def key(self, start: int, key: str) -> int:
        """Line of `key = ...` in the table starting at line `start` (or the header line)."""
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=|[{,]\s*" + re.escape(key) + r"\s*=")
        for n in range(start + 1, len(self.lines) + 1):
            line = self.lines[n - 1]
            if n > start + 1 and re.match(r"^\s*\[", line):
                break
            if pattern.search(line):
                return n
        return start


def load_config(path: str | Path, data_dir: str | Path | None = None) -> Config:
    """Read and validate the configuration file; `data_dir` overrides `[vigie] data_dir`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        where = f"{path}:{match.group(1)}" if match else str(path)
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None
    return _build(path, text, raw, data_dir)


def _build(path: Path, text: str, raw: dict[str, Any], data_dir_override) -> Config:
    lines = _Lines(text)

    def fail(line: int, what: str) -> None:
        raise ConfigError(f"{path}:{line}: {what}" if line else f"{path}: {what}")

    for section in raw:
        if section not in _KNOWN_SECTIONS:
            fail(lines.header(section), f"unknown section [{section}] (known: {', '.join(sorted(_KNOWN_SECTIONS))})")

    vigie = _table(raw, "vigie", lines, fail)
    _check_keys(vigie, {"data_dir", "timezone"}, "[vigie]", lines.header("vigie"), lines, fail)
    timezone = vigie.get("timezone", "Europe/Paris")
    _check_timezone(timezone, lines.key(lines.header("vigie"), "timezone"), fail)
    data_dir_line = lines.key(lines.header("vigie"), "data_dir")
    if data_dir_override is not None:
        data_dir = Path(data_dir_override)
    else:
        raw_dir = vigie.get("data_dir", "data")
        if not isinstance(raw_dir, str) or not raw_dir.strip() or _CONTROL.search(raw_dir):
            fail(data_dir_line, f"[vigie] data_dir must be a folder path, got {raw_dir!r}")
        data_dir = Path(raw_dir)
        if not data_dir.is_absolute():
            data_dir = path.parent / data_dir
    _check_data_dir(data_dir, 0 if data_dir_override is not None else data_dir_line, fail)

    fetch = _settings(FetchSettings, _table(raw, "fetch", lines, fail), "fetch", lines, fail)
    store = _settings(StoreSettings, _table(raw, "store", lines, fail), "store", lines, fail)
    telegram = _settings(TelegramSettings, _table(raw, "telegram", lines, fail), "telegram", lines, fail)
    email = _settings(EmailSettings, _table(raw, "email", lines, fail), "email", lines, fail)
    digest = _settings(DigestSettings, _table(raw, "digest", lines, fail), "digest", lines, fail)
    web = _settings(WebSettings, _table(raw, "web", lines, fail), "web", lines, fail)
    feeds = _feeds(raw.get("feeds", []), lines, fail)
    return Config(path=path, data_dir=data_dir, timezone=timezone, fetch=fetch, store=store,
                  telegram=telegram, email=email, digest=digest, web=web, feeds=feeds)


def _check_data_dir(data_dir: Path, line: int, fail) -> None:
    """The data dir may not exist yet (it is created), but it cannot be a file."""
    where = "[vigie] data_dir" if line else "--data-dir"
    for folder in (data_dir, *data_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                fail(line, f"{where}: {folder} is a file, not a folder")
            return


def _table(raw, name, lines, fail) -> dict:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        fail(lines.header(name), f"[{name}] must be a table")
    return value


_RETIRED_KEYS = {
    "unsubscribe_mailto": "no longer used: nothing read that mailbox, so mails no longer advertise it; "
                          "subscribers unsubscribe through the one-click link of [web] base_url. Remove the line",
}


def _check_keys(table: dict, allowed: set[str], where: str, start: int, lines: _Lines, fail) -> None:
    for key in table:
        if key in _RETIRED_KEYS and key not in allowed:
            fail(lines.key(start, key), f"{where}: {key} is {_RETIRED_KEYS[key]}")
        if key not in allowed:
            hint = _close_match(key, allowed)
            fail(lines.key(start, key), f"{where}: unknown key {key!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                 + f"; allowed: {', '.join(sorted(allowed))}")


def _close_match(word: str, candidates) -> str | None:
    import difflib
    found = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def _check_timezone(name: Any, line: int, fail) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        fail(line, f"[vigie]: unknown timezone {name!r}")


def _settings(cls, table: dict, section: str, lines: _Lines, fail):
    start = lines.header(section)
    types = {f.name: f.type for f in fields(cls)}
    _check_keys(table, set(types), f"[{section}]", start, lines, fail)
    values = {}
    for key, value in table.items():
        expected = types[key]
        line = lines.key(start, key)
        if expected in ("float", float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value < 0:
                fail(line, f"[{section}] {key} must be a non-negative number, got {value!r}")
            value = float(value)
            _check_bounds(section, key, value, line, fail)
        elif expected in ("int", int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                fail(line, f"[{section}] {key} must be a non-negative integer, got {value!r}")
            _check_bounds(section, key, value, line, fail)
        elif expected in ("bool", bool):
            if not isinstance(value, bool):
                fail(line, f"[{section}] {key} must be true or false, got {value!r}")
        elif expected in ("str", str):
            if not isinstance(value, str):
                fail(line, f"[{section}] {key} must be a string, got {value!r}")
            if _CONTROL.search(value):
                fail(line, f"[{section}] {key} must be one line without control characters "
                           f"(no CR, LF, tab), got {value!r}")
        elif expected == "tuple[int, ...]":
            if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                fail(line, f"[{section}] {key} must be a list of numbers (Telegram user ids), got {value!r}")
            value = tuple(value)
        values[key] = value
    settings = cls(**values)
    _check_section(section, settings, start, lines, fail)
    return settings


def _check_bounds(section: str, key: str, value, line: int, fail) -> None:
    bounds = _BOUNDS.get((section, key))
    if bounds is None:
        return
    low, high, low_excluded = bounds
    if value < low or value > high or (low_excluded and value == low):
        lowest = f"more than {low:g}" if low_excluded else f"at least {low:g}"
        fail(line, f"[{section}] {key} must be {lowest} and at most {high:g}, got {value!r}")


def _check_section(section: str, settings, start: int, lines: _Lines, fail) -> None:
    """Rules beyond types, one section at a time."""
    def at(key: str) -> int:
        return lines.key(start, key)

    if section == "email":
        if settings.security not in ("starttls", "ssl", "none"):
            fail(at("security"), f'[email] security must be "starttls", "ssl" or "none", got {settings.security!r}')
        for key in ("from_address", "reply_to"):
            value = getattr(settings, key)
            if value and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", value):
                fail(at(key), f"[email] {key} is not an e-mail address: {value!r}")
            elif not value.isascii():       # it goes in every digest's headers (delivery/email/mime.py)
                fail(at(key), f"[email] {key} must be ASCII (Vigie does not use SMTPUTF8): {value!r}")
        if any(c in settings.from_name for c in "\r\n\t\x00"):
            fail(at("from_name"), f"[email] from_name must be one line of text, got {settings.from_name!r}")
        if settings.host and not settings.from_address:
            fail(at("host"), "[email] from_address is needed when host is set")
    if section in ("telegram", "web"):
        for key in ("base_url", "base_file_url"):
            value = getattr(settings, key, "")
            if value and not re.match(r"^https?://[^\s/]+", value):
                fail(at(key), f"[{section}] {key} must be an http(s) URL, got {value!r}")
    if section == "web":
        host, _, port = settings.listen.rpartition(":")
        if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
            fail(at("listen"), f'[web] listen must be "HOST:PORT" with a port in 1-65535, got {settings.listen!r}')
        if settings.max_body_bytes < 1024:
            fail(at("max_body_bytes"), "[web] max_body_bytes must be at least 1024")
        for key in ("signups_per_client", "signups_per_address"):
            if getattr(settings, key) < 1:
                fail(at(key), f"[web] {key} must be at least 1")
    if section == "telegram" and settings.token_env and not re.fullmatch(r"[A-Z_][A-Z0-9_]*", settings.token_env):
        fail(at("token_env"), "[telegram] token_env names an environment variable (e.g. VIGIE_TELEGRAM_TOKEN), "
                              "not the token itself: never put the token in config.toml")
    if section == "digest":
        if settings.send_weekday not in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
            fail(at("send_weekday"), f"[digest] send_weekday must be mon, tue, ..., sun, got {settings.send_weekday!r}")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", settings.send_time):
            fail(at("send_time"), f"[digest] send_time must be HH:MM, got {settings.send_time!r}")
    if section == "fetch":
        if settings.concurrency < 1:
            fail(lines.key(start, "concurrency"), "[fetch] concurrency must be at least 1")
        if settings.max_body_bytes < 1024:
            fail(lines.key(start, "max_body_bytes"), "[fetch] max_body_bytes must be at least 1024")
        if "@" not in settings.user_agent and "http" not in settings.user_agent:
            fail(lines.key(start, "user_agent"),
                 "[fetch] user_agent must give a contact (an e-mail address or a URL), "
                 f"got {settings.user_agent!r}")


def _feeds(entries: Any, lines: _Lines, fail) -> tuple[FeedConfig, ...]:
    if not isinstance(entries, list):
        fail(lines.header("feeds"), "feeds must be written as [[feeds]] tables")
    feeds: list[FeedConfig] = []
    names: dict[str, int] = {}
    for index, entry in enumerate(entries):
        start = lines.header("feeds", index)
        if not isinstance(entry, dict):
            fail(start, f"feeds[{index + 1}] must be a table")
        name = entry.get("name")
        label = f'feeds[{index + 1}] "{name}"' if isinstance(name, str) and name.strip() else f"feeds[{index + 1}]"

        def bad(key: str | None, what: str) -> None:
            fail(lines.key(start, key) if key else start, f"{label}: {what}")

        for key in entry:
            if key not in _FEED_KEYS:
                hint = _close_match(key, _FEED_KEYS)
                bad(key, f"unknown key {key!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                    + f"; allowed: {', '.join(sorted(_FEED_KEYS))}")
        if not isinstance(name, str) or not name.strip():
            bad(None, "name is missing (every feed needs a unique name)")
        if _CONTROL.search(name):
            bad("name", f"name must be one line without control characters, got {name!r}")
        name = name.strip()
        if name.casefold() in names:
            bad("name", f"duplicate name: already used by feeds[{names[name.casefold()]}]")
        names[name.casefold()] = index + 1

        url = entry.get("url")
        if not isinstance(url, str) or not url.strip():
            bad(None if url is None else "url", "url is missing")
        _check_url(url.strip(), lambda what: bad("url", what))

        kind = entry.get("kind", "rss")
        if kind not in _KINDS:
            bad("kind", f'kind must be "rss" or "html", got {kind!r}'.replace("'", '"'))

        region = entry.get("region")
        if region is not None and (not isinstance(region, str) or region not in VALID_CODES):
            hint = region_hint(str(region))      # a name, a department number or a typo
            bad("region", f"unknown region code {region!r}"
                + (f" (did you mean {hint!r}?)" if hint else "")
                + ': use an ISO 3166-2:FR region code such as "FR-NOR", or "FR" for nationwide')

        enabled = entry.get("enabled", True)
        if not isinstance(enabled, bool):
            bad("enabled", f"enabled must be true or false, got {enabled!r}")
        allow_private = entry.get("allow_private", False)
        if not isinstance(allow_private, bool):
            bad("allow_private", f"allow_private must be true or false, got {allow_private!r}")

        selectors = _selectors(entry.get("selectors"), kind, bad)
        feeds.append(FeedConfig(name=name, url=url.strip(), kind=kind, region=region,
                                selectors=selectors, enabled=enabled, allow_private=allow_private, line=start))
    return tuple(feeds)


def _check_url(url: str, bad) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        bad(f"invalid url {url!r}: {exc}")
    if parts.scheme not in ("http", "https"):
        bad(f"url must start with http:// or https://, got {url!r}")
    if not parts.hostname or " " in url or _CONTROL.search(url):
        bad(f"invalid url {url!r}")


def _selectors(value: Any, kind: str, bad) -> Selectors | None:
    if kind != "html":
        if value is not None:
            bad("selectors", 'selectors are only used with kind = "html"')
        return None
    if value is None:
        bad(None, 'kind = "html" needs selectors = { items = "...", link = "...", title = "..." }')
    if not isinstance(value, dict):
        bad("selectors", "selectors must be a table: { items = ..., link = ..., title = ..., date = ... }")
    for key in value:
        if key not in _SELECTOR_KEYS:
            bad("selectors", f"unknown selector {key!r}; allowed: {', '.join(sorted(_SELECTOR_KEYS))}")
    for key in ("items", "title"):
        if not value.get(key):
            bad("selectors", f"missing selector {key!r}")
    if "link" not in value:
        bad("selectors", 'missing selector \'link\' (use link = "" when the item element is the link itself)')
    for key, css in value.items():
        if not isinstance(css, str):
            bad("selectors", f"selector {key!r} must be a string")
        if css:
            import soupsieve   # here, not at the top: only a config with selectors needs it
            try:
                soupsieve.compile(css)
            except Exception as exc:  # soupsieve raises SelectorSyntaxError and friends
                bad("selectors", f"invalid CSS selector {key} = {css!r}: {str(exc).splitlines()[0]}")
    return Selectors(items=value["items"], link=value["link"],
                     title=value["title"], date=value.get("date") or None)
