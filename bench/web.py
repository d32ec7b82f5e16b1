"""Web front benchmark: requests/s and latency of the one-click unsubscribe and of an
archive page, against `run.py serve` on loopback with 10,000 subscribers stored, while
the weekly digest is being sent.

    .venv/bin/python bench/web.py                 # 10,000 subscribers, 10 s per endpoint
    .venv/bin/python bench/web.py --quick         # 1,000 subscribers, 3 s per endpoint

1. A temp data dir holds a year of articles (bench/serve_data.py) and N e-mail
   subscribers (confirmed, mixed filters); the week just ended is not sent yet, and its
   archive page is written.
2. `run.py serve` runs as a subprocess (no Telegram token), `[email]` on a counting SMTP
   sink (bench/smtp_sink.py, a child process), `[web] listen` on 127.0.0.1. Its start-up
   catch-up sends the week's digest to every subscriber.
3. As soon as the sink has taken the first digest e-mail, `--concurrency` clients (aiohttp,
   in this process) hit `POST /desabonnement?jeton=T` (RFC 8058 body; each token once,
   then again: idempotent) for `--seconds`, then `GET /archives/<week>.html`.
4. Prints requests/s, median and p95 latency, errors, and how many digest e-mails went out
   during each run (proof the send was under way). SIGTERM at the end; exit 1 only when
   the run went wrong. Only loopback addresses; every wait has a deadline.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() not in (HERE, REPO)]

import aiohttp  # noqa: E402

from bench.serve_data import year_history  # noqa: E402
from bench.smtp_sink import counting_smtp_sink  # noqa: E402
from digest.archive import write_archive  # noqa: E402
from digest.build import build_week  # noqa: E402
from digest.weeks import previous_week  # noqa: E402
from domain.regions import REGION_CODES  # noqa: E402
from domain.themes import THEME_CODES  # noqa: E402
from store import Subscriber, open_store  # noqa: E402

START_TIMEOUT = 60
SEND_START_TIMEOUT = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(data_dir: Path, subscribers: int, articles: int, seed: int) -> tuple[str, list[str]]:
    now = dt.datetime.now(dt.timezone.utc)
    week = previous_week(now, "Europe/Paris")
    rng = random.Random(seed)
    tokens = []
    with open_store(data_dir) as store:
        with store.writing():
            store.articles.add(year_history(articles, now, seed))
        subs = []
        for n in range(subscribers):
            token = f"{n:06d}-" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", k=26))
            tokens.append(token)
            subs.append(Subscriber(id=f"em-bench{n}@example.org", channel="email", address=f"bench{n}@example.org",
                                   regions=rng.sample(REGION_CODES, rng.choice([0, 1, 2])),
                                   themes=rng.sample(THEME_CODES, rng.choice([0, 0, 2, 3])),
                                   created=now.isoformat(), unsubscribe_token=token))
        with store.writing():
            store.subscribers.put_many(subs)
        with store.writing():
            write_archive(data_dir / "web", build_week(store, week))
    return week, tokens


async def hammer(url_of, method: str, seconds: float, concurrency: int, body: bytes | None):
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    deadline = time.monotonic() + seconds
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        async def worker():
            nonlocal errors
            while time.monotonic() < deadline:
                url = url_of(next(counter))
                started = time.perf_counter()
                try:
                    async with session.request(method, url, data=body, headers=headers) as response:
                        await response.read()
                        ok = response.status == 200
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok
        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    return latencies, errors, elapsed


def report(name: str, latencies: list[float], errors: int, elapsed: float, sent: int) -> None:
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
    print(f"{name}: {len(latencies)} requests in {elapsed:.1f} s = {len(latencies) / elapsed:.0f} req/s; "
          f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms; errors {errors}; "
          f"digest e-mails sent meanwhile: {sent}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.quick:
        args.subscribers, args.articles, args.seconds = 1_000, 3_000, 3.0
    with tempfile.TemporaryDirectory(prefix="vigie-bench-web-") as tmp, counting_smtp_sink(900) as sink:
        root = Path(tmp)
        t0 = time.monotonic()
        week, tokens = prepare(root / "data", args.subscribers, args.articles, args.seed)
        print(f"store: {args.subscribers} subscribers, {args.articles} articles, week {week} "
              f"({time.monotonic() - t0:.1f} s to build)")
        port = free_port()
        config = root / "config.toml"
        config.write_text(f'[vigie]\ndata_dir = "{root / "data"}"\n\n[web]\nlisten = "127.0.0.1:{port}"\n'
                          f'base_url = "https://veille.example.org"\n\n[email]\nhost = "127.0.0.1"\n'
                          f'port = {sink.port}\nsecurity = "none"\nfrom_address = "veille@example.org"\n',
                          encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "VIGIE_TELEGRAM_TOKEN"}
        proc = subprocess.Popen([sys.executable, str(REPO / "run.py"), "--config", str(config), "serve",
                                 "--no-fetch-at-start"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + SEND_START_TIMEOUT
            while sink.stats().messages == 0:
                if proc.poll() is not None or time.monotonic() > deadline:
                    print("error: serve did not start sending the digest", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            print(f"digest sending (first e-mail after {time.monotonic() - t0:.1f} s)")
            before = sink.stats().messages
            result = asyncio.run(hammer(lambda i: f"{base}/desabonnement?jeton={tokens[i % len(tokens)]}", "POST",
                                        args.seconds, args.concurrency, b"List-Unsubscribe=One-Click"))
            middle = sink.stats().messages
            report("POST /desabonnement (one-click)", *result, middle - before)
            result = asyncio.run(hammer(lambda i: f"{base}/archives/{week}.html", "GET", args.seconds,
                                        args.concurrency, None))
            after = sink.stats().messages
            report(f"GET /archives/{week}.html", *result, after - middle)
            print(f"machine: {os.cpu_count()} CPUs; server, load generator and SMTP sink share them")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(120)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
