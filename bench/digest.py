"""Digest benchmark: building, rendering and delivering one week to many subscribers.

    .venv/bin/python bench/digest.py             # full size: 10,000 / 10,000 e-mails / 3,000 Telegram
    .venv/bin/python bench/digest.py --quick     # smoke run: 1,000 / 1,000 / 300

1. Build and render: a store holding a realistic week (300 relevant stories first seen in
   ISO week 2026-W47, one to five articles each, over the 18 regions + "FR" and the 8
   themes, a quarter announcing an event in the following weeks) and ~3,600 older,
   irrelevant or later articles; N subscribers with mixed filters on both channels.
   `build_week` once, then per subscriber `personalise` + Telegram rendering
   (`telegram_messages(digest_view(...))`) or `pipeline.digest.render_email`.
2. E-mail: `delivery.email.sender.send_emails` on N prebuilt messages over one SMTP
   connection to a counting aiosmtpd sink on 127.0.0.1 (child process), then the full
   `pipeline.digest.send_week` for N e-mail subscribers (ledger and journal included),
   each checked against the sink: exactly one message per recipient.
3. Telegram: `pipeline.digest.send_week` for N Telegram subscribers against the fake Bot
   API (tests/fakes/bot_api.py) answering 429 beyond 30 messages in any rolling second;
   achieved rate as a fraction of 30/s, 429s received, exactly one digest per chat.

A benchmark, not a test: it prints figures and exits 1 only when a delivery check failed.
Only loopback addresses are used; every loop is bounded by the subscriber counts.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Run as a file, this script's folder comes first on sys.path and `bench/digest.py` would
# shadow the `digest` package: put the repository first and drop the script's folder.
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() not in (HERE, REPO)]

import aiosmtpd  # noqa: E402
import telegram  # noqa: E402

import pipeline.digest as digest_job  # noqa: E402
from bench.report import print_table  # noqa: E402
from bench.lock_probe import LockProbe  # noqa: E402
from bench.digest_data import WeekPlan, mixed_subscribers, narrow_subscribers, week_articles  # noqa: E402
from bench.smtp_sink import SinkStats, counting_smtp_sink  # noqa: E402
from config import load_config  # noqa: E402
from config.schema import Config  # noqa: E402
from delivery.email.sender import OutgoingEmail, send_emails  # noqa: E402
from digest.build import build_week, personalise  # noqa: E402
from digest.render import telegram_messages  # noqa: E402
from digest.view import digest_view  # noqa: E402
from domain.article import Article  # noqa: E402
from store import Store, Subscriber, open_store  # noqa: E402
from tests.fakes.bot_api import FakeBotAPI  # noqa: E402

WEEK = "2026-W47"                                       # Monday 16 to Sunday 22 November 2026
NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone.utc)
TOKEN_ENV = "VIGIE_BENCH_TELEGRAM_TOKEN"
BENCH_TOKEN = "123456:BENCH-fake-bot-api-token"
TELEGRAM_RATE = 30.0
RATE_AIM = 0.9
GMAIL_CLIP = 102 * 1024          # Gmail shows "[Message clipped]" for HTML beyond ~102 KB


# Output -------------------------------------------------------------------------------------

def seconds(value: float) -> str:
    if value < 0.001:
        return f"{value * 1e6:.0f} µs"
    return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else 0.0


def spread(values: list[float], unit: Callable[[float], str] = seconds) -> str:
    if not values:
        return "-"
    return (f"mean {unit(statistics.fmean(values))}, p50 {unit(percentile(values, 50))}, "
            f"p95 {unit(percentile(values, 95))}, max {unit(max(values))}")


def count(value: float) -> str:
    return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"


def kib(value: float) -> str:
    return f"{value / 1024:,.1f} KiB"


def check(ok: bool) -> str:
    return "OK" if ok else "FAILED"


def peak_rss() -> str:
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"


def machine_rows() -> list[tuple[str, str]]:
    return [("python", f"{platform.python_version()} ({platform.python_implementation()}) {sys.executable}"),
            ("platform", platform.platform()),
            ("cpu count", str(os.cpu_count())),
            ("libraries", f"python-telegram-bot {telegram.__version__}, aiosmtpd {aiosmtpd.__version__}")]


# Set-up -------------------------------------------------------------------------------------

def write_config(folder: Path, smtp_port: int | None = None, bot_url: str | None = None,
                 connections: int = 1, in_flight: int = 1) -> Config:
    """config.toml in `folder` (data in folder/data) with e-mail and/or Telegram pointed at
    local servers; e-mail settings are always present (rendering needs the sender address)."""
    lines = ["[vigie]", 'data_dir = "data"', "",
             "[email]", 'host = "127.0.0.1"', f"port = {smtp_port or 1}", 'security = "none"',
             'from_address = "veille@vigie.example.org"',
             "timeout = 30", f"connections = {connections}", "", "[web]", 'base_url = "https://veille.example.org"', ""]
    if bot_url:
        lines += ["[telegram]", f'token_env = "{TOKEN_ENV}"', f'base_url = "{bot_url}/bot"',
                  f'base_file_url = "{bot_url}/file/bot"', f"in_flight = {in_flight}", ""]  # default rate
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return load_config(path)


def fill_store(data_dir: Path, articles: list[Article], subscribers: list[Subscriber]) -> float:
    """Write the articles and subscribers (bulk insert: `SubscriberStore.put` scans the
    table on every call); returns the seconds taken."""
    start = time.perf_counter()
    with open_store(data_dir) as store:
        with store.writing():
            store.articles.add(articles)
            store.subscribers.table.insert_multiple(dataclasses.asdict(s) for s in subscribers)
    return time.perf_counter() - start


@contextlib.contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


class CallTimer:
    """Wraps callables on modules or objects for the length of a `with` block and adds up
    the time spent in each (label -> seconds, calls); originals are restored on exit."""

    def __init__(self) -> None:
        self.seconds: Counter = Counter()
        self.calls: Counter = Counter()
        self._stack = contextlib.ExitStack()

    def wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)
        self.seconds[label] += 0.0      # keep the labels in the order they were wrapped
        self.calls[label] += 0

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.calls[label] += 1

        setattr(owner, name, timed)
        self._stack.callback(setattr, owner, name, original)

    def __enter__(self) -> "CallTimer":
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()


@dataclass
class TimedSend:
    report: digest_job.SendReport
    wall: float
    cpu: float                  # CPU time of this process during send_week
    timer: CallTimer
    lock: LockProbe             # the store's writer lock as another writer saw it


def send_week_timed(config: Config, store: Store) -> TimedSend:
    """`send_week` with its phases timed (prepare: build, ledger, render; delivery; journal
    appends; archive) and the store's writer lock watched from outside."""
    with CallTimer() as timer, LockProbe(config.data_dir) as probe:
        timer.wrap(digest_job, "_prepare", "prepare (build_week, ledger records, rendering)")
        timer.wrap(digest_job, "render_email", "  of which render_email")
        timer.wrap(digest_job, "_deliver_email", "deliver e-mail (send_emails + on_result)")
        timer.wrap(digest_job, "_deliver_telegram", "deliver Telegram (send_digests + on_result)")
        timer.wrap(store.deliveries, "record", "  of which journal appends (deliveries.record)")
        timer.wrap(digest_job, "write_archive", "web archive (build_week again + pages)")
        start, cpu = time.perf_counter(), time.process_time()
        report = digest_job.send_week(config, store, WEEK, now=NOW)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return TimedSend(report, wall, cpu, timer, probe)


