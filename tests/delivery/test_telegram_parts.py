"""Each confirmed Telegram message is reported at once; a digest resumes at a given part;
no more than `max_in_flight` messages are ever outstanding."""
import asyncio

import pytest

from delivery.telegram import TelegramDigest, TelegramSettings, send_digests
from tests.fakes import TEST_TOKEN, FakeBotAPI


@pytest.fixture
def fake():
    with FakeBotAPI() as server:
        yield server


def settings_for(fake: FakeBotAPI, **overrides) -> TelegramSettings:
    return TelegramSettings(TEST_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url,
                            network_backoff=0.05, timeout=5.0, **overrides)


def test_each_part_is_reported_with_its_number_and_message_id(fake):
    parts = []
    results = asyncio.run(send_digests(settings_for(fake), [TelegramDigest("k", 42, ["a", "b", "c"])],
                                       on_message=lambda *p: parts.append(p)))
    assert parts == [("k", 0, 1), ("k", 1, 2), ("k", 2, 3)]
    assert results[0].ok and results[0].message_ids == [1, 2, 3]


def test_a_digest_resumes_at_its_start_part(fake):
    parts = []
    results = asyncio.run(send_digests(settings_for(fake), [TelegramDigest("k", 42, ["a", "b", "c", "d"], start=2),
                                                            TelegramDigest("done", 43, ["x"], start=1)],
                                       on_message=lambda *p: parts.append(p)))
    assert [m["text"] for m in fake.sent_messages(42)] == ["c", "d"]
    assert fake.sent_messages(43) == []                       # every part confirmed already
    assert parts == [("k", 2, 1), ("k", 3, 2)]
    assert all(r.ok for r in results)


def test_one_message_in_flight_at_a_time_across_chats(fake):
    fake.delay_next("sendMessage", 0.05, count=20)           # a round trip to the API
    seen = []

    def on_message(key, part, message_id):
        seen.append(key)

    async def run():
        return await send_digests(settings_for(fake, overall_max_rate=0),
                                  [TelegramDigest(f"k{i}", 100 + i, ["1", "2"]) for i in range(8)],
                                  on_message=on_message, concurrency=8)

    asyncio.run(run())
    calls = fake.calls("sendMessage")
    assert len(calls) == 16 and len(seen) == 16
    # each request arrived after the previous one was answered: never two outstanding
    arrivals = [c.time for c in calls]
    assert all(b - a >= 0.045 for a, b in zip(arrivals, arrivals[1:]))


def test_a_failing_on_message_stops_every_send_and_is_raised(fake):
    def boom(key, part, message_id):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        asyncio.run(send_digests(settings_for(fake), [TelegramDigest(f"k{i}", i, ["a", "b"]) for i in range(5)],
                                 on_message=boom, concurrency=5))
    assert len(fake.sent_messages()) == 1                     # the one whose record failed, nothing after
