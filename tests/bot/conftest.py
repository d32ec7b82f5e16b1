"""Fixtures for the bot tests: a fake Bot API, a config pointed at it, a running bot."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from bot.app import build_application
from config import load_config
from tests.digest.helpers import email_toml
from tests.bot.harness import RunningBot
from tests.fakes.bot_api import TEST_TOKEN, FakeBotAPI

MODERATOR = 1001
OTHER_MODERATOR = 1002
USER = 42
STRANGER = 666
IN_WEEK = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)   # Friday of 2026-W47
TOKEN_ENV = "VIGIE_BOT_TEST_TOKEN"

FEEDS = """
[[feeds]]
name = "Le Courrier"
url = "https://news0.example/rss"
kind = "rss"
region = "FR-NOR"

[[feeds]]
name = "Ouest Soins"
url = "https://news1.example/rss"
kind = "rss"

[[feeds]]
name = "Grand Est Hebdo"
url = "https://news2.example/rss"
kind = "rss"
enabled = false
"""


@pytest.fixture
def fake():
    with FakeBotAPI(max_poll_wait=1.0) as server:
        yield server


@pytest.fixture
def bot_config(tmp_path, monkeypatch, fake):
    """make(smtp_port=None) -> Config with Telegram on the fake and two moderators."""
    def make(smtp_port: int | None = None):
        monkeypatch.setenv(TOKEN_ENV, TEST_TOKEN)
        text = textwrap.dedent(f"""
            [vigie]
            data_dir = "data"

            [telegram]
            token_env = "{TOKEN_ENV}"
            base_url = "{fake.url}/bot"
            base_file_url = "{fake.url}/file/bot"
            moderators = [{MODERATOR}, {OTHER_MODERATOR}]
            """)
        if smtp_port:
            text += email_toml(smtp_port)
        (tmp_path / "config.toml").write_text(text + FEEDS, encoding="utf-8")
        return load_config(tmp_path / "config.toml")
    return make


@pytest.fixture
def start_bot(fake):
    """start(config, store, clock=IN_WEEK) -> a RunningBot, stopped at the end of the test."""
    running: list[RunningBot] = []

    def start(config, store, when: dt.datetime = IN_WEEK) -> RunningBot:
        app = build_application(config, store, token=TEST_TOKEN, clock=lambda: when)
        bot = RunningBot(app, fake).start()
        running.append(bot)
        return bot

    yield start
    for bot in running:
        if bot.thread.is_alive():
            bot.stop()