def phase_rows(send: TimedSend) -> list[tuple[str, str]]:
    timer, wall = send.timer, send.wall
    rows = [("send_week wall time", f"{seconds(wall)} (CPU of this process {seconds(send.cpu)})")]
    accounted = 0.0
    for label, spent in timer.seconds.items():
        if not timer.calls[label]:
            continue
        if not label.startswith("  "):
            accounted += spent
        rows.append((label, f"{seconds(spent)} ({timer.calls[label]:,} calls)"))
    rows.append(("rest (ledger flush, lock, set-up)", seconds(max(0.0, wall - accounted))))
    rows.append(("store writer lock, as another writer sees it",
                 f"held {send.lock.busy_share:.0%} of the time; longest wait {seconds(send.lock.longest_wait)}"))
    return rows


# 1. Build and render -----------------------------------------------------------------------------

@dataclass
class RenderSample:
    channel: str
    personalise: float
    render: float
    stories: int
    empty: bool
    messages: int = 0           # Telegram
    size: int = 0               # e-mail bytes
    html_size: int = 0          # e-mail: decoded HTML part
    serialise: float = 0.0      # e-mail: bytes(message), paid again by the SMTP client


@dataclass
class RenderRun:
    store_fill: float
    load_subscribers: float
    build: float
    stories: int
    agenda: int
    lookup: float               # one SubscriberStore.get
    samples: list[RenderSample] = field(default_factory=list)
    loop: float = 0.0


