"""Telegram digest delivery through python-telegram-bot's own HTTP stack, against the fake Bot API."""
import asyncio
import datetime as dt
import time
from collections import Counter

import pytest
from telegram.error import InvalidToken, RetryAfter

from delivery.telegram import (
    TelegramDigest, TelegramSettings, build_bot, retry_after_seconds, send_digests,
)
from tests.fakes import TEST_TOKEN, FakeBotAPI

# PTB 22.x warns inside RetryAfter.__init__ itself unless PTB_TIMEDELTA is set in the
# environment; nothing the sender can avoid, so silence exactly that warning here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*`retry_after` will be of type:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def fake():
    with FakeBotAPI() as server:
        yield server


def settings_for(fake: FakeBotAPI, **overrides) -> TelegramSettings:
    values = {"network_backoff": 0.05, "timeout": 5.0}
    values.update(overrides)
    return TelegramSettings(TEST_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url,
                            **values)


def send(fake, digests, **kwargs):
    """Run send_digests; return (results, on_result calls, elapsed seconds)."""
    settings = kwargs.pop("settings", None) or settings_for(fake)
    seen = []
    start = time.monotonic()
    results = asyncio.run(send_digests(settings, digests, on_result=seen.append, **kwargs))
    return results, seen, time.monotonic() - start


def test_messages_arrive_in_order_as_html_without_previews(fake):
    texts = ["<b>Semaine 47</b>", "<a href=\"https://example.org/a\">Article</a> &amp; suite",
             "<i>Fin</i>"]
    results, seen, _ = send(fake, [TelegramDigest("w47/alice", 42, texts)])

    sent = fake.sent_messages(42)
    assert [m["text"] for m in sent] == texts
    assert all(m["parse_mode"] == "HTML" for m in sent)
    assert all(m["link_preview_options"] == {"is_disabled": True} for m in sent)
    assert results == seen
    assert results[0].ok and results[0].key == "w47/alice" and results[0].error is None
    assert results[0].message_ids == [1, 2, 3]
    assert [c.method for c in fake.calls()] == ["getMe"] + ["sendMessage"] * 3


def test_several_chats_each_in_order_and_one_result_per_digest(fake):
    digests = [TelegramDigest(f"k{i}", 100 + i, [f"{i}-a", f"{i}-b", f"{i}-c"]) for i in range(8)]
    digests.append(TelegramDigest("k-again", 100, ["0-d"]))      # same chat: after k0
    results, seen, _ = send(fake, digests, concurrency=4)

    assert [r.key for r in results] == [d.key for d in digests]
    assert sorted(r.key for r in seen) == sorted(d.key for d in digests)
    assert all(r.ok for r in results)
    for i in range(1, 8):
        assert [m["text"] for m in fake.sent_messages(100 + i)] == [f"{i}-a", f"{i}-b", f"{i}-c"]
    assert [m["text"] for m in fake.sent_messages(100)] == ["0-a", "0-b", "0-c", "0-d"]
    assert results[-1].message_ids == [4]


def test_retry_after_is_absorbed_by_the_rate_limiter(fake):
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=7)
    results, seen, elapsed = send(fake, [TelegramDigest("k", 7, ["one", "two"]),
                                         TelegramDigest("other", 8, ["x"])])

    assert all(r.ok for r in results) and len(seen) == 2
    assert [m["text"] for m in fake.sent_messages(7)] == ["one", "two"]     # "one" once
    assert [c.status for c in fake.calls("sendMessage") if c.params["chat_id"] == 7] == [429, 200, 200]
    assert elapsed >= 1.0


def test_retry_after_beyond_the_limiter_is_waited_out_then_transient(fake):
    # Limiter retries off: our own wait absorbs one 429...
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    results, _, elapsed = send(fake, [TelegramDigest("k", 7, ["one"])],
                               settings=settings_for(fake, max_retries=0, retry_after_rounds=1))
    assert results[0].ok and elapsed >= 1.0

    # ...but not more than retry_after_rounds, nor a retry_after above max_retry_after_wait.
    fake.reset()
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 300", retry_after=300)
    results, seen, elapsed = send(fake, [TelegramDigest("k", 7, ["one"])],
                                  settings=settings_for(fake, max_retries=0))
    assert not results[0].ok and results[0].transient and not results[0].blocked
    assert "Flood control" in results[0].error and results[0].message_ids == []
    assert seen == results and elapsed < 5 and fake.sent_messages() == []


def test_blocked_chat_is_reported_and_other_chats_succeed(fake):
    fake.blocked_chats.add(2)
    results, seen, _ = send(fake, [TelegramDigest(f"k{i}", i, ["hello", "again"]) for i in (1, 2, 3)])

    by_key = {r.key: r for r in results}
    assert by_key["k1"].ok and by_key["k3"].ok
    blocked = by_key["k2"]
    assert not blocked.ok and blocked.blocked and not blocked.transient
    assert "blocked by the user" in blocked.error and blocked.message_ids == []
    assert len(fake.calls("sendMessage")) == 5      # no retry on Forbidden
    assert len(seen) == 3


