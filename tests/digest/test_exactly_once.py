"""A send killed with SIGKILL at many points of a batch, then rerun: everyone gets the week once."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store import open_store
from tests.digest.helpers import WEEK, SMTPSink, make_store, subscriber
from tests.fakes.bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 8   # per channel: 16 deliveries in the batch


def run_worker(config_path, crash_at: int | None = None) -> int:
    args = [sys.executable, str(ROOT / "tests" / "digest" / "send_worker.py"), str(config_path)]
    if crash_at is not None:
        args.append(str(crash_at))
    proc = subprocess.run(args, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=60)
    return proc.returncode


@pytest.mark.parametrize("crash_points", [(1,), (4,), (8,), (9,), (12,), (16,), (3, 7), (2, 5, 6)])
def test_killed_send_then_rerun_delivers_exactly_once(tmp_path, digest_config, crash_points):
    subs = [subscriber("telegram", str(500 + i)) for i in range(SUBSCRIBERS)] + \
           [subscriber("email", f"user{i}@example.org") for i in range(SUBSCRIBERS)]
    with SMTPSink() as sink, FakeBotAPI() as fake:
        config = digest_config(smtp_port=sink.port, bot_url=fake.url)
        make_store(config.data_dir, subscribers=subs).close()
        done = 0
        for point in crash_points:  # each run dies right after its point-th confirmed send
            assert run_worker(config.path, crash_at=point) == -9
            done += point
            assert len(fake.sent_messages()) + len(sink.messages) >= min(done, 2 * SUBSCRIBERS)
        assert run_worker(config.path) == 0   # the rerun finishes the batch
        assert run_worker(config.path) == 0   # and another one sends nothing
        for i in range(SUBSCRIBERS):
            assert len(fake.sent_messages(500 + i)) == 1, f"chat {500 + i}"
            assert len(sink.by_recipient()[f"user{i}@example.org"]) == 1, f"user{i}"
        with open_store(config.data_dir) as store:
            states = {d.state for d in store.deliveries.for_week(WEEK).values()}
            assert states == {"sent"} and store.deliveries.last_week_sent() == WEEK
