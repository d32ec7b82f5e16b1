"""`digest --send` killed with SIGKILL at random moments, several times, then run to the end.

Real parts: the send runs in a child process (tests/digest/send_worker.py), Telegram through
python-telegram-bot against the fake Bot API, e-mail over SMTP to aiosmtpd, both in this
process so they outlive the kills. Each Telegram digest has several parts.

The promise checked: every subscriber ends with every part of their week, and the run after
a kill repeats at most one message per channel (the one in flight when it was killed).
"""
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from digest.build import build_week, personalise
from digest.render import telegram_messages
from digest.view import digest_view
from pipeline.digest import archive_url
from store import open_store
from tests.digest.helpers import WEEK, SMTPSink, article, make_store, subscriber
from tests.fakes.bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
THEMES = ("event", "charter", "campaign", "apprenticeship", "recruitment", "training", "retention", "study")
CHATS = [700 + i for i in range(10)]
ADDRESSES = [f"lecteur{i}@example.org" for i in range(10)]
KILLS = 6
SEED = int(os.environ.get("VIGIE_KILL_SEED", random.randrange(10**6)))


def long_week():
    """About forty stories with long titles: each Telegram digest takes several messages."""
    return [article(100 + n, f"Initiative numéro {n} pour l'emploi dans le soin : " + "recrutement " * 9,
                    theme=THEMES[n % len(THEMES)], regions=(("FR-NOR", "FR-BRE", "FR")[n % 3],),
                    summary=f"Résumé {n}. " + "Les employeurs du secteur sanitaire et social se mobilisent. " * 5)
            for n in range(40)]


def start_worker(config_path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "tests" / "digest" / "send_worker.py"), str(config_path)],
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def delivered(fake, sink) -> tuple[list[tuple[int, str]], list[str]]:
    telegram = [(int(m["chat_id"]), m["text"]) for m in fake.sent_messages()]
    email = [rcpt for rcpts, _ in sink.messages for rcpt in rcpts]
    return telegram, email


def repeats(before: list, after: list) -> int:
    """Items delivered in this run that had been delivered already (or twice in this run)."""
    seen, count = set(before), 0
    for item in after[len(before):]:
        count += item in seen
        seen.add(item)
    return count


def expected_parts(config) -> dict[int, list[str]]:
    with open_store(config.data_dir) as store:
        week = build_week(store, WEEK, config.timezone)
        subs = {s.address: s for s in store.subscribers.all(active_only=True)}
        return {chat: telegram_messages(digest_view(personalise(week, subs[str(chat)]), archive_url(config, WEEK)))
                for chat in CHATS}


def test_random_kills_then_a_full_run_deliver_every_part_once(digest_config):
    rng = random.Random(SEED)
    subs = [subscriber("telegram", str(c)) for c in CHATS] + [subscriber("email", a) for a in ADDRESSES]
    with SMTPSink(delay=0.05) as sink, FakeBotAPI() as fake:
        config = digest_config(smtp_port=sink.port, bot_url=fake.url)
        text = config.path.read_text(encoding="utf-8").replace("[telegram]\n", "[telegram]\nrate = 40\n")
        config.path.write_text(text, encoding="utf-8")   # the worker reads the file
        make_store(config.data_dir, articles=long_week(), subscribers=subs).close()
        parts = expected_parts(config)
        assert min(len(p) for p in parts.values()) >= 3, "each Telegram digest should take several messages"
        total = sum(len(p) for p in parts.values()) + len(ADDRESSES)
        print(f"seed {SEED}: {total} messages")

        kills = 0
        for attempt in range(KILLS):
            before_tg, before_em = delivered(fake, sink)
            worker = start_worker(config.path)
            # wait for this run to deliver something, then kill it a random moment later
            fake.wait_for(lambda: worker.poll() is not None or
                          len(fake.sent_messages()) + len(sink.messages) > len(before_tg) + len(before_em), timeout=15)
            time.sleep(rng.uniform(0, 0.5))
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                kills += 1
            worker.wait(10)
            print(f"run {attempt}: {len(fake.sent_messages())} + {len(sink.messages)} delivered, killed: {kills}")
            time.sleep(0.1)   # let the servers finish a request that was in flight at the kill
            after_tg, after_em = delivered(fake, sink)
            # the run after a kill repeats at most the one message in flight per channel
            assert repeats(before_tg, after_tg) <= 1, f"seed {SEED}, run {attempt}: Telegram repeats"
            assert repeats(before_em, after_em) <= 1, f"seed {SEED}, run {attempt}: e-mail repeats"
            if len(set(after_tg)) + len(set(after_em)) == total:
                break

        before_tg, before_em = delivered(fake, sink)
        final = start_worker(config.path)
        assert final.wait(30) == 0, final.stderr.read().decode()
        after_tg, after_em = delivered(fake, sink)
        assert repeats(before_tg, after_tg) <= 1 and repeats(before_em, after_em) <= 1, f"seed {SEED}"

        # every part of every digest arrived, in order; repeats: at most one per channel per kill
        for chat in CHATS:
            got = [t for c, t in after_tg if c == chat]
            assert list(dict.fromkeys(got)) == parts[chat], f"seed {SEED}: chat {chat}"
        tg_repeats = len(after_tg) - len(set(after_tg))
        em_counts = Counter(after_em)
        assert set(em_counts) == set(ADDRESSES), f"seed {SEED}"
        assert tg_repeats <= kills and sum(em_counts.values()) - len(ADDRESSES) <= kills, f"seed {SEED}"
        assert kills >= 2, f"seed {SEED}: the kills should land while sending"
        with open_store(config.data_dir) as store:
            ledger = store.deliveries.for_week(WEEK)
            assert {d.state for d in ledger.values()} == {"sent"}
            assert all(len(ledger[f"tg-{c}"].message_ids) == len(parts[c]) for c in CHATS)
            assert not store.deliveries.journal_path.exists()
