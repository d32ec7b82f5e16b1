"""Send rendered digests to Telegram chats through python-telegram-bot.

`send_digests` sends each digest's messages in order to its chat (HTML, link previews
off), many chats at once (bounded by ``concurrency``), while one `AIORateLimiter` keeps
the whole bot under ``overall_max_rate`` messages per second. Each confirmed message is
handed to ``on_message`` and the outcome of each digest to ``on_result`` the moment they
are known, so the caller can record them at once.

Resuming after a crash: at most ``max_in_flight`` (default 1) ``sendMessage`` requests are
outstanding at any instant, and ``on_message`` runs before the next request may start. A
caller that journals each confirmed message in ``on_message`` therefore loses track of at
most ``max_in_flight`` delivered messages when the process is killed; it resumes a digest
with ``TelegramDigest.start`` = the number of parts it had confirmed. A message keeps its
slot through its own retries (flood waits, network backoff), so a lost reply followed by
a retry never overlaps another chat's message. The throughput is then bounded by the
round trip to the Bot API as well as by the rate limiter.

Failure policy, per message:

* ``RetryAfter`` (HTTP 429): the rate limiter itself waits and retries up to
  ``max_retries`` times (pausing *all* requests meanwhile); beyond that we wait
  ``retry_after`` again, up to ``retry_after_rounds`` times, then give up: transient.
  A ``retry_after`` longer than ``max_retry_after_wait`` is not waited for: transient.
* ``Forbidden`` (the user blocked the bot, deleted account, kicked from the group):
  ``blocked=True``, not transient; the caller marks the subscriber inactive.
* ``BadRequest`` (chat not found, bad HTML, message too long...) and ``ChatMigrated``:
  permanent failure carrying Telegram's description.
* ``TimedOut`` / ``NetworkError`` (including HTTP 5xx): retried ``network_retries`` times
  with exponential backoff, then transient. A read timeout may hide a message that was in
  fact delivered, so a retry after a timeout can (rarely) show a message twice.

Partial digests: messages go out in order and stop at the first failure. If a later
message fails after earlier ones were delivered, the result is ``ok=False`` with the
error and the ``message_ids`` of the messages delivered by this call. A retry must resume
after them (``start``), never send the digest from its first part again.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from dataclasses import dataclass, field
from typing import Callable

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut,
)
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    max_retries: int = 3            # AIORateLimiter retries on RetryAfter
    overall_max_rate: float = 30    # messages per second overall (0 = no limit)
    timeout: float = 20.0           # read/write/pool timeout of one request, seconds
    retry_after_rounds: int = 2     # our own waits on RetryAfter once the limiter gave up
    max_retry_after_wait: float = 60.0  # a longer retry_after is a transient failure at once
    network_retries: int = 2        # retries on TimedOut / NetworkError
    network_backoff: float = 1.0    # first backoff, doubled each retry, seconds
    max_in_flight: int = 1          # sendMessage requests outstanding at once: what a kill may repeat


@dataclass
class TelegramDigest:
    key: str                        # ledger key, opaque here
    chat_id: int | str
    messages: list[str]             # rendered HTML (parse_mode HTML), each <= 4096 chars
    start: int = 0                  # parts delivered by an earlier run: messages[start:] are sent


@dataclass
class TelegramResult:
    key: str
    ok: bool
    error: str | None = None
    blocked: bool = False           # Forbidden: the caller marks the subscriber inactive
    transient: bool = False         # worth retrying later (network, flood control, 5xx)
    message_ids: list[int] = field(default_factory=list)  # messages delivered by this call, in order


MessageCallback = Callable[[str, int, int], None]   # (digest key, part number from 0, message_id)


_BUCKET = 1.06     # requests the limiter's bucket holds (see build_bot)


def build_bot(settings: TelegramSettings, *, connection_pool_size: int = 32) -> ExtBot:
    """An `ExtBot` with an `AIORateLimiter` and an `HTTPXRequest` sized for a fan-out.

    The overall limit is applied *smoothly*: AIORateLimiter's leaky bucket holds
    ``overall_max_rate`` requests, so ``AIORateLimiter(overall_max_rate=30)`` lets a burst
    of 30 through at once and then 30/s, i.e. up to ~60 messages in the first second.
    We configure a bucket of about one request (`_BUCKET`) draining at ``overall_max_rate``
    instead, so no rolling second ever sees more than about ``overall_max_rate + 1``
    messages; its extra 6 % lets a send woken up to 2 ms late keep the pace (with a bucket
    of exactly one, each late wake-up was lost: 28.1 messages/s at 30, against 28.8).
    Groups and channels keep PTB's default of 20 messages per minute each.

    Use the bot in a single event loop (the limiter binds to the loop it first runs in),
    inside ``async with bot:``.
    """
    rate = settings.overall_max_rate
    limiter = AIORateLimiter(
        overall_max_rate=_BUCKET if rate > 0 else 0,
        overall_time_period=_BUCKET / rate if rate > 0 else 0,
        max_retries=settings.max_retries,
    )
    request = HTTPXRequest(
        connection_pool_size=max(1, connection_pool_size),
        connect_timeout=min(settings.timeout, 10.0),
        read_timeout=settings.timeout,
        write_timeout=settings.timeout,
        pool_timeout=settings.timeout,
    )
    return ExtBot(
        settings.token,
        base_url=settings.base_url,
        base_file_url=settings.base_file_url,
        request=request,
        rate_limiter=limiter,
    )


def sender_on_loop(bot: Bot, loop: asyncio.AbstractEventLoop):
    """A stand-in for `send_digests` for a send running in a worker thread of a process
    whose Telegram bot runs on `loop` (`serve`): the digests go out on that loop through
    the running application's `bot`, so one rate limiter covers the bot's replies and the
    digest.  The callbacks then run on that loop, one at a time, as they would otherwise."""
    async def send(settings: TelegramSettings, digests: list[TelegramDigest], *,
                   on_result=None, on_message=None) -> list[TelegramResult]:
        future = asyncio.run_coroutine_threadsafe(
            send_digests(settings, digests, on_result=on_result, on_message=on_message, bot=bot), loop)
        return await asyncio.wrap_future(future)
    return send


async def send_digests(settings: TelegramSettings, digests: list[TelegramDigest],
                       on_result: Callable[[TelegramResult], None] | None = None,
                       concurrency: int = 30, *, bot: Bot | None = None,
                       on_message: MessageCallback | None = None) -> list[TelegramResult]:
    """Send every digest; return one `TelegramResult` per digest, in input order.

    ``on_result(result)`` is called from the event loop (synchronously, it may block
    briefly, e.g. on an fsync) as soon as a digest is fully delivered or has failed.
    If it raises, no further digest is started, digests in flight are finished (their
    results are still offered to ``on_result``, whose later errors are only logged), and
    the first exception is re-raised.

    ``on_message(key, part, message_id)`` is called (synchronously, before any other
    message may be sent when ``max_in_flight`` is 1) for each message Telegram confirmed;
    ``part`` counts from 0 over the whole digest, ``start`` included. If it raises, no
    further message is sent and the exception is re-raised.

    Up to ``concurrency`` digests are in flight at once; digests for the same chat are
    sent one after the other, in input order.

    ``bot``: an already initialised bot to use (e.g. the running Application's, so that
    one rate limiter covers everything the process sends); by default a bot is built with
    `build_bot` and initialised/shut down here. Initialising it calls getMe: if that
    fails (bad token, API unreachable) the `telegram.error.TelegramError` propagates and
    nothing was sent.
    """
    if not digests:
        return []
    if bot is not None:
        return await _send_all(bot, settings, digests, on_result, concurrency, on_message)
    own_bot = build_bot(settings, connection_pool_size=max(concurrency, 1) + 2)
    async with own_bot:
        return await _send_all(own_bot, settings, digests, on_result, concurrency, on_message)


async def _send_all(bot: Bot, settings: TelegramSettings, digests: list[TelegramDigest],
                    on_result: Callable[[TelegramResult], None] | None,
                    concurrency: int, on_message: MessageCallback | None) -> list[TelegramResult]:
    results: list[TelegramResult | None] = [None] * len(digests)
    chat_locks: dict[int | str, asyncio.Lock] = {}
    todo = iter(enumerate(digests))     # shared by the workers: each digest is taken once
    callback_errors: list[Exception] = []
    gate = _Gate(asyncio.Semaphore(max(1, settings.max_in_flight)), on_message)

    async def worker() -> None:
        for index, digest in todo:
            if callback_errors or gate.error is not None:
                return
            lock = chat_locks.setdefault(_chat_key(digest.chat_id), asyncio.Lock())
            try:
                async with lock:
                    result = await _deliver(bot, settings, digest, gate)
            except _Halted:
                return
            results[index] = result
            if on_result is None:
                continue
            try:
                on_result(result)
            except Exception as exc:  # noqa: BLE001 - re-raised once the workers stopped
                if callback_errors:
                    logger.exception("on_result failed again for %s", digest.key)
                callback_errors.append(exc)
                return

    workers = max(1, min(concurrency, len(digests)))
    await asyncio.gather(*(worker() for _ in range(workers)))
    if gate.error is not None:
        raise gate.error
    if callback_errors:
        raise callback_errors[0]
    return [r for r in results if r is not None]


class _Halted(Exception):
    """``on_message`` failed: the caller cannot record deliveries, nothing more is sent."""


@dataclass
class _Gate:
    """The in-flight slots, and the ``on_message`` call made before a slot is released."""
    slots: asyncio.Semaphore
    on_message: MessageCallback | None
    error: Exception | None = None       # the first on_message failure, re-raised at the end

    async def send(self, bot: Bot, settings: TelegramSettings, digest: TelegramDigest, part: int) -> Message:
        async with self.slots:
            if self.error is not None:
                raise _Halted
            message = await _send_message(bot, settings, digest.chat_id, digest.messages[part])
            if self.on_message is not None:
                try:
                    self.on_message(digest.key, part, message.message_id)
                except Exception as exc:  # noqa: BLE001 - re-raised by send_digests
                    self.error = exc
                    raise _Halted from exc
            return message


async def _deliver(bot: Bot, settings: TelegramSettings, digest: TelegramDigest,
                   gate: _Gate) -> TelegramResult:
    """Send one digest's messages from ``digest.start`` in order; stop at the first failure."""
    sent: list[int] = []
    try:
        for part in range(digest.start, len(digest.messages)):
            message = await gate.send(bot, settings, digest, part)
            sent.append(message.message_id)
    except _Halted:
        raise
    except Forbidden as exc:
        return TelegramResult(digest.key, False, _describe(exc), blocked=True, message_ids=sent)
    except (BadRequest, ChatMigrated) as exc:     # BadRequest before its base NetworkError
        return TelegramResult(digest.key, False, _describe(exc), message_ids=sent)
    except (RetryAfter, NetworkError) as exc:     # NetworkError covers TimedOut and 5xx
        return TelegramResult(digest.key, False, _describe(exc), transient=True,
                              message_ids=sent)
    except TelegramError as exc:                  # InvalidToken, EndPointNotFound, Conflict
        return TelegramResult(digest.key, False, _describe(exc), transient=True,
                              message_ids=sent)
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the other chats
        logger.exception("unexpected error sending %s", digest.key)
        return TelegramResult(digest.key, False, _describe(exc), transient=True,
                              message_ids=sent)
    return TelegramResult(digest.key, True, message_ids=sent)


