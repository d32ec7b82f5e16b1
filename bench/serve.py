"""`run.py serve` benchmark: memory of the long-running process and bot reply latency.

    .venv/bin/python bench/serve.py            # full size: 50,000 articles, 10,000 subscribers
    .venv/bin/python bench/serve.py --quick    # smoke run: 5,000 / 1,000

1. A temp data dir holds a year of articles (steady rate over 52 weeks, ~35 % relevant with
   themes, regions, stories of one to five articles and some dated events; the current
   Paris ISO week holds at least 1.2 % of them, so /apercu and /file have content even on
   a Monday morning) and N subscribers with mixed filters (55 % Telegram, 45 % e-mail).
   The digest that is due is recorded as sent, so the start-up catch-up sends nothing.
2. `python run.py --config CFG serve` runs as a subprocess, the token in its environment,
   `[telegram] base_url` on a FakeBotAPI (tests/fakes/bot_api.py) in this process, one
   moderator, e-mail off, and 20 local RSS feeds x 50 entries served from a child process
   on 127.0.0.2... so the fetch cycle at start (1 s after start) has real work.
3. Resident memory (VmRSS, and the peak VmHWM, from /proc/PID/status) right after the
   first getUpdates reaches the fake, after the fetch cycle ("fetch: N new articles" on
   stderr), and after the latency rounds. The store's writer lock is watched from outside
   during the fetch (longest stretch a bot command would have waited).
4. /apercu from subscriber chats and /file from the moderator, one at a time: the time from
   the moment the update is handed out (push time when a getUpdates was waiting, else the
   arrival of the next getUpdates) to the first sendMessage/editMessageText to that chat,
   and to the last one (the reply complete). Median and p95 over the rounds.
5. SIGTERM; the process must exit 0 within STOP_TIMEOUT seconds.
6. In-process breakdown of the same store calls (after the server stopped), and a cProfile
   of them when a command's median passes 1 s (or with --profile).

A benchmark, not a test: it prints figures and exits 1 only when the run went wrong (the
server did not start, the fetch did not finish, a command got no reply, a non-zero exit).
Only loopback addresses are used; every wait has a deadline, and the feed server stops by
itself after SERVER_MAX_SECONDS.
"""
from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import gc
import io
import math
import os
import platform
import pstats
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Run as a file, this script's folder comes first on sys.path and `bench/digest.py` would
# shadow the `digest` package: put the repository first and drop the script's folder.
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() not in (HERE, REPO)]

import telegram  # noqa: E402
from tinydb.table import Document  # noqa: E402

from bench.report import print_table  # noqa: E402
from bench.digest_data import FEED_NAMES, mixed_subscribers  # noqa: E402
from bench.lock_probe import LockProbe, lock_free  # noqa: E402
from bench.serve_data import year_history  # noqa: E402
from bench.server import Page, serve_in_subprocess  # noqa: E402
from bench.synthetic import build_feeds  # noqa: E402
from config import load_config  # noqa: E402
from config.schema import Config  # noqa: E402
from domain.regions import REGION_CODES  # noqa: E402
from pipeline.jobs import WEEKDAYS, due_week  # noqa: E402
from store import Subscriber, open_store  # noqa: E402
from store.subscribers import _doc_id as subscriber_doc_id  # noqa: E402
from tests.fakes.bot_api import Call, FakeBotAPI  # noqa: E402

TOKEN_ENV = "VIGIE_BENCH_SERVE_TOKEN"
BENCH_TOKEN = "123456:BENCH-serve-fake-bot-api-token"
MODERATOR = 1001
SEED = 11
FEED_HOSTS = [f"127.0.0.{n}" for n in range(2, 22)]
START_TIMEOUT = 90.0           # seconds until the first getUpdates
FETCH_TIMEOUT = 600.0          # seconds until "fetch: N new articles"
REPLY_TIMEOUT = 120.0          # seconds for one command's first reply
QUIET = 0.5                    # no new message to the chat for this long: the reply is complete
STOP_TIMEOUT = 30.0            # seconds for a clean exit after SIGTERM
SERVER_MAX_SECONDS = 1_800.0   # the feed server's own life limit
SLOW = 1.0                     # seconds: above this median, profile the command
PROFILE_TOP = 15
REPLY_METHODS = ("sendMessage", "editMessageText")


# Output -------------------------------------------------------------------------------------

