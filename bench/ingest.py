"""Ingestion benchmark: Vigie's real pipeline against local feeds, bare feedparser, and the
cost of storing new articles as the history grows.

    .venv/bin/python bench/ingest.py            # full size: 200 feeds x 50 entries, 50,000 history
    .venv/bin/python bench/ingest.py --quick    # smoke run: 20 feeds, 5,000 history
    .venv/bin/python bench/ingest.py --vs-reader --reader-python /tmp/readervenv/bin/python
                                                # cases A and B of issue 12, Vigie vs lemon24/reader

1. End to end: 200 synthetic French RSS feeds served from a child process on 127.0.0.2 ...
   127.0.0.9, fetched, parsed and stored by `pipeline.fetch.run_fetch` from a real
   config.toml; entries/s over the wall time of `run_fetch`.
2. Bare feedparser on the same bodies, and the ratio pipeline / feedparser (aim: <= 2),
   medians over 3 interleaved rounds (the machine's speed drifts by 10-20 % between runs).
   Above the aim (or with --profile) the pipeline is run again under cProfile and the
   places where it spends time are printed.
3. Store cost vs history: adding 100 articles to an empty store and to one holding 50,000
   articles spread over 52 weekly segments (aim: within 3x), plus the open time and the
   on-disk size. Above the aim (or with --profile) one more add is profiled.

A benchmark, not a test: it prints figures and exits 1 only when the run itself went wrong
(a feed failed, or fewer entries were stored than served).
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import feedparser  # noqa: E402

from bench.report import print_table  # noqa: E402
from bench.server import Page, serve_in_subprocess  # noqa: E402
from bench.synthetic import FrenchText, SyntheticFeed, build_article, build_feeds, history_by_week  # noqa: E402
from config import load_config  # noqa: E402
from pipeline.fetch import FeedReport, run_fetch  # noqa: E402
from store import open_store  # noqa: E402

HOSTS = [f"127.0.0.{n}" for n in range(2, 10)]
RATIO_AIM = 2.0
STORE_AIM = 3.0
HISTORY_WEEKS = 52
NEW_BATCH = 100
PROFILE_TOP = 15
# Functions whose inclusive time explains where the pipeline goes beyond feedparser.
PROFILE_FOCUS = (
    ("feedparser/api.py", "parse", "feedparser.parse (the floor)"),
    ("scrapers/feed_parser.py", "parse_feed", "scrapers.feed_parser.parse_feed"),
    ("scrapers/feed_parser.py", "_entry", "scrapers.feed_parser._entry"),
    ("scrapers/sanitize.py", "html_to_text", "scrapers.sanitize.html_to_text"),
    ("scrapers/urls.py", "canonical_url", "scrapers.urls.canonical_url"),
    ("scrapers/collect.py", "_collect_feed", "scrapers.collect._collect_feed"),
    ("scrapers/fetcher.py", "_stream", "scrapers.fetcher.Fetcher._stream"),
    ("store/articles.py", "add", "store.articles.ArticleStore.add"),
    ("store/articles.py", "__contains__", "store.articles.ArticleStore.__contains__"),
    ("store/feeds.py", "put", "store.feeds.FeedStateStore.put"),
    ("store/__init__.py", "flush", "store.Store.flush"),
    ("selectors.py", "select", "event loop idle (waiting for sockets)"),
)
# The same for one 100-article add into the store with history.
STORE_FOCUS = (
    ("store/__init__.py", "refresh", "store.Store.refresh"),
    ("store/articles.py", "add", "store.articles.ArticleStore.add"),
    ("store/storage.py", "_load", "store.storage.AtomicJSONStorage._load (segment read)"),
    ("tinydb/table.py", "insert_multiple", "tinydb Table.insert_multiple"),
    ("domain/article.py", "to_dict", "domain.article.Article.to_dict"),
    ("store/articles.py", "flush", "store.articles.ArticleStore.flush"),
    ("store/storage.py", "flush", "store.storage.AtomicJSONStorage.flush (segment write)"),
    ("store/articles.py", "_write_index", "store.articles.ArticleStore._write_index"),
    ("~", "<built-in method posix.fsync>", "os.fsync (all files and folders)"),
)


@dataclass
class PipelineRun:
    wall: float
    served: int
    stored: int
    outcomes: Counter
    failures: list[FeedReport]
    profile: pstats.Stats | None = None


@dataclass
class StoreRun:
    label: str
    articles_before: int
    open_times: list[float] = field(default_factory=list)
    add_times: list[float] = field(default_factory=list)
    disk_bytes: int = 0
    disk_files: int = 0


# Output -------------------------------------------------------------------------

def print_grid(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}\n{'-' * len(title)}")
    for row in [header, *rows]:
        cells = [str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        print("  " + "  ".join(cells))


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def verdict(value: float, aim: float) -> str:
    return f"{value:.2f}x (aim <= {aim:g}x: {'met' if value <= aim else 'ABOVE AIM'})"


def machine_rows() -> list[tuple[str, str]]:
    return [("python", f"{platform.python_version()} ({platform.python_implementation()})"),
            ("platform", platform.platform()),
            ("cpu count", str(os.cpu_count())),
            ("feedparser", feedparser.__version__)]


# 1. End to end ----------------------------------------------------------------------

def write_config(folder: Path, feeds: list[SyntheticFeed], ports: dict[str, int], entries: int) -> Path:
    lines = ["[vigie]", 'data_dir = "data"', "", "[fetch]",
             'user_agent = "Vigie-bench/0.1 (+mailto:bench@example.org)"',
             "per_host_delay = 0", "respect_robots = true", "concurrency = 8", "retries = 0",
             "allow_private_addresses = true",
             "connect_timeout = 5", "read_timeout = 15", "total_timeout = 60",
             f"max_entries_per_feed = {max(200, entries)}", ""]
    for feed in feeds:
        lines += ["[[feeds]]", f'name = "flux-{feed.index:04d}"',
                  f'url = "http://{feed.host}:{ports[feed.host]}{feed.path}"', 'kind = "rss"', ""]
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def sites_of(feeds: list[SyntheticFeed]) -> dict[str, dict[str, Page]]:
    sites: dict[str, dict[str, Page]] = {host: {} for host in sorted({f.host for f in feeds})}
    for feed in feeds:
        sites[feed.host][feed.path] = Page(feed.body, "application/rss+xml; charset=utf-8")
    return sites


def run_pipeline(folder: Path, feeds: list[SyntheticFeed], ports: dict[str, int], entries: int,
                 profile: bool = False) -> PipelineRun:
    """One `run_fetch` over all feeds into a fresh data dir under `folder`."""
    folder.mkdir(parents=True)
    config = load_config(write_config(folder, feeds, ports, entries))
    profiler = cProfile.Profile() if profile else None
    with open_store(config.data_dir) as store:
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        reports = run_fetch(config, store, list(config.feeds))
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - start
        stored = len(store.articles)
    return PipelineRun(wall=wall, served=sum(f.entries for f in feeds), stored=stored,
                       outcomes=Counter(r.outcome for r in reports),
                       failures=[r for r in reports if r.outcome == "failed"],
                       profile=pstats.Stats(profiler) if profiler else None)


def time_feedparser(bodies: list[bytes]) -> tuple[float, int]:
    """Seconds for `feedparser.parse(io.BytesIO(body))` over all bodies, and entries read."""
    feedparser.parse(io.BytesIO(bodies[0]))  # warm-up: imports and regex compilation
    entries = 0
    start = time.perf_counter()
    for body in bodies:
        entries += len(feedparser.parse(io.BytesIO(body)).entries)
    return time.perf_counter() - start, entries


def profile_rows(stats: pstats.Stats, focus_on) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """(`focus_on` functions by inclusive time, top functions by own time)."""
    raw = stats.stats  # type: ignore[attr-defined]  # {(file, line, func): (cc, nc, tt, ct, callers)}
    total = stats.total_tt  # type: ignore[attr-defined]
    scale, digits = (1000, 1) if total < 1 else (1, 2)
    focus = []
    for suffix, func, label in focus_on:
        calls = cumulative = 0.0
        for (file, _line, name), (_cc, nc, _tt, ct, _callers) in raw.items():
            if name == func and file.replace(os.sep, "/").endswith(suffix):
                calls += nc
                cumulative += ct
        if calls:
            focus.append((label, f"{int(calls):,}", f"{cumulative * scale:.{digits}f}",
                          f"{100 * cumulative / total:.0f}%"))
    top = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:PROFILE_TOP]
    own = [(f"{_short_path(file)}:{line}({name})", f"{nc:,}", f"{tt * scale:.{digits}f}", f"{100 * tt / total:.0f}%")
           for (file, line, name), (_cc, nc, tt, _ct, _callers) in top]
    return focus, own


def _short_path(file: str) -> str:
    file = file.replace(os.sep, "/")
    for marker in ("site-packages/", "/lib/python3.11/", str(REPO).replace(os.sep, "/") + "/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def measure_rounds(workdir: Path, feeds: list[SyntheticFeed], ports: dict[str, int], entries: int,
                   rounds: int) -> tuple[list[PipelineRun], list[float], int]:
    """`rounds` x (pipeline into a fresh data dir, then bare feedparser): the two are
    interleaved so that a slow spell of the machine weighs on both."""
    runs, bare_times, bare_entries = [], [], 0
    for number in range(rounds):
        runs.append(run_pipeline(workdir / f"pipeline-{number}", feeds, ports, entries))
        bare, bare_entries = time_feedparser([f.body for f in feeds])
        bare_times.append(bare)
    return runs, bare_times, bare_entries


def report_pipeline(runs: list[PipelineRun], feeds: int, bare_times: list[float], bare_entries: int) -> float:
    wall, bare = statistics.median(r.wall for r in runs), statistics.median(bare_times)
    last = runs[-1]
    ratio = wall / bare
    rounds = f"median of {len(runs)}" if len(runs) > 1 else "1 round"
    print_table(f"1. End-to-end ingestion (fetch -> parse -> store, run_fetch wall clock, {rounds})", [
        ("feeds", f"{feeds} on {len(HOSTS)} hosts ({HOSTS[0]} ... {HOSTS[-1]}), concurrency 8"),
        ("entries served", f"{last.served:,}"),
        ("entries stored", ", ".join(f"{r.stored:,}" for r in runs) + " (per round)"),
        ("feed outcomes", ", ".join(f"{k} {v}" for k, v in sorted(last.outcomes.items()))),
        ("wall time", seconds(wall) + "  (rounds: " + ", ".join(seconds(r.wall) for r in runs) + ")"),
        ("rate", f"{last.served / wall:,.0f} entries/s"),
    ])
    for failure in [f for r in runs for f in r.failures][:10]:
        print(f"  FAILED {failure.name}: {failure.reason}")
    print_table(f"2. Bare feedparser on the same bodies (feedparser.parse(io.BytesIO(body)), {rounds})", [
        ("entries parsed", f"{bare_entries:,}"),
        ("time", seconds(bare) + "  (rounds: " + ", ".join(seconds(b) for b in bare_times) + ")"),
        ("rate", f"{bare_entries / bare:,.0f} entries/s"),
        ("pipeline / feedparser", verdict(ratio, RATIO_AIM) + "  (per round: "
         + ", ".join(f"{r.wall / b:.2f}" for r, b in zip(runs, bare_times)) + ")"),
    ])
    return ratio


def report_profile(stats: pstats.Stats, what: str, focus_on) -> None:
    focus, own = profile_rows(stats, focus_on)
    total = stats.total_tt  # type: ignore[attr-defined]
    unit = "ms" if total < 1 else "s"
    print(f"\n   Profile of {what} under cProfile (total {seconds(total)}, profiling inflates times)")
    print_grid("   Where the time goes (inclusive time, nested entries overlap)",
               ("function", "calls", unit, "share"), focus)
    print_grid(f"   Top {PROFILE_TOP} functions by own time", ("function", "calls", unit, "share"), own)


# 3. Store cost vs history --------------------------------------------------------------

def build_history(data_dir: Path, total: int, seed: int, now: dt.datetime) -> float:
    """Fill a store with `total` articles over 52 weekly segments, one write per week."""
    start = time.perf_counter()
    with open_store(data_dir) as store:
        for batch in history_by_week(total, HISTORY_WEEKS, seed, now):
            with store.writing():
                store.articles.add(batch)
    return time.perf_counter() - start


def time_new_batch(data_dir: Path, text: FrenchText, first: int, now: dt.datetime,
                   profiler: cProfile.Profile | None = None) -> tuple[float, float, int]:
    """Reopen the store, force its index load, add 100 articles fetched `now`.
    Returns (open seconds, add seconds, articles before the add)."""
    batch = [build_article(text, first + n, now, tag="nouveau") for n in range(NEW_BATCH)]
    start = time.perf_counter()
    store = open_store(data_dir)
    before = len(store.articles)
    opened = time.perf_counter()
    if profiler:
        profiler.enable()
    with store.writing():
        added = store.articles.add(batch)
    if profiler:
        profiler.disable()
    done = time.perf_counter()
    assert len(added) == NEW_BATCH, f"expected {NEW_BATCH} new articles, {len(added)} were new"
    return opened - start, done - opened, before


def disk_usage(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def measure_store(workdir: Path, history: int, repeats: int, seed: int,
                  now: dt.datetime) -> tuple[StoreRun, StoreRun, float, Path, FrenchText]:
    text = FrenchText(random.Random(seed + 1))
    empty = StoreRun("empty store", 0)
    for rep in range(repeats):  # a fresh empty store each time
        opened, added, _ = time_new_batch(workdir / f"empty-{rep}", text, rep * NEW_BATCH, now)
        empty.open_times.append(opened)
        empty.add_times.append(added)
    full_dir = workdir / "history"
    build_time = build_history(full_dir, history, seed, now)
    full = StoreRun(f"store with {history:,} articles", history)
    for rep in range(repeats):  # the same store, reopened each time (one fetch cycle = one process)
        opened, added, _ = time_new_batch(full_dir, text, (repeats + rep) * NEW_BATCH, now)
        full.open_times.append(opened)
        full.add_times.append(added)
    for run, folder in ((empty, workdir / "empty-0"), (full, full_dir)):
        run.disk_bytes, run.disk_files = disk_usage(folder)
    return empty, full, build_time, full_dir, text


def profile_store_add(data_dir: Path, text: FrenchText, first: int, now: dt.datetime) -> pstats.Stats:
    profiler = cProfile.Profile()
    time_new_batch(data_dir, text, first, now, profiler)
    return pstats.Stats(profiler)


def report_store(empty: StoreRun, full: StoreRun, build_time: float, repeats: int) -> float:
    ratio = statistics.median(full.add_times) / statistics.median(empty.add_times)
    rows = [(run.label, seconds(statistics.median(run.open_times)), seconds(statistics.median(run.add_times)),
             seconds(min(run.add_times)), seconds(max(run.add_times)),
             f"{run.disk_bytes / 1e6:,.1f} MB in {run.disk_files} files")
            for run in (empty, full)]
    print_grid(f"3. Store cost vs history: add {NEW_BATCH} articles fetched now "
               f"(with store.writing(), median of {repeats}, store reopened each time)",
               ("store", "open+index", "add (median)", "add (min)", "add (max)", "on disk"), rows)
    print(f"  history built in {build_time:.1f} s ({HISTORY_WEEKS} weekly writes);"
          f" per article on disk: {full.disk_bytes / max(full.articles_before, 1):,.0f} bytes")
    print(f"  add with history / add to empty store: {verdict(ratio, STORE_AIM)}")
    return ratio


# Main ------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200, help="feeds served (default 200)")
    parser.add_argument("--entries", type=int, default=50, help="entries per feed (default 50)")
    parser.add_argument("--history", type=int, default=50_000, help="articles already stored (default 50,000)")
    parser.add_argument("--rounds", type=int, default=3, help="pipeline + feedparser rounds (default 3)")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions of the 100-article add (default 5)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="tiny smoke run: 20 feeds, 5,000 history")
    parser.add_argument("--profile", action="store_true", help="profile the pipeline even when within aim")
    parser.add_argument("--vs-reader", action="store_true",
                        help="only run cases A and B side by side with lemon24/reader (see bench/vs_reader.py)")
    parser.add_argument("--reader-python", default="/tmp/readervenv/bin/python", metavar="PYTHON",
                        help="a Python that can import reader (default /tmp/readervenv/bin/python)")
    parser.add_argument("--vigie-root", default=str(REPO), metavar="DIR",
                        help="with --vs-reader: run.py of this checkout (e.g. an older commit, to compare)")
    parser.add_argument("--case", dest="cases", action="append", choices=("A", "B"),
                        help="with --vs-reader: this case only (repeatable; default both)")
    args = parser.parse_args(argv)
    args.cases = args.cases or ["A", "B"]
    if args.vs_reader and "--rounds" not in (argv if argv is not None else sys.argv[1:]):
        args.rounds = 1
    if args.quick:
        args.feeds, args.history = min(args.feeds, 20), min(args.history, 5_000)
        args.rounds, args.repeats = 1, min(args.repeats, 3)
    if min(args.feeds, args.entries, args.rounds, args.repeats) < 1 or args.history < 0:
        parser.error("--feeds, --entries, --rounds and --repeats must be positive, --history non-negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    now = dt.datetime.now(dt.timezone.utc)
    if args.vs_reader:
        from bench import vs_reader
        print("Vigie vs lemon24/reader")
        print_table("Machine", machine_rows())
        with tempfile.TemporaryDirectory(prefix="vigie-vs-reader-") as tmp:
            return vs_reader.main(args, Path(tmp), now)
    print("Vigie ingestion benchmark")
    print_table("Machine", machine_rows() + [
        ("run", f"{args.feeds} feeds x {args.entries} entries, {args.rounds} round(s), "
                f"history {args.history:,}, seed {args.seed}")])
    feeds = build_feeds(args.feeds, args.entries, HOSTS, args.seed, now)
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        workdir = Path(tmp)
        with serve_in_subprocess(sites_of(feeds)) as ports:
            runs, bare_times, bare_entries = measure_rounds(workdir, feeds, ports, args.entries, args.rounds)
            ratio = report_pipeline(runs, args.feeds, bare_times, bare_entries)
            if ratio > RATIO_AIM or args.profile:
                profiled = run_pipeline(workdir / "pipeline-profiled", feeds, ports, args.entries, profile=True)
                report_profile(profiled.profile, "a second run_fetch", PROFILE_FOCUS)  # type: ignore[arg-type]
        empty, full, build_time, full_dir, text = measure_store(workdir / "store", args.history, args.repeats,
                                                                args.seed, now)
        if report_store(empty, full, build_time, args.repeats) > STORE_AIM or args.profile:
            stats = profile_store_add(full_dir, text, 2 * args.repeats * NEW_BATCH, now)
            report_profile(stats, f"one more {NEW_BATCH}-article add with history", STORE_FOCUS)
    print(f"\nTotal benchmark time: {time.perf_counter() - began:.1f} s")
    return 1 if any(r.failures or r.stored < r.served for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