async def _send_message(bot: Bot, settings: TelegramSettings, chat_id: int | str,
                        text: str) -> Message:
    """One sendMessage with our retry policy on RetryAfter and network errors."""
    flood_waits = 0
    network_failures = 0
    while True:
        try:
            return await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True))
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            if flood_waits >= settings.retry_after_rounds or wait > settings.max_retry_after_wait:
                raise
            flood_waits += 1
            logger.info("flood control on chat %s: waiting %.1f s", chat_id, wait)
            await asyncio.sleep(wait + 0.1)
        except BadRequest:
            raise
        except (TimedOut, NetworkError) as exc:
            if network_failures >= settings.network_retries:
                raise
            delay = settings.network_backoff * 2 ** network_failures
            network_failures += 1
            logger.info("network error on chat %s (%s): retrying in %.1f s",
                        chat_id, _describe(exc), delay)
            await asyncio.sleep(delay)


def retry_after_seconds(exc: RetryAfter) -> float:
    """``exc.retry_after`` in seconds, whether PTB gives an int or a timedelta (PTB >= 22.2
    warns that the int form is deprecated unless ``PTB_TIMEDELTA`` is set: the warning is
    silenced here, the value read through the public property only)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        value = exc.retry_after
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    message = exc.message if isinstance(exc, TelegramError) else str(exc)
    if message.lower().startswith(name.lower()):
        return message
    return f"{name}: {message}" if message else name


def _chat_key(chat_id: int | str) -> int | str:
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return str(chat_id)