def time_lookup(store: Store, subscriber_id: str, repeats: int = 5) -> float:
    """Median time of one `SubscriberStore.get` (what each bot command does first)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        store.subscribers.get(subscriber_id)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def render_one(config: Config, week, subscriber: Subscriber) -> RenderSample:
    start = time.perf_counter()
    digest = personalise(week, subscriber)
    personalised = time.perf_counter()
    if subscriber.channel == "telegram":
        messages = telegram_messages(digest_view(digest))
        done = time.perf_counter()
        return RenderSample("telegram", personalised - start, done - personalised, digest.story_count,
                            digest.empty, messages=len(messages))
    message = digest_job.render_email(config, digest, subscriber, NOW)
    done = time.perf_counter()
    size = len(bytes(message))
    serialised = time.perf_counter()
    html = message.bodies[1]         # ComposedEmail: the text part, then the HTML part
    return RenderSample("email", personalised - start, done - personalised, digest.story_count, digest.empty,
                        size=size, html_size=len(html), serialise=serialised - done)


def measure_rendering(workdir: Path, articles: list[Article], subscribers: list[Subscriber]) -> RenderRun:
    config = write_config(workdir)
    fill = fill_store(config.data_dir, articles, subscribers)
    store = open_store(config.data_dir)            # reopened: build_week reads the segments from disk
    start = time.perf_counter()
    active = store.subscribers.all(active_only=True)
    loaded = time.perf_counter()
    week = build_week(store, WEEK, config.timezone)
    built = time.perf_counter()
    lookup = time_lookup(store, subscribers[-1].id)
    run = RenderRun(fill, loaded - start, built - loaded, len(week.stories), len(week.agenda), lookup)
    run.samples = [render_one(config, week, subscriber) for subscriber in active]
    run.loop = time.perf_counter() - built
    return run


def report_rendering(run: RenderRun) -> None:
    samples = run.samples
    total = [s.personalise + s.render for s in samples]
    rows = [("store", f"{run.stories} stories new in {WEEK}, {run.agenda} in the agenda; "
                      f"filled in {seconds(run.store_fill)}"),
            ("subscribers.all(active_only)", f"{len(samples):,} subscribers in {seconds(run.load_subscribers)}"),
            ("subscribers.get (one lookup)", f"{seconds(run.lookup)} (scans the table: grows with subscribers)"),
            ("build_week (once)", seconds(run.build)),
            ("personalise + render, all", f"{seconds(run.loop)} for {len(samples):,} subscribers "
                                          f"({len(samples) / run.loop:,.0f}/s)"),
            ("total (build + all renders)", seconds(run.build + run.loop)),
            ("per subscriber", spread(total)),
            ("peak RSS so far", peak_rss())]
    print_table(f"1. Build and render for {len(samples):,} subscribers with mixed filters", rows)
    by_channel = defaultdict(list)
    for sample in samples:
        by_channel[sample.channel].append(sample)
    report_channel_renders("telegram", by_channel["telegram"])
    report_channel_renders("email", by_channel["email"])


def report_channel_renders(channel: str, samples: list[RenderSample]) -> None:
    if not samples:
        return
    rows = [("subscribers", f"{len(samples):,} ({sum(s.empty for s in samples):,} with an empty digest)"),
            ("stories per digest", spread([s.stories for s in samples], count)),
            ("personalise + render", spread([s.personalise + s.render for s in samples])),
            ("  personalise", spread([s.personalise for s in samples])),
            ("  render", spread([s.render for s in samples]))]
    if channel == "telegram":
        messages = [s.messages for s in samples]
        rows += [("messages, total", f"{sum(messages):,} ({sum(m == 1 for m in messages):,} digests fit "
                                     f"in one message)"),
                 ("messages per digest", spread(messages, count)),
                 ("send time at 30 msg/s", f"{sum(messages) / TELEGRAM_RATE / 60:,.1f} min")]
        title = "   Telegram: personalise + telegram_messages(digest_view(...))"
    else:
        sizes = [s.size for s in samples]
        rows += [("bytes, total", f"{sum(sizes) / 1e6:,.1f} MB"),
                 ("bytes per e-mail", spread(sizes, kib)),
                 ("HTML part (decoded)", spread([s.html_size for s in samples], kib)),
                 (f"HTML part > {GMAIL_CLIP // 1024} KiB", f"{sum(s.html_size > GMAIL_CLIP for s in samples):,} "
                                                        "e-mails (Gmail clips the HTML beyond this size)"),
                 ("bytes(message) (serialise)", spread([s.serialise for s in samples]))]
        title = "   E-mail: personalise + pipeline.digest.render_email"
    print_table(title, rows)


# 2. E-mail ------------------------------------------------------------------------------------

def prebuild_emails(config: Config, store: Store) -> tuple[list[OutgoingEmail], float]:
    start = time.perf_counter()
    week = build_week(store, WEEK, config.timezone)
    items = [OutgoingEmail(key=s.id, to=s.address,
                           message=bytes(digest_job.render_email(config, personalise(week, s), s, NOW)))
             for s in store.subscribers.all(active_only=True)]
    return items, time.perf_counter() - start


def sink_check(stats: SinkStats, expected: set[str]) -> tuple[bool, str]:
    """Exactly one message per expected recipient and nothing else."""
    duplicates = sum(1 for n in stats.by_recipient.values() if n > 1)
    missing = len(expected - set(stats.by_recipient))
    unexpected = len(set(stats.by_recipient) - expected)
    ok = not (duplicates or missing or unexpected) and stats.messages == len(expected)
    return ok, (f"{check(ok)}: {stats.messages:,} messages for {len(expected):,} recipients "
                f"({missing} missing, {duplicates} duplicated, {unexpected} unexpected), "
                f"{stats.connections} SMTP connection(s), {stats.bytes / 1e6:,.1f} MB received")


def bench_send_emails(config_dir: Path, articles: list[Article], subscribers: list[Subscriber]) -> bool:
    """2a: send_emails on prebuilt messages; returns whether the sink check passed."""
    with counting_smtp_sink() as sink:
        config = write_config(config_dir, smtp_port=sink.port)
        fill_store(config.data_dir, articles, subscribers)
        store = open_store(config.data_dir)
        items, prebuild = prebuild_emails(config, store)
        sink_before = sink.stats().cpu_seconds
        start, cpu = time.perf_counter(), time.process_time()
        results = send_emails(config.email, config.email.password(), items)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        stats = sink.stats()
        ok, verdict = sink_check(stats, {s.address for s in subscribers})
    failed = [r for r in results if not r.ok]
    print_table(f"2a. send_emails: {len(items):,} prebuilt e-mails over one SMTP connection to aiosmtpd "
                f"(127.0.0.1, counting handler in a child process)", [
        ("prebuild (build_week + personalise + render_email)", seconds(prebuild)),
        ("send_emails wall time", seconds(wall)),
        ("rate", f"{len(items) / wall:,.0f} messages/s ({wall / len(items) * 1000:.2f} ms per message)"),
        ("CPU during the send", f"client (Vigie + smtplib) {seconds(cpu)}, "
                                f"sink (aiosmtpd) {seconds(stats.cpu_seconds - sink_before)}"),
        ("peak RSS so far", peak_rss()),
        ("results", f"{len(results) - len(failed):,} ok, {len(failed):,} failed"
                    + (f" (first: {failed[0].error})" if failed else "")),
        ("sink", verdict)])
    return ok and not failed


def bench_email_send_week(config_dir: Path, articles: list[Article], subscribers: list[Subscriber],
                          connections: int = 1) -> bool:
    """2b: the full send_week for e-mail subscribers over `connections` SMTP connections,
    then a rerun that must send nothing."""
    with counting_smtp_sink() as sink:
        config = write_config(config_dir, smtp_port=sink.port, connections=connections)
        fill_store(config.data_dir, articles, subscribers)
        store = open_store(config.data_dir)
        sink_before = sink.stats().cpu_seconds
        send = send_week_timed(config, store)
        first = sink.stats()
        again_start = time.perf_counter()
        again = digest_job.send_week(config, store, WEEK, now=NOW)
        again_wall = time.perf_counter() - again_start
        second = sink.stats()
    records = store.deliveries.for_week(WEEK)
    states = Counter(d.state for d in records.values())
    expected = {s.address for s in subscribers if s.id in records and records[s.id].state == "sent"}
    ok, verdict = sink_check(first, expected)
    rerun_ok = again.email.sent == 0 and second.messages == first.messages
    report, deliver = send.report, send.timer.seconds["deliver e-mail (send_emails + on_result)"]
    rows = phase_rows(send) + [
        ("sink CPU (aiosmtpd)", seconds(first.cpu_seconds - sink_before)),
        ("rate (whole send_week)", f"{report.email.sent / send.wall:,.0f} e-mails/s"),
        ("rate (delivery phase)", f"{_rate(report.email.sent, deliver)} e-mails/s"),
        ("report", f"sent {report.email.sent:,}, skipped {report.email.skipped:,} (empty digests), "
                   f"failed {len(report.email.failed):,}, retry {len(report.email.retry):,}"),
        ("ledger", ", ".join(f"{k} {v:,}" for k, v in sorted(states.items()))),
        ("peak RSS so far", peak_rss()),
        ("sink", verdict),
        ("rerun", f"{check(rerun_ok)}: sent {again.email.sent}, skipped {again.email.skipped:,}, "
                  f"sink still {second.messages:,} messages, {seconds(again_wall)}")]
    print_table(f"2b. send_week, e-mail only: {len(subscribers):,} subscribers with mixed filters, "
                f"[email] connections = {connections} (ledger + journal included)", rows)
    return ok and rerun_ok and not report.email.failed and not report.email.retry


def bench_email_process(config_dir: Path, articles: list[Article], subscribers: list[Subscriber],
                        connections: int = 1) -> bool:
    """2c: `run.py digest --send` as a whole process (imports, store load, send, ledger),
    the way an operator or cron runs it."""
    with counting_smtp_sink() as sink:
        config = write_config(config_dir, smtp_port=sink.port, connections=connections)
        fill_store(config.data_dir, articles, subscribers)
        command = [sys.executable, str(REPO / "run.py"), "--config", str(config_dir / "config.toml"),
                   "digest", "--send", "--week", WEEK]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=config_dir, capture_output=True, text=True, timeout=600)
        wall = time.perf_counter() - start
        stats = sink.stats()
    with open_store(config.data_dir) as store:
        records = store.deliveries.for_week(WEEK)
    expected = {s.address for s in subscribers if s.id in records and records[s.id].state == "sent"}
    ok, verdict = sink_check(stats, expected)
    ok &= done.returncode == 0
    rows = [("command", " ".join(command[1:])),
            ("exit status", str(done.returncode) + ("" if done.returncode == 0 else f": {done.stderr.strip()[-300:]}")),
            ("wall time (whole process)", seconds(wall)),
            ("rate (whole process)", f"{_rate(len(expected), wall)} e-mails/s"),
            ("sink", verdict)]
    print_table(f"2c. run.py digest --send as a process: {len(subscribers):,} e-mail subscribers, "
                f"[email] connections = {connections}", rows)
    return ok


def _rate(done: int, spent: float) -> str:
    return f"{done / spent:,.0f}" if spent else "-"


# 3. Telegram -----------------------------------------------------------------------------------

@dataclass
class TelegramRun:
    send: TimedSend
    expected: dict[int, list[str]]          # chat id -> the digest's messages
    delivered: list[dict]                   # successful sendMessage params, in arrival order
    times: list[float]                      # arrival times of the successful sendMessage calls
    statuses: Counter                       # HTTP status -> sendMessage calls
    too_many: int
    rerun_sent: int
    rerun_calls: int


def expected_messages(config: Config, store: Store) -> dict[int, list[str]]:
    week = build_week(store, WEEK, config.timezone)
    out = {}
    for subscriber in store.subscribers.all(active_only=True):
        digest = personalise(week, subscriber)
        if not digest.empty:
            out[int(subscriber.address)] = telegram_messages(digest_view(digest))
    return out


def run_telegram(workdir: Path, articles: list[Article], subscribers: list[Subscriber],
                 in_flight: int = 1) -> TelegramRun:
    with FakeBotAPI(token=BENCH_TOKEN) as fake, environment_variable(TOKEN_ENV, BENCH_TOKEN):
        fake.rate_limit(TELEGRAM_RATE)
        config = write_config(workdir, bot_url=fake.url, in_flight=in_flight)
        config = dataclasses.replace(config, email=dataclasses.replace(config.email, host=""))  # Telegram only
        fill_store(config.data_dir, articles, subscribers)
        store = open_store(config.data_dir)
        expected = expected_messages(config, store)
        send = send_week_timed(config, store)
        calls = fake.calls("sendMessage")
        too_many = fake.too_many_count
        again = digest_job.send_week(config, store, WEEK, now=NOW)
        rerun_calls = len(fake.calls("sendMessage")) - len(calls)
    ok_calls = [c for c in calls if c.status == 200]
    return TelegramRun(send, expected, [c.params for c in ok_calls], [c.time for c in ok_calls],
                       Counter(c.status for c in calls), too_many, again.telegram.sent, rerun_calls)


def max_in_rolling_second(times: list[float]) -> int:
    best, first = 0, 0
    for last, moment in enumerate(times):
        while times[first] <= moment - 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def digest_check(run: TelegramRun) -> tuple[bool, str]:
    """Every chat received its digest's messages exactly once, in order; no other chat did."""
    got: dict[int, list[str]] = defaultdict(list)
    for params in run.delivered:
        got[int(params["chat_id"])].append(params["text"])
    wrong = [chat for chat, messages in run.expected.items() if got.get(chat) != messages]
    unexpected = set(got) - set(run.expected)
    ok = not wrong and not unexpected
    return ok, (f"{check(ok)}: {len(got):,} chats received a digest, {len(run.expected):,} expected; "
                f"{len(wrong)} chats with missing/duplicated/out-of-order messages, {len(unexpected)} unexpected")