def test_bad_request_is_a_permanent_failure(fake):
    fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities: Unsupported start tag",
                   chat_id=5)
    results, _, _ = send(fake, [TelegramDigest("k", 5, ["<blink>x</blink>", "second"])])

    result = results[0]
    assert not result.ok and not result.transient and not result.blocked
    assert "parse entities" in result.error.lower()
    assert len(fake.calls("sendMessage")) == 1 and fake.sent_messages() == []


def test_failure_after_the_first_message_reports_a_partial(fake):
    too_long = "x" * 5000
    results, seen, _ = send(fake, [TelegramDigest("k", 9, ["part 1", too_long, "part 3"])])

    result = results[0]
    assert not result.ok and not result.transient
    assert "too long" in result.error
    assert result.message_ids == [1]                # what was delivered, never re-sent
    assert [m["text"] for m in fake.sent_messages(9)] == ["part 1"]
    assert seen == [result]


def test_network_errors_are_retried_then_transient(fake):
    fake.fail_next("sendMessage", 502, "Bad Gateway", chat_id=1)
    fake.fail_next("sendMessage", 500, "Internal Server Error", count=10, chat_id=2)
    results, _, _ = send(fake, [TelegramDigest("ok", 1, ["a"]), TelegramDigest("down", 2, ["b"])])

    ok, down = results
    assert ok.ok and [m["text"] for m in fake.sent_messages(1)] == ["a"]
    assert not down.ok and down.transient and not down.blocked
    assert len([c for c in fake.calls("sendMessage") if c.params["chat_id"] == 2]) == 3  # 1 + 2 retries


def test_timeout_is_retried(fake):
    # The first reply comes after the client gave up: the retry delivers the message. The
    # server did process the first request too -- the duplicate risk the sender documents.
    fake.delay_next("sendMessage", 0.8)
    results, _, _ = send(fake, [TelegramDigest("k", 3, ["slow"])],
                         settings=settings_for(fake, timeout=0.3))
    assert results[0].ok
    assert fake.wait_for(lambda: len(fake.sent_messages(3)) == 2, timeout=3)


def test_rate_limited_fan_out_delivers_everything_exactly_once(fake):
    fake.rate_limit(30)
    digests = [TelegramDigest(f"k{i}", 1000 + i, [f"digest {i}"]) for i in range(90)]
    results, seen, elapsed = send(fake, digests)

    assert all(r.ok for r in results) and len(results) == 90
    assert Counter(r.key for r in seen) == Counter(d.key for d in digests)
    texts = Counter(m["text"] for m in fake.sent_messages())
    assert len(texts) == 90 and set(texts.values()) == {1}
    assert {m["chat_id"] for m in fake.sent_messages()} == {1000 + i for i in range(90)}
    # Achieved client rate: every attempt (even refused ones) in any rolling second.
    # PTB's default AIORateLimiter(30) would burst ~60 here; ours is smoothed.
    attempts = [c.time for c in fake.calls("sendMessage")]
    busiest = max(sum(1 for t in attempts if start <= t < start + 1) for start in attempts)
    assert busiest <= 45                            # smoothed (a burst would reach ~60); slack for a loaded machine
    assert fake.too_many_count <= 5
    assert elapsed >= 2.5                           # 90 messages at <= ~31/s


def test_on_result_failure_stops_new_digests_and_is_raised(fake):
    def boom(result):
        raise OSError("disk full")

    digests = [TelegramDigest(f"k{i}", i, ["m"]) for i in range(5)]
    with pytest.raises(OSError, match="disk full"):
        asyncio.run(send_digests(settings_for(fake), digests, on_result=boom, concurrency=1))
    assert len(fake.sent_messages()) == 1


def test_bot_that_cannot_initialise_raises_before_sending():
    with FakeBotAPI(token="999:other") as fake:
        with pytest.raises(InvalidToken):
            asyncio.run(send_digests(settings_for(fake), [TelegramDigest("k", 1, ["m"])]))
        assert [c.method for c in fake.calls()] == ["getMe"]


def test_a_caller_owned_bot_is_used_as_is(fake):
    settings = settings_for(fake)

    async def main():
        bot = build_bot(settings)
        async with bot:
            first = await send_digests(settings, [TelegramDigest("a", 1, ["1"])], bot=bot)
            second = await send_digests(settings, [TelegramDigest("b", 2, ["2"])], bot=bot)
        return first + second

    assert all(r.ok for r in asyncio.run(main()))
    assert [c.method for c in fake.calls()] == ["getMe", "sendMessage", "sendMessage"]


def test_retry_after_seconds_accepts_int_and_timedelta():
    assert retry_after_seconds(RetryAfter(3)) == 3.0
    assert retry_after_seconds(RetryAfter(dt.timedelta(seconds=1.5))) == 1.5

    class Legacy:                                   # an older PTB: plain int attribute
        retry_after = 2
    assert retry_after_seconds(Legacy()) == 2.0


def test_no_digests_makes_no_request(fake):
    assert asyncio.run(send_digests(settings_for(fake), [])) == []
    assert fake.calls() == []
