"""`bench/ingest.py --vs-reader`: Vigie's `run.py fetch` and lemon24/reader side by side
on the same synthetic feeds, served over HTTP from a child process on loopback hosts.

    .venv/bin/python bench/ingest.py --vs-reader --reader-python /tmp/readervenv/bin/python

Two cases, as in issue 12:

- A: 200 feeds x 50 entries on 50 hosts, no latency; Vigie with `concurrency = 16`,
  `per_host_delay = 0`, other settings default;
- B: 50 feeds x 20 entries on 50 hosts plus one broken feed (HTTP 500) on its own host,
  every answer 200 ms late; Vigie with `concurrency = 16`, other settings default
  (robots.txt honoured, 1 s between two requests to one host, 2 retries).

Each side runs as a whole process into an empty database (start-up, imports and, for
Vigie, triage labelling included): reader via `reader_run.py` with 16 workers in the
Python given by `--reader-python`, Vigie via `run.py fetch`. Vigie runs twice per round:
"cold" (nothing known, robots.txt fetched) and "warm robots" (the robots.txt answers of
the cold run kept, articles not). Printed: wall times, the ratio Vigie / reader, and the
peak memory (ru_maxrss) of each process.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.server import Page, serve_in_subprocess
from bench.synthetic import SyntheticFeed, build_feeds

REPO = Path(__file__).resolve().parent.parent
HOSTS = [f"127.0.0.{n}" for n in range(2, 52)]        # 50 loopback hosts
BROKEN_HOST = "127.0.0.52"
BROKEN_PATH = "/flux/casse.xml"
PROFILE_TOP = 40


@dataclass(frozen=True)
class Case:
    name: str
    feeds: int
    entries: int
    latency: float
    broken: bool
    fetch: dict                                        # Vigie's [fetch] settings beyond the defaults


CASES = {
    "A": Case("A: 200 feeds x 50 entries, no latency, concurrency 16, per_host_delay 0",
              200, 50, 0.0, False, {"concurrency": 16, "per_host_delay": 0}),
    "B": Case("B: 51 feeds x 20 entries on 50 hosts + 1 broken, 200 ms latency, concurrency 16",
              50, 20, 0.2, True, {"concurrency": 16}),
}


@dataclass
class Run:
    wall: float
    maxrss_mib: float
    entries: int
    failed: int
    detail: str = ""


def sites(feeds: list[SyntheticFeed], broken: bool) -> dict[str, dict[str, Page]]:
    served: dict[str, dict[str, Page]] = {host: {} for host in HOSTS}
    for feed in feeds:
        served[feed.host][feed.path] = Page(feed.body, "application/rss+xml; charset=utf-8")
    if broken:
        served[BROKEN_HOST] = {BROKEN_PATH: Page(b"internal error", "text/plain", status=500)}
    return served


def urls(feeds: list[SyntheticFeed], ports: dict[str, int], broken: bool) -> list[str]:
    found = [f"http://{f.host}:{ports[f.host]}{f.path}" for f in feeds]
    if broken:
        found.append(f"http://{BROKEN_HOST}:{ports[BROKEN_HOST]}{BROKEN_PATH}")
    return found


def write_vigie_config(folder: Path, case: Case, feed_urls: list[str]) -> Path:
    settings = {"user_agent": '"Vigie-bench/0.1 (+mailto:bench@example.org)"',
                "allow_private_addresses": "true", "max_entries_per_feed": max(200, case.entries),
                **case.fetch}
    lines = ['[vigie]', 'data_dir = "data"', '', '[fetch]'] + [f"{k} = {v}" for k, v in settings.items()] + [""]
    for n, url in enumerate(feed_urls):
        lines += ["[[feeds]]", f'name = "flux-{n:04d}"', f'url = "{url}"', 'kind = "rss"', ""]
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def timed_process(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run `command`; (wall seconds, its peak memory in MiB from wait4, its output)."""
    out_path, err_path = cwd / "stdout.txt", cwd / "stderr.txt"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = out_path.read_text() + err_path.read_text()
    return wall, usage.ru_maxrss / 1024, text