def report_telegram(run: TelegramRun, count_subscribers: int, in_flight: int = 1) -> bool:
    delivered = len(run.delivered)
    deliver_phase = run.send.timer.seconds["deliver Telegram (send_digests + on_result)"]
    window = run.times[-1] - run.times[0] if len(run.times) > 1 else 0.0
    fraction = delivered / deliver_phase / TELEGRAM_RATE if deliver_phase else 0.0
    window_fraction = (delivered - 1) / window / TELEGRAM_RATE if window else 0.0
    ok, verdict = digest_check(run)
    rerun_ok = run.rerun_sent == 0 and run.rerun_calls == 0
    per_digest = [len(m) for m in run.expected.values()]
    report = run.send.report.telegram
    rows = phase_rows(run.send) + [
        ("digests", f"{len(run.expected):,} non-empty for {count_subscribers:,} subscribers, "
                    f"{sum(per_digest):,} messages ({spread(per_digest, count)} per digest)"),
        ("messages delivered", f"{delivered:,}"),
        ("achieved rate (delivery phase)",
         f"{fraction * TELEGRAM_RATE:.2f} msg/s = {fraction:.3f} of 30/s "
         f"(aim >= {RATE_AIM}: {'met' if fraction >= RATE_AIM else 'BELOW AIM'})"),
        ("rate first->last sendMessage", f"{(delivered - 1) / window:.2f} msg/s = {window_fraction:.3f} of 30/s"
                                         if window else "-"),
        ("429 received", f"{run.too_many:,} (fake's too_many_count); sendMessage statuses: "
                         + ", ".join(f"{k}: {v:,}" for k, v in sorted(run.statuses.items()))),
        ("max accepted in a rolling second", str(max_in_rolling_second(run.times))),
        ("report", f"sent {report.sent:,}, skipped {report.skipped:,}, failed {len(report.failed):,}, "
                   f"retry {len(report.retry):,}, deactivated {len(report.deactivated):,}"),
        ("one digest per chat", verdict),
        ("rerun", f"{check(rerun_ok)}: sent {run.rerun_sent}, {run.rerun_calls} sendMessage calls")]
    print_table(f"3. send_week, Telegram only: {count_subscribers:,} subscribers (one region + one theme each) "
                f"to the fake Bot API limiting at 30 msg/s (429 beyond), [telegram] in_flight = {in_flight}", rows)
    for subscriber, reason in (report.failed + report.retry)[:5]:
        print(f"  NOT SENT {subscriber}: {reason}")
    return ok and rerun_ok and not report.failed and not report.retry