def ms(value: float) -> str:
    return f"{value * 1000:,.0f} ms" if value >= 0.1 else f"{value * 1000:.1f} ms"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else 0.0


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    return (f"median {ms(statistics.median(values))}, p95 {ms(percentile(values, 95))}, "
            f"min {ms(min(values))}, max {ms(max(values))} (n={len(values)})")


def mib(kib_value: float) -> str:
    return f"{kib_value / 1024:,.1f} MiB"


def size_on_disk(folder: Path) -> tuple[int, int]:
    """(bytes, files) under folder."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            files += 1
    return total, files


def machine_rows() -> list[tuple[str, str]]:
    load = os.getloadavg()
    return [("python", f"{platform.python_version()} ({platform.python_implementation()}) {sys.executable}"),
            ("platform", platform.platform()),
            ("cpu count", str(os.cpu_count())),
            ("load average at start", f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1/5/15 min; other jobs "
                                      "on the machine slow every figure below)"),
            ("libraries", f"python-telegram-bot {telegram.__version__}")]


# The server process ---------------------------------------------------------------------------

def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (KiB) of a live process."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


class StderrWatcher:
    """Reads the server's stderr in a thread: keeps the lines and flags the ones we wait for."""

    def __init__(self, stream):
        self.lines: list[tuple[float, str]] = []
        self.fetch_done = threading.Event()
        self.fetch_line = ""
        self.fetch_time = 0.0
        self._thread = threading.Thread(target=self._read, args=(stream,), name="serve-stderr", daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            now = time.monotonic()
            self.lines.append((now, line.rstrip("\n")))
            if " vigie.jobs: fetch: " in line and not self.fetch_done.is_set():
                self.fetch_line, self.fetch_time = line.strip(), now
                self.fetch_done.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def matching(self, *words: str) -> list[str]:
        return [line for _, line in self.lines if any(w in line for w in words)]


def write_config(folder: Path, fake: FakeBotAPI, feed_urls: list[tuple[str, str]], now: dt.datetime) -> Config:
    """config.toml: Telegram on the fake, one moderator, e-mail off, the digest sent on the
    weekday three days from now (so no scheduled send falls inside the run)."""
    local = now.astimezone(ZoneInfo("Europe/Paris"))
    send_day = WEEKDAYS[(local.weekday() + 3) % 7]
    lines = ["[vigie]", 'data_dir = "data"', 'timezone = "Europe/Paris"', "",
             "[telegram]", f'token_env = "{TOKEN_ENV}"', f'base_url = "{fake.url}/bot"',
             f'base_file_url = "{fake.url}/file/bot"', f"moderators = [{MODERATOR}]", "",
             "[digest]", f'send_weekday = "{send_day}"', 'send_time = "08:00"', "fetch_every_hours = 6", "",
             "[fetch]", "allow_private_addresses = true", ""]
    for n, (name, url) in enumerate(feed_urls):
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', 'kind = "rss"']
        if n % 3 == 0:
            lines.append(f'region = "{REGION_CODES[n % len(REGION_CODES)]}"')
        lines.append("")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return load_config(path)


@dataclass
class Filled:
    seconds: float
    articles: int
    current_week: str
    in_current_week: int
    relevant_in_current_week: int
    due_week: str
    telegram: list[Subscriber]
    current_story: str | None


def fill_store(config: Config, articles: int, subscribers: int, now: dt.datetime) -> Filled:
    from digest.weeks import current_week
    start = time.perf_counter()
    history = year_history(articles, now, SEED)
    people = mixed_subscribers(subscribers, SEED)
    week = current_week(now, config.timezone)
    in_week = [a for a in history if current_week(dt.datetime.fromisoformat(a.fetched_at), config.timezone) == week]
    due = due_week(config, now)
    with open_store(config.data_dir) as store:
        with store.writing():
            store.articles.add(history)
            # bulk insert, each document under the doc id SubscriberStore.get looks up (put() would
            # rewrite the table once per subscriber)
            store.subscribers.table.insert_multiple(Document(dataclasses.asdict(s), doc_id=subscriber_doc_id(s.id))
                                                    for s in people)
            store.deliveries.set_last_week_sent(due)
        if people and store.subscribers.get(people[-1].id) != people[-1]:
            raise RuntimeError("subscribers written in bulk are not found by SubscriberStore.get: "
                               "the store's keying changed, update bench/serve.py fill_store")
    filled = Filled(seconds=time.perf_counter() - start, articles=len(history), current_week=week,
                    in_current_week=len(in_week), relevant_in_current_week=sum(1 for a in in_week if a.relevant),
                    due_week=due, telegram=[s for s in people if s.channel == "telegram"],
                    current_story=next((a.story for a in reversed(in_week) if a.relevant), None))
    del history
    gc.collect()
    return filled


# Latency ---------------------------------------------------------------------------------------

@dataclass
class Sample:
    handed_out: float          # monotonic: when getUpdates gave the update to the bot
    pushed: float
    first: float | None = None
    last: float | None = None
    messages: int = 0
    failed: int = 0            # replies the fake answered with an error (e.g. message too long)

    @property
    def first_latency(self) -> float:
        return (self.first or 0.0) - self.handed_out

    @property
    def complete_latency(self) -> float:
        return (self.last or 0.0) - self.handed_out

    @property
    def push_latency(self) -> float:
        return (self.first or 0.0) - self.pushed


def _replies(calls: list[Call], chat_id: int) -> list[Call]:
    return [c for c in calls if c.method in REPLY_METHODS and str(c.params.get("chat_id")) == str(chat_id)]


def send_command(fake: FakeBotAPI, chat_id: int, text: str) -> Sample:
    """Push one command, wait for the first reply and then for the chat to go quiet."""
    start_index = len(fake.calls())
    waiting = any(c.method == "getUpdates" and c.status is None for c in fake.calls("getUpdates"))
    pushed = time.monotonic()
    fake.push_message(chat_id, text, user_id=chat_id)
    sample = Sample(handed_out=pushed, pushed=pushed)
    if not fake.wait_for(lambda: _replies(fake.calls()[start_index:], chat_id), timeout=REPLY_TIMEOUT):
        return sample
    deadline = time.monotonic() + REPLY_TIMEOUT
    seen = -1
    while time.monotonic() < deadline:      # bounded: quiet or deadline
        replies = _replies(fake.calls()[start_index:], chat_id)
        if len(replies) == seen and all(c.status is not None for c in replies):
            break
        seen = len(replies)
        time.sleep(QUIET)
    new_calls = fake.calls()[start_index:]
    replies = _replies(new_calls, chat_id)
    if not waiting:  # the update waited for the next getUpdates
        polls = [c.time for c in new_calls if c.method == "getUpdates" and c.time >= pushed]
        sample.handed_out = polls[0] if polls else pushed
    sample.first, sample.last = replies[0].time, replies[-1].time
    sample.messages = len(replies)
    sample.failed = sum(1 for c in replies if c.status != 200)
    return sample


def command_while_locked(fake: FakeBotAPI, data_dir: Path, chat_id: int, text: str, watcher: "StderrWatcher",
                         held_for: float = 0.3) -> Sample | None:
    """Push `text` once the store's writer lock has been held for `held_for` seconds by the
    server (the fetch's locked write); None if the fetch ended first."""
    fd = os.open(data_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + FETCH_TIMEOUT
        busy_since = None
        while time.monotonic() < deadline and not watcher.fetch_done.is_set():
            now = time.monotonic()
            if not lock_free(fd):
                busy_since = busy_since or now
                if now - busy_since >= held_for:
                    break
            else:
                busy_since = None
            time.sleep(0.02)
        else:
            return None
    finally:
        os.close(fd)
    return send_command(fake, chat_id, text)


def latency_rounds(fake: FakeBotAPI, chats: list[int], text: str) -> list[Sample]:
    samples = []
    for chat_id in chats:
        samples.append(send_command(fake, chat_id, text))
        time.sleep(0.2)   # let the poller go back to waiting
    return samples


def latency_rows(name: str, samples: list[Sample]) -> list[tuple[str, str]]:
    answered = [s for s in samples if s.first is not None]
    rows = [(f"{name}: first reply", spread([s.first_latency for s in answered])),
            (f"{name}: first reply, from push", spread([s.push_latency for s in answered])),
            (f"{name}: reply complete", spread([s.complete_latency for s in answered]))]
    if answered:
        rows.append((f"{name}: first round (cold)", f"first reply {ms(answered[0].first_latency)}, "
                                                    f"complete {ms(answered[0].complete_latency)}"))
        counts = [s.messages for s in answered]
        rows.append((f"{name}: messages per reply", f"median {statistics.median(counts):.0f}, "
                                                    f"min {min(counts)}, max {max(counts)}"))
    failed = sum(s.failed for s in answered)
    rows.append((f"{name}: answered / errors", f"{len(answered)} of {len(samples)} answered, "
                                              f"{failed} replies refused by the API"))
    return rows


# In-process breakdown and profile -----------------------------------------------------------------

def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def breakdown(config: Config, chat_id: int, week: str) -> list[tuple[str, str]]:
    """The store calls behind /apercu and /file, one by one, on a freshly opened store."""
    from pipeline.moderation import moderation_queue as queue
    from digest.build import build_week, personalise
    from digest.render import telegram_messages
    from digest.view import digest_view
    from pipeline.subscriptions import get_telegram
    tz = config.timezone
    store, t_open = timed(open_store, config.data_dir)
    rows = [("open_store", ms(t_open))]
    with store.lock:
        _, t_refresh = timed(store.refresh)
        subscriber, t_sub = timed(get_telegram, store, chat_id)
        week_digest, t_cold = timed(build_week, store, week, tz)
        _, t_warm = timed(build_week, store, week, tz)
        loaded = len(store.articles._dbs)
        personal, t_pers = timed(personalise, week_digest, subscriber)
        messages, t_render = timed(lambda: telegram_messages(digest_view(personal)))
        stories, t_queue = timed(queue, store, week, tz)
        _, t_refresh2 = timed(store.refresh)
    rows += [("store.refresh (each bot call)", ms(t_refresh2)),
             ("get_telegram (subscriber lookup)", ms(t_sub)),
             ("build_week, cold (segments read)", f"{ms(t_cold)} — {len(week_digest.stories)} stories, "
                                                   f"{len(week_digest.agenda)} in the agenda"),
             ("build_week, warm", f"{ms(t_warm)}; segments in memory: {loaded} of "
                                  f"{len(store.articles.segments())}"),
             ("personalise", ms(t_pers)),
             ("digest_view + telegram_messages", f"{ms(t_render)} — {len(messages)} messages"),
             ("/file queue (week_stories), warm", f"{ms(t_queue)} — {len(stories)} stories")]
    store.close()
    return rows


def fetched_copies(config: Config, store) -> list:
    """The articles the server's fetch stored, as they were before triage (labels cleared)."""
    names = {f.name for f in config.feeds}
    today = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    return [dataclasses.replace(a, relevant=None, themes=[], regions=[], event_date=None, town=None, story=None)
            for a in store.articles.iter(since=today) if a.feed in names]


def heavy_rows(config: Config) -> tuple[list[tuple[str, str]], dict]:
    """The fetch's locked section (triage of the new articles) and find_story (/tag, /masquer...),
    each on a freshly opened store; returns the rows and the callables to profile."""
    from pipeline.label import label_new_articles
    from pipeline.moderation import ModerationError, find_story
    rows = []
    store = open_store(config.data_dir)
    copies = fetched_copies(config, store)
    _, t_label = timed(label_new_articles, copies, store)
    rows.append((f"label_new_articles, {len(copies):,} fetched articles",
                 f"{ms(t_label)} (run_fetch calls it inside store.writing(): the writer lock is held "
                 f"meanwhile); segments in memory after: {len(store.articles._dbs)}"))
    store.close()
    store = open_store(config.data_dir)
    recent = store.articles.iter(since=dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=2))
    key = next((a.story for a in recent if a.relevant and a.story), None)
    store.close()
    store = open_store(config.data_dir)
    total = len(store.articles.segments())
    _, t_cold = timed(find_story, store, key)
    loaded = len(store.articles._dbs)
    _, t_warm = timed(find_story, store, key)
    rows.append(("find_story, story of this week (/tag...)", f"cold {ms(t_cold)}, warm {ms(t_warm)}; segments in "
                                                             f"memory after: {loaded} of {total}"))
    start = time.perf_counter()
    try:
        find_story(store, "inconnue")
    except ModerationError:
        pass
    t_unknown = time.perf_counter() - start
    rows.append(("find_story, unknown id", f"{ms(t_unknown)} (the recent part warm); segments in "
                                           f"memory after: {len(store.articles._dbs)} of {total}"))
    store.close()
    return rows, {"label": (label_new_articles, copies), "find_story": (find_story, key)}


def profile(label: str, fn) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(PROFILE_TOP)
        text = out.getvalue()
        body = text[text.find("   ncalls"):] if "   ncalls" in text else text
        print(f"\ncProfile of {label}, top {PROFILE_TOP} by {order}\n{body.rstrip()}", flush=True)


def profile_commands(config: Config, chat_id: int, week: str, which: set[str]) -> None:
    from pipeline.moderation import moderation_queue as queue
    from bot.storework import _locked
    from bot.subscriber_handlers import _preview
    tz = config.timezone
    store = open_store(config.data_dir)
    if "apercu" in which:
        profile("/apercu's store call (_preview, cold store)",
                lambda: _locked(store, _preview, (config, chat_id, week), {}))
        profile("/apercu's store call (_preview, warm store)",
                lambda: _locked(store, _preview, (config, chat_id, week), {}))
    if "file" in which:
        profile("/file's store call (queue, warm store)", lambda: _locked(store, queue, (week, tz), {}))
    store.close()


# Main ----------------------------------------------------------------------------------------

@dataclass
class Run:
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    apercu: list[Sample] = field(default_factory=list)
    file: list[Sample] = field(default_factory=list)
    tag: list[Sample] = field(default_factory=list)
    tag_unknown: list[Sample] = field(default_factory=list)
    during: Sample | None = None

    def fail(self, what: str) -> None:
        self.ok = False
        self.problems.append(what)
        print(f"!! {what}", flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, default=None, help="articles in the store (default 50,000)")
    p.add_argument("--subscribers", type=int, default=None, help="subscribers (default 10,000)")
    p.add_argument("--quick", action="store_true", help="smoke run: 5,000 articles, 1,000 subscribers")
    p.add_argument("--feeds", type=int, default=20, help="local RSS feeds fetched at start (default 20)")
    p.add_argument("--entries", type=int, default=50, help="entries per feed (default 50)")
    p.add_argument("--rounds", type=int, default=20, help="commands of each kind (default 20)")
    p.add_argument("--tag-rounds", type=int, default=3, help="/tag commands after the rounds (default 3; 0: none)")
    p.add_argument("--no-during-fetch", dest="during_fetch", action="store_false",
                   help="do not send one /apercu while the fetch holds the store lock")
    p.add_argument("--profile", action="store_true", help="profile the commands even when fast")
    p.add_argument("--keep", action="store_true", help="keep the temp data dir")
    args = p.parse_args(argv)
    args.articles = args.articles or (5_000 if args.quick else 50_000)
    args.subscribers = args.subscribers or (1_000 if args.quick else 10_000)
    args.feeds = min(args.feeds, len(FEED_HOSTS))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wall = time.perf_counter()
    run = Run()
    print(f"Vigie `serve` benchmark: {args.articles:,} articles, {args.subscribers:,} subscribers, "
          f"{args.feeds} feeds x {args.entries} entries, {args.rounds} rounds of /apercu and /file", flush=True)
    print_table("Machine", machine_rows())
    workdir = Path(tempfile.mkdtemp(prefix="vigie-serve-bench-"))
    try:
        with FakeBotAPI(token=BENCH_TOKEN, max_poll_wait=10.0) as fake:
            now = dt.datetime.now(dt.timezone.utc)
            feeds = build_feeds(args.feeds, args.entries, FEED_HOSTS[:args.feeds], SEED, now)
            sites = {f.host: {f.path: Page(f.body, "application/rss+xml; charset=utf-8")} for f in feeds}
            with serve_in_subprocess(sites, max_seconds=SERVER_MAX_SECONDS) as ports:
                urls = [(FEED_NAMES[f.index % len(FEED_NAMES)] + ("" if f.index < len(FEED_NAMES) else f" {f.index}"),
                         f"http://{f.host}:{ports[f.host]}{f.path}") for f in feeds]
                config = write_config(workdir, fake, urls, now)
                filled = fill_store(config, args.articles, args.subscribers, now)
                size, files = size_on_disk(config.data_dir)
                print_table("Store (before start)", [
                    ("data dir", str(config.data_dir)),
                    ("articles", f"{filled.articles:,} over 52 weeks + the current week; "
                                 f"{filled.in_current_week:,} in {filled.current_week} "
                                 f"({filled.relevant_in_current_week:,} relevant)"),
                    ("subscribers", f"{args.subscribers:,} ({len(filled.telegram):,} Telegram, "
                                    f"{args.subscribers - len(filled.telegram):,} e-mail)"),
                    ("on disk", f"{size / 2**20:,.1f} MiB in {files:,} files"),
                    ("filled in", f"{filled.seconds:.1f} s (generation included)"),
                    ("digest", f"due week {filled.due_week} recorded as sent; sends on "
                               f"{config.digest.send_weekday} {config.digest.send_time}")])
                serve_phase(args, run, fake, config, workdir, filled)
        if run.ok or args.profile:
            print_breakdown(args, run, config, filled)
    finally:
        if args.keep:
            print(f"\n(kept {workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nWall time: {time.perf_counter() - wall:.1f} s", flush=True)
    if run.problems:
        print("Problems: " + "; ".join(run.problems), flush=True)
    return 0 if run.ok else 1


def serve_phase(args, run: Run, fake: FakeBotAPI, config: Config, workdir: Path, filled: Filled) -> None:
    env = {**os.environ, TOKEN_ENV: BENCH_TOKEN, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "run.py", "--config", str(workdir / "config.toml"), "serve"]
    print(f"\n$ {TOKEN_ENV}=… {' '.join(command)}   (cwd {REPO})", flush=True)
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    watcher = StderrWatcher(proc.stderr)
    rows: list[tuple[str, str]] = []
    mem_rows: list[tuple[str, str]] = []
    apercu: list[Sample] = []
    files: list[Sample] = []
    try:
        if not fake.wait_for(lambda: fake.calls("getUpdates") or proc.poll() is not None, timeout=START_TIMEOUT) \
                or proc.poll() is not None:
            run.fail(f"the server did not start polling within {START_TIMEOUT:.0f} s (exit {proc.poll()})")
            return
        first_poll = fake.calls("getUpdates")[0].time
        m = memory(proc.pid)
        mem_rows.append(("after start-up (first getUpdates)", f"RSS {mib(m['VmRSS'])}  (peak so far {mib(m['VmHWM'])})"))
        rows.append(("start-up to first getUpdates", f"{first_poll - started:.2f} s"))
        chats = sorted({int(s.address) for s in filled.telegram}, key=lambda c: (c * 2654435761) % 2**32)
        with LockProbe(config.data_dir, interval=0.02, max_seconds=FETCH_TIMEOUT) as probe:
            if args.during_fetch:
                run.during = command_while_locked(fake, config.data_dir, chats[-1], "/apercu", watcher)
            done = watcher.fetch_done.wait(FETCH_TIMEOUT)
        if not done:
            run.fail(f"no 'fetch: N new articles' line within {FETCH_TIMEOUT:.0f} s")
            return
        m = memory(proc.pid)
        mem_rows.append(("after the fetch cycle", f"RSS {mib(m['VmRSS'])}  (peak so far {mib(m['VmHWM'])})"))
        rows.append(("fetch cycle", f"{watcher.fetch_line.split('vigie.jobs: ')[-1]}; done "
                                    f"{watcher.fetch_time - started:.1f} s after start"))
        rows.append(("writer lock during the fetch", f"longest hold {ms(probe.longest_wait)}, busy "
                                                     f"{probe.busy_share:.0%} of {probe.samples} probes "
                                                     "(a bot command waits that long)"))
        size, count = size_on_disk(config.data_dir)
        rows.append(("store after the fetch", f"{size / 2**20:,.1f} MiB in {count:,} files"))
        time.sleep(1.0)
        apercu = latency_rounds(fake, chats[:args.rounds], "/apercu")
        files = latency_rounds(fake, [MODERATOR] * args.rounds, "/file")
        m = memory(proc.pid)
        mem_rows.append(("after the /apercu and /file rounds", f"RSS {mib(m['VmRSS'])}  (peak {mib(m['VmHWM'])})"))
        if args.tag_rounds and filled.current_story:
            run.tag = latency_rounds(fake, [MODERATOR] * args.tag_rounds,
                                     f"/tag {filled.current_story} recruitment")
            m = memory(proc.pid)
            mem_rows.append((f"after {args.tag_rounds} /tag on a story of this week",
                             f"RSS {mib(m['VmRSS'])}  (peak {mib(m['VmHWM'])})"))
            run.tag_unknown = latency_rounds(fake, [MODERATOR], "/tag inconnue recruitment")
            m = memory(proc.pid)
            mem_rows.append(("after 1 /tag on an unknown id (whole history searched)",
                             f"RSS {mib(m['VmRSS'])}  (peak {mib(m['VmHWM'])})"))
        for name, samples in (("/apercu", apercu), ("/file", files), ("/tag", run.tag),
                              ("/tag on an unknown id", run.tag_unknown)):
            missing = sum(1 for s in samples if s.first is None)
            if missing:
                run.fail(f"{name}: {missing} of {len(samples)} commands got no reply within {REPLY_TIMEOUT:.0f} s")
            if any(s.failed for s in samples):
                run.fail(f"{name}: the fake refused some replies (see counts)")
    finally:
        stop_rows = stop(proc, run)
        watcher.join(5)
        print_table("Server process", rows + stop_rows)
        if mem_rows:
            print_table("Resident memory of the serve process (VmRSS from /proc/PID/status)", mem_rows)
        if apercu or files:
            print_table("Reply latency at the fake Bot API (update handed out -> message arrives)",
                        latency_rows("/apercu", apercu) + latency_rows("/file", files))
        extra = []
        if run.during is not None and run.during.first is not None:
            extra.append(("/apercu pushed while the fetch held the lock",
                          f"first reply {ms(run.during.first_latency)}, complete {ms(run.during.complete_latency)}"))
        elif args.during_fetch:
            extra.append(("/apercu pushed while the fetch held the lock", "not taken (no long lock hold seen)"))
        if run.tag:
            extra += latency_rows("/tag", run.tag)[:1] + latency_rows("/tag", run.tag)[3:4]
        if run.tag_unknown and run.tag_unknown[0].first is not None:
            extra.append(("/tag on an unknown id (error reply)", f"first reply {ms(run.tag_unknown[0].first_latency)}"))
        if extra:
            print_table("Other commands", extra)
        logs = watcher.matching("ERROR", "Traceback", "WARNING")
        print_table("Server log", [("lines", str(len(watcher.lines))),
                                   ("errors / warnings", str(len(logs)))]
                    + [("", line[:160]) for line in logs[:10]])
        run.apercu, run.file = apercu, files


def stop(proc: subprocess.Popen, run: Run) -> list[tuple[str, str]]:
    if proc.poll() is not None:
        run.fail(f"the server exited early with status {proc.returncode}")
        return [("exit", f"exited early, status {proc.returncode}")]
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        run.fail(f"the server did not exit within {STOP_TIMEOUT:.0f} s of SIGTERM (killed)")
        return [("SIGTERM", f"no exit within {STOP_TIMEOUT:.0f} s: killed")]
    took = time.monotonic() - sent
    if code != 0:
        run.fail(f"the server exited with status {code} after SIGTERM")
    return [("SIGTERM -> exit", f"status {code} after {took:.2f} s")]


def print_breakdown(args, run: Run, config: Config, filled: Filled) -> None:
    """The same store calls in this process (the server has stopped; the data dir is still
    there), and a profile of the slow ones."""
    chat_id = int(filled.telegram[0].address) if filled.telegram else MODERATOR
    print_table(f"In-process breakdown (store after the fetch, week {filled.current_week}, "
                f"subscriber chat {chat_id})", breakdown(config, chat_id, filled.current_week))
    rows, heavy = heavy_rows(config)
    print_table("In-process: the slow store calls (fresh store each)", rows)
    slow = {name for name, samples in (("apercu", run.apercu), ("file", run.file))
            if samples and statistics.median([s.first_latency for s in samples if s.first is not None] or [0]) > SLOW}
    if args.profile:
        slow = {"apercu", "file"}
    if slow:
        profile_commands(config, chat_id, filled.current_week, slow)
    during = run.during.first_latency if run.during is not None and run.during.first is not None else 0.0
    if during > SLOW or args.profile:   # a command behind the fetch's lock: profile what holds it
        label, copies = heavy["label"]
        store = open_store(config.data_dir)
        profile(f"label_new_articles({len(copies):,} articles) — the fetch's locked section",
                lambda: label(copies, store))
        store.close()
    tags = [s.first_latency for s in run.tag + run.tag_unknown if s.first is not None]
    if (tags and max(tags) > SLOW) or args.profile:
        find, key = heavy["find_story"]
        key = "inconnue" if run.tag_unknown and run.tag_unknown[0].first_latency > SLOW else key
        store = open_store(config.data_dir)
        def search() -> None:
            try:
                find(store, key)
            except Exception:  # noqa: BLE001 - an unknown id answers ModerationError
                pass
        profile(f"find_story({key!r}) on a cold store — behind /tag", search)
        store.close()


if __name__ == "__main__":
    sys.exit(main())