def run_vigie(folder: Path, config: Path, profile: bool = False, root: Path = REPO) -> Run:
    """`run.py fetch` of the checkout `root` as a process; with `profile`, under cProfile,
    printing where time went."""
    python = [sys.executable] + (["-m", "cProfile", "-o", str(folder / "fetch.prof")] if profile else [])
    wall, rss, out = timed_process(python + [str(root / "run.py"), "--config", str(config), "fetch"], folder)
    if profile:
        import pstats
        print(f"\n  cProfile of {folder.name} run (cumulative, top {PROFILE_TOP}):")
        pstats.Stats(str(folder / "fetch.prof")).sort_stats("cumulative").print_stats(PROFILE_TOP)
    sys.path.insert(0, str(REPO))
    from store import open_store
    store = open_store(folder / "data")
    entries = len(store.articles)
    failed = sum(1 for f in store.feeds.all() if f.last_error)
    return Run(wall, rss, entries, failed, out if entries == 0 else "")


def run_reader(python: str, folder: Path, feed_urls: list[str]) -> Run:
    listing = folder / "urls.json"
    listing.write_text(json.dumps(feed_urls), encoding="utf-8")
    wall, rss, out = timed_process([python, str(REPO / "bench" / "reader_run.py"), str(listing), "16"], folder)
    try:
        result = json.loads(out.strip().splitlines()[0])
    except (ValueError, IndexError):
        raise SystemExit(f"reader run failed:\n{out}") from None
    if "error" in result:
        raise SystemExit(result["error"])
    return Run(wall, rss, result["entries"], result["failed"], f"update_feeds {result['update']:.2f} s")


def reader_available(python: str) -> str | None:
    """None if `python` can import reader, else why not."""
    try:
        done = subprocess.run([python, "-c", "import reader; print(reader.__version__)"],
                              capture_output=True, text=True, timeout=60)
    except OSError as exc:
        return f"cannot run {python}: {exc}"
    if done.returncode != 0:
        return f"{python} cannot import reader ({done.stderr.strip().splitlines()[-1:]}); " \
               "install it in a throw-away venv: python -m venv /tmp/readervenv && " \
               "/tmp/readervenv/bin/pip install reader"
    return None


def compare(case: Case, reader_python: str, workdir: Path, rounds: int, seed: int, now,
            profile: bool = False, root: Path = REPO) -> None:
    feeds = build_feeds(case.feeds, case.entries, HOSTS, seed, now)
    readers, colds, warms = [], [], []
    with serve_in_subprocess(sites(feeds, case.broken), latency=case.latency) as ports:
        feed_urls = urls(feeds, ports, case.broken)
        for number in range(rounds):
            folder = workdir / f"{case.name[0]}-{number}"
            (folder / "reader").mkdir(parents=True)
            readers.append(run_reader(reader_python, folder / "reader", feed_urls))
            (folder / "cold").mkdir()
            colds.append(run_vigie(folder / "cold", write_vigie_config(folder / "cold", case, feed_urls), root=root))
            (folder / "warm" / "data").mkdir(parents=True)
            if (folder / "cold" / "data" / "robots.json").exists():   # an older checkout keeps none
                shutil.copy(folder / "cold" / "data" / "robots.json", folder / "warm" / "data" / "robots.json")
            warms.append(run_vigie(folder / "warm", write_vigie_config(folder / "warm", case, feed_urls), root=root))
        if profile:
            folder = workdir / f"{case.name[0]}-profiled"
            folder.mkdir()
            run_vigie(folder, write_vigie_config(folder, case, feed_urls), profile=True)
    reader = statistics.median(r.wall for r in readers)
    print(f"\n{case.name}  ({rounds} round(s), medians; whole processes; Vigie from {root})")
    rows = [("reader, 16 workers", readers), ("Vigie run.py fetch, cold", colds),
            ("Vigie run.py fetch, warm robots", warms)]
    for label, runs in rows:
        wall = statistics.median(r.wall for r in runs)
        last = runs[-1]
        ratio = "" if runs is readers else f"  ratio {wall / reader:.2f}x reader"
        print(f"  {label:<34} {wall:6.2f} s{ratio}  (rounds: {', '.join(f'{r.wall:.2f}' for r in runs)};"
              f" entries {last.entries:,}, failed feeds {last.failed}, peak memory {last.maxrss_mib:.0f} MiB"
              + (f"; {last.detail}" if last.detail else "") + ")")


def main(args, workdir: Path, now) -> int:
    problem = reader_available(args.reader_python)
    if problem:
        print(f"--vs-reader: {problem}")
        return 2
    for key in args.cases:
        compare(CASES[key], args.reader_python, workdir, args.rounds, args.seed, now, args.profile,
                Path(args.vigie_root).resolve())
    return 0