# Main ------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000, help="part 1: subscribers rendered (10,000)")
    parser.add_argument("--emails", type=int, default=10_000, help="part 2: e-mails sent (10,000)")
    parser.add_argument("--telegram", type=int, default=3_000, help="part 3: Telegram digests sent (3,000)")
    parser.add_argument("--parts", default="123", help="which parts to run, e.g. 13 (default 123)")
    parser.add_argument("--connections", type=lambda v: [int(x) for x in v.split(",")], default=[1, 4],
                        help="part 2b: SMTP connections to compare, e.g. 1,4 (default)")
    parser.add_argument("--in-flight", type=lambda v: [int(x) for x in v.split(",")], default=[1, 6],
                        help="part 3: Telegram requests in flight to compare, e.g. 1,6 (default)")
    parser.add_argument("--stories", type=int, default=300,
                        help="relevant stories new in the week (300; the issue's whole-process case used 28)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="smoke run: 1,000 / 1,000 / 300")
    args = parser.parse_args(argv)
    if args.quick:
        args.subscribers, args.emails, args.telegram = (min(args.subscribers, 1_000), min(args.emails, 1_000),
                                                        min(args.telegram, 300))
    if min(args.subscribers, args.emails, args.telegram, args.stories) < 1 or not set(args.parts) <= set("123"):
        parser.error("counts must be positive and --parts made of 1, 2 and 3")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    print("Vigie digest benchmark")
    print_table("Machine", machine_rows() + [
        ("run", f"week {WEEK}; {args.subscribers:,} rendered, {args.emails:,} e-mails, "
                f"{args.telegram:,} Telegram digests; seed {args.seed}")])
    plan = WeekPlan(week=WEEK, stories=args.stories)
    articles = week_articles(plan, args.seed)
    print(f"\n{len(articles):,} articles generated: {plan.stories} stories new in {WEEK}, {plan.older_relevant:,} older "
          f"relevant, {plan.irrelevant:,} irrelevant, {plan.after} first seen after the week")
    ok = True
    with tempfile.TemporaryDirectory(prefix="vigie-bench-digest-") as tmp:
        workdir = Path(tmp)
        if "1" in args.parts:
            report_rendering(measure_rendering(workdir / "render", articles,
                                               mixed_subscribers(args.subscribers, args.seed)))
        if "2" in args.parts:
            email_subscribers = mixed_subscribers(args.emails, args.seed + 1, channel="email")
            ok &= bench_send_emails(workdir / "send-emails", articles, email_subscribers)
            for connections in args.connections:
                ok &= bench_email_send_week(workdir / f"send-week-email-{connections}", articles,
                                            email_subscribers, connections)
            for connections in args.connections:
                ok &= bench_email_process(workdir / f"process-email-{connections}", articles,
                                          email_subscribers, connections)
        if "3" in args.parts:
            subscribers = narrow_subscribers(args.telegram, articles, args.seed + 2)
            for in_flight in args.in_flight:
                ok &= report_telegram(run_telegram(workdir / f"send-week-telegram-{in_flight}", articles,
                                                   subscribers, in_flight), len(subscribers), in_flight)
    print(f"\nTotal benchmark time: {time.perf_counter() - began:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
