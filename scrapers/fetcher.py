"""Polite, bounded HTTP fetching with httpx.

One request at a time per origin (scheme, host, port) with a delay between them, several in parallel,
robots.txt honoured (its answers kept per origin across cycles in a `RobotsCache`),
conditional GET, body capped while streaming (after decompression, which we do ourselves
so a gzip bomb stops at the cap), retries with backoff on timeouts and 5xx, and
Retry-After honoured on 429/503. With `retry=False` a retryable failure is raised at once
(`FetchError.retryable`, `FetchError.retry_after`) for the caller to retry later, rather
than waiting here while the request's host lock is held. Every connection goes through the address
policy (`scrapers.addresses`, via `scrapers.guarded_transport`): no internal address is
fetched, on the first request or on any redirect hop. Every failure becomes a `FetchError`
with a message a person can act on.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import time
import zlib
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from config.schema import FetchSettings
from scrapers.addresses import AddressPolicy, AddressRefused, Origin
from scrapers.guarded_transport import GuardedTransport
from scrapers.robots import RobotsCache, RobotsEntry, entry_for


class FetchError(Exception):
    def __init__(self, reason: str, status: int | None = None, retryable: bool = False, refused: bool = False,
                 retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retryable = retryable  # a transient failure (timeout, 5xx, ...) worth another attempt
        self.refused = refused      # the address is internal: refused before any connection
        self.retry_after = retry_after  # seconds the server asked us to wait (Retry-After)


@dataclass
class Response:
    url: str                       # final URL after redirects
    status: int
    headers: dict[str, str]
    body: bytes = b""
    not_modified: bool = False
    moved_to: str | None = None    # final URL when a permanent redirect was followed

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass
class _HostState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_allowed: float = 0.0
    robots: RobotFileParser | None = None
    robots_checked: bool = False
    robots_error: FetchError | None = None   # robots.txt answered 5xx: the whole host is off


class Fetcher:
    """Use as `async with Fetcher(settings) as fetcher: await fetcher.get(url)`."""

    def __init__(self, settings: FetchSettings, trusted: frozenset[Origin] = frozenset(),
                 robots: RobotsCache | None = None):
        """`trusted`: origins (host, port) of configured sources staff allowed on internal
        addresses; every other host must resolve to public addresses only. `robots`: the
        robots.txt answers known from earlier cycles (filled with the new ones)."""
        self.settings = settings
        self.robots = robots if robots is not None else RobotsCache()
        self._transport = GuardedTransport(AddressPolicy(trusted=trusted))
        self._hosts: dict[str, _HostState] = {}
        self._slots = asyncio.Semaphore(settings.concurrency)
        # robots.txt requests have slots of their own: in a cold cycle the pages would
        # otherwise queue behind every other host's robots.txt (twice the waves)
        self._robots_slots = asyncio.Semaphore(settings.concurrency)
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> "Fetcher":
        s = self.settings
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            follow_redirects=True,
            max_redirects=s.max_redirects,
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            transport=self._transport,
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def get(self, url: str, etag: str | None = None, last_modified: str | None = None,
                  accept: str | None = None, retry: bool = True) -> Response:
        """GET `url` politely; raises FetchError on any failure, returns 304 as not_modified.
        `retry=False`: no retry here; a retryable failure is raised at once."""
        try:
            httpx.URL(url)
        except httpx.InvalidURL as exc:  # e.g. 0177.0.0.1: not an address we could check
            raise FetchError(f"refused: invalid address ({_short(exc)})", refused=True) from None
        origin = _origin_key(url)
        state = self._hosts.setdefault(origin, _HostState())
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        async with state.lock:
            if self.settings.respect_robots and not state.robots_checked:
                await self._check_robots(url, origin, state)
                state.robots_checked = True
            if state.robots_error is not None:
                raise state.robots_error
            if state.robots is not None and not state.robots.can_fetch(self.settings.user_agent, url):
                raise FetchError("blocked by robots.txt (the site asks robots not to fetch this page)")
            return await self._get_with_retries(url, headers, state, _retries_inside(self.settings, retry))

    async def _get_with_retries(self, url: str, headers: dict, state: _HostState, retries: int) -> Response:
        s = self.settings
        attempt = 0
        while True:
            try:
                response = await self._once(url, headers, state)
            except FetchError as exc:
                if exc.retryable and attempt < retries:
                    await asyncio.sleep(s.backoff * 2 ** attempt)
                    attempt += 1
                    continue
                raise
            status = response.status
            if status in (429, 503):
                wait = _retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None:
                    if wait > s.max_retry_after:
                        raise FetchError(f"HTTP {status}: server asks to retry after {wait:.0f} s "
                                         f"(more than max_retry_after = {s.max_retry_after:.0f} s)", status)
                    if retries < 0:   # the caller retries later
                        raise FetchError(f"HTTP {status}: server asks to retry after {wait:.0f} s", status,
                                         retryable=True, retry_after=wait)
                    if attempt < max(1, retries):
                        state.next_allowed = max(state.next_allowed, time.monotonic() + wait)
                        attempt += 1
                        continue
            if status >= 500 and attempt < retries:
                await asyncio.sleep(s.backoff * 2 ** attempt)
                attempt += 1
                continue
            if status == 304:
                response.not_modified = True
                return response
            if not 200 <= status < 300:
                raise FetchError(f"HTTP {status} {_reason(status)}", status, retryable=status >= 500)
            return response

    async def _once(self, url: str, headers: dict, state: _HostState, robots_txt: bool = False) -> Response:
        """One request; a `robots_txt` one takes a robots.txt slot and lets the next
        request to the host (the page asked for) follow without the per-host delay."""
        s = self.settings
        delay = state.next_allowed - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        assert self._client is not None, "use Fetcher as an async context manager"
        async with self._robots_slots if robots_txt else self._slots:
            try:
                async with asyncio.timeout(s.total_timeout):
                    return await self._stream(url, headers)
            except TimeoutError:
                raise FetchError(f"timeout: no complete answer within {s.total_timeout:g} s", retryable=True) from None
            except httpx.ConnectTimeout:
                raise FetchError(f"timeout: could not connect within {s.connect_timeout:g} s", retryable=True) from None
            except httpx.ReadTimeout:
                raise FetchError(f"timeout: server sent nothing for {s.read_timeout:g} s", retryable=True) from None
            except httpx.TimeoutException as exc:
                raise FetchError(f"timeout ({type(exc).__name__})", retryable=True) from None
            except AddressRefused as exc:
                raise FetchError(str(exc), refused=True) from None
            except httpx.TooManyRedirects:
                raise FetchError(f"too many redirects (more than {s.max_redirects})") from None
            except httpx.ConnectError as exc:
                raise FetchError(f"cannot connect: {_short(exc)}", retryable=True) from None
            except httpx.UnsupportedProtocol as exc:
                raise FetchError(f"invalid URL: {_short(exc)}") from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.NetworkError) as exc:
                raise FetchError(f"connection broken: {_short(exc)}", retryable=True) from None
            except httpx.InvalidURL as exc:
                raise FetchError(f"invalid URL: {_short(exc)}") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"HTTP error: {_short(exc)}") from None
            finally:
                if not robots_txt:
                    state.next_allowed = max(state.next_allowed, time.monotonic() + s.per_host_delay)

    async def _stream(self, url: str, headers: dict) -> Response:
        cap = self.settings.max_body_bytes
        assert self._client is not None
        async with self._client.stream("GET", url, headers=headers) as resp:
            result = Response(url=str(resp.url), status=resp.status_code,
                              headers={k.lower(): v for k, v in resp.headers.items()})
            if any(r.status_code in (301, 308) for r in resp.history):
                result.moved_to = str(resp.url)
            if not 200 <= resp.status_code < 300:
                return result
            declared = resp.headers.get("content-length", "")
            encoding = resp.headers.get("content-encoding", "identity").lower().strip()
            if declared.isdigit() and encoding in ("", "identity") and int(declared) > cap:
                raise FetchError(f"body larger than {cap:,} bytes (Content-Length {int(declared):,})")
            decoder = _decoder(encoding)
            chunks: list[bytes] = []
            size = 0
            async for raw in resp.aiter_raw():
                for piece in _decode(decoder, raw, cap - size):
                    size += len(piece)
                    if size > cap:
                        raise FetchError(f"body larger than {cap:,} bytes"
                                         + (" once decompressed" if decoder else ""))
                    chunks.append(piece)
            if decoder is not None:
                try:
                    tail = decoder.flush()
                except zlib.error:
                    tail = b""
                size += len(tail)
                if size > cap:
                    raise FetchError(f"body larger than {cap:,} bytes once decompressed")
                chunks.append(tail)
            result.body = b"".join(chunks)
            return result

    async def _check_robots(self, url: str, origin: str, state: _HostState) -> None:
        """Set the origin's robots.txt rules (or its "disallow all") on `state`, from the
        cache or from the site; a robots.txt that cannot be fetched allows the fetch."""
        entry = self.robots.get(origin)
        if entry is None:
            parts = urlsplit(url)
            try:
                response = await self._once(f"{parts.scheme}://{parts.netloc}/robots.txt", {}, state,
                                            robots_txt=True)
            except FetchError:
                return  # unreachable robots.txt: fetch the feed itself and let it fail or not
            entry = entry_for(response.status, response.body, response.headers.get("cache-control"),
                              self.robots.clock())
            self.robots.put(origin, entry)
        _apply_robots(entry, state)


def _apply_robots(entry: RobotsEntry, state: _HostState) -> None:
    if entry.verdict == "disallow":   # RFC 9309 2.3.1.4: unreachable rules mean "disallow all"
        state.robots_error = FetchError(
            f"robots.txt answered HTTP {entry.status}: the site's rules cannot be read, "
            "so nothing is fetched from it this time (RFC 9309)", entry.status)
    elif entry.verdict == "rules":
        parser = RobotFileParser()
        parser.parse(entry.text.splitlines())
        state.robots = parser
    # "allow" (4xx): no rules, everything allowed


def _retries_inside(settings: FetchSettings, retry: bool) -> int:
    """Retries done inside one `get`: the settings' count, or -1 when the caller retries."""
    return settings.retries if retry else -1


def _origin_key(url: str) -> str:
    """Scheme, host and port: robots.txt, the politeness delay and the one-at-a-time
    lock apply per origin (RFC 9309 scopes robots.txt to one)."""
    url = httpx.URL(url)
    return f"{url.scheme}://{url.host}:{url.port or ''}"


def _decoder(encoding: str):
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, auto-detected
    raise FetchError(f"unsupported Content-Encoding {encoding!r}")


def _decode(decoder, raw: bytes, room: int):
    """Yield decoded pieces of `raw`, never producing much more than `room` + 1 bytes."""
    if decoder is None:
        yield raw
        return
    data = raw
    while data:
        try:
            piece = decoder.decompress(data, max(room, 0) + 1)
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}") from None
        room -= len(piece)
        yield piece
        if room < 0:
            return
        data = decoder.unconsumed_tail


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "host name not found (DNS)"
    return text.splitlines()[0][:200]
