"""`run.py serve` without a bot: the digest missed while down is sent once at start."""
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from config import load_config
from digest.weeks import french_week_label
from pipeline.jobs import due_week, last_due
from store import open_store
from tests.digest.helpers import SMTPSink, article, subscriber
from tests.httpserver import wait_until

ROOT = Path(__file__).resolve().parent.parent


def test_last_due_is_dst_safe(tmp_path):
    (tmp_path / "config.toml").write_text('[digest]\nsend_weekday = "mon"\nsend_time = "08:00"\n')
    config = load_config(tmp_path / "config.toml")
    before_summer = dt.datetime(2026, 3, 30, 5, 59, tzinfo=dt.timezone.utc)   # Monday 07:59 CEST
    at_summer = dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.timezone.utc)        # Monday 08:00 CEST
    assert last_due(config, before_summer).isoformat() == "2026-03-23T08:00:00+01:00"
    assert last_due(config, at_summer).isoformat() == "2026-03-30T08:00:00+02:00"
    assert due_week(config, at_summer) == "2026-W13" and due_week(config, before_summer) == "2026-W12"


def seed_missed_week(config, sub) -> str:
    """A story first seen in the week whose digest fell due while serve was down, and one
    subscriber; returns that week."""
    week = due_week(config, dt.datetime.now(dt.timezone.utc))
    monday = dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
    store = open_store(config.data_dir)
    with store.writing():
        item = article(1, "Forum des métiers du soin à Caen")
        item.fetched_at = f"{monday + dt.timedelta(days=2)}T09:00:00+00:00"
        store.articles.add([item])
        store.subscribers.put(sub)
    store.close()
    return week


def serve_once(config_path: Path, sink: SMTPSink, expect_messages: int) -> int:
    """Start `run.py serve`, wait until the sink holds `expect_messages`, then SIGTERM it."""
    env = {k: v for k, v in os.environ.items() if k != "VIGIE_TELEGRAM_TOKEN"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "--config", str(config_path), "serve"],
                            env={**env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert wait_until(lambda: len(sink.messages) >= expect_messages, timeout=20)
        time.sleep(1.5)  # time for a wrong second send to show up
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert "Telegram bot off" in err
    return proc.returncode


def test_missed_digest_is_sent_once_on_start_and_never_again(tmp_path):
    with SMTPSink() as sink:
        (tmp_path / "config.toml").write_text(textwrap.dedent(f"""
            [vigie]
            data_dir = "data"
            [email]
            host = "127.0.0.1"
            port = {sink.port}
            security = "none"
            from_address = "veille@vigie.example.org"
            """), encoding="utf-8")
        config = load_config(tmp_path / "config.toml")
        week = seed_missed_week(config, subscriber("email", "alice@example.org"))
        assert serve_once(tmp_path / "config.toml", sink, 1) == 0
        assert len(sink.messages) == 1
        assert french_week_label(week) in sink.messages[0][1]["Subject"]
        for _ in range(2):  # two restarts in a row send nothing more
            assert serve_once(tmp_path / "config.toml", sink, 1) == 0
        assert len(sink.messages) == 1
        assert open_store(config.data_dir).deliveries.last_week_sent() == week


def test_serve_with_bot_answers_commands_and_sends_the_missed_week_once(tmp_path):
    from tests.fakes.bot_api import FakeBotAPI
    with FakeBotAPI() as fake:
        (tmp_path / "config.toml").write_text(textwrap.dedent(f"""
            [vigie]
            data_dir = "data"
            [telegram]
            token_env = "VIGIE_TEST_SERVE_TOKEN"
            base_url = "{fake.url}/bot"
            base_file_url = "{fake.url}/file/bot"
            moderators = [77]
            """), encoding="utf-8")
        config = load_config(tmp_path / "config.toml")
        seed_missed_week(config, subscriber("telegram", "4242"))
        env = {**os.environ, "PYTHONPATH": str(ROOT), "VIGIE_TEST_SERVE_TOKEN": "123456:TEST-fake-bot-api-token"}
        for run in range(2):
            proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "--config", str(tmp_path / "config.toml"),
                                     "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                assert fake.wait_for(lambda: len(fake.calls("getUpdates")) > 0, timeout=20)
                assert fake.wait_for(lambda: len(fake.sent_messages(4242)) >= 1, timeout=20)
                fake.push_message(31, "/aide", user_id=31)
                assert fake.wait_for(lambda: len(fake.sent_messages(31)) == run + 1, timeout=20)
                time.sleep(1.0)
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.communicate(timeout=30)
            assert proc.returncode == 0
            digests = [m for m in fake.sent_messages(4242) if "Forum des métiers du soin à Caen" in m["text"]]
            assert len(digests) == 1                     # the missed week, once, over both runs
            # the digest went out through the running bot (one rate limiter): no second bot said getMe
            assert len(fake.calls("getMe")) == run + 1
        assert any(c.method == "setMyCommands" for c in fake.calls())


def test_jobs_are_scheduled_and_none_is_paused(tmp_path):
    import asyncio
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from cli.serve_cmd import add_jobs
    (tmp_path / "config.toml").write_text('[digest]\nsend_weekday = "mon"\nsend_time = "08:00"\nfetch_every_hours = 6\n')
    config = load_config(tmp_path / "config.toml")

    async def jobs(fetch_at_start):
        scheduler = AsyncIOScheduler()
        add_jobs(scheduler, config, None, fetch_at_start)
        scheduler.start()
        found = {job.id: job for job in scheduler.get_jobs()}
        scheduler.shutdown(wait=False)
        return found

    for fetch_at_start in (True, False):
        found = asyncio.run(jobs(fetch_at_start))
        assert set(found) == {"fetch", "digest", "digest-catch-up", "retention"}
        assert all(job.next_run_time is not None for job in found.values())
        assert found["digest"].misfire_grace_time >= 3600   # APScheduler's 1 s default would drop a late run
        nxt = found["digest"].next_run_time
        assert (nxt.weekday(), nxt.hour, nxt.minute, str(nxt.tzinfo)) == (0, 8, 0, "Europe/Paris")
