"""Hostile or broken sources: a slowloris source never holds the others, deadlines stop
it, a killed cycle keeps what finished, robots.txt answering 5xx means "disallow all"."""
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.fetch import run_fetch
from store import open_store
from tests.conftest import fixture_bytes
from tests.httpserver import Reply
from tests.slow_server import SlowServer

ROOT = Path(__file__).resolve().parent.parent
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def slow():
    srv = SlowServer(interval=0.2)
    yield srv
    srv.close()


def feeds(healthy_url: str, slow_url: str) -> str:
    return (f'\n[[feeds]]\nname = "Sain"\nurl = "{healthy_url}"\n'
            f'\n[[feeds]]\nname = "Lent"\nurl = "{slow_url}"\n')


def stored_count(data_dir: Path) -> int:
    if not (data_dir / "articles").exists():
        return 0
    return len(open_store(data_dir).articles)


def test_healthy_source_is_stored_in_seconds_while_another_hangs_and_survives_a_kill(
        server, slow, make_config):
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    # the slow source would hold a cycle for (retries + 1) x total_timeout = 120 s
    config = make_config(feeds(server.url("/rss.xml"), slow.url("/rss.xml")),
                         {"total_timeout": 60, "read_timeout": 2, "retries": 1})
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "--config", str(config.path), "fetch"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        start = time.monotonic()
        while stored_count(config.data_dir) < 2 and time.monotonic() - start < 20:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        stored_after = time.monotonic() - start
        assert stored_count(config.data_dir) == 2
        assert stored_after < 15, stored_after            # python start-up included (the slow one takes 120 s)
        assert proc.poll() is None and slow.requests >= 1  # the slow source is still hanging
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    store = open_store(config.data_dir)
    assert len(store.articles) == 2
    assert store.feeds.get("Sain").last_success is not None
    assert store.feeds.get("Lent").last_checked is None      # never finished: nothing recorded


def test_source_deadline_stops_a_slowloris_source(server, slow, make_config):
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feeds(server.url("/rss.xml"), slow.url("/rss.xml")),
                         {"total_timeout": 60, "read_timeout": 2, "retries": 2, "source_timeout": 1.5})
    done_at = {}
    start = time.monotonic()
    with open_store(config.data_dir) as store:
        reports = run_fetch(config, store, list(config.feeds), now=NOW,
                            on_done=lambda r: done_at.setdefault(r.feed.name, time.monotonic() - start))
        states = {name: store.feeds.get(name) for name in ("Sain", "Lent")}
        count = len(store.articles)
    elapsed = time.monotonic() - start
    by_name = {r.name: r for r in reports}
    assert elapsed < 5, elapsed
    assert done_at["Sain"] < 1.5 < done_at["Lent"]
    assert by_name["Sain"].outcome == "new" and count == 2
    assert by_name["Lent"].outcome == "failed"
    assert "stopped at the deadline (source_timeout = 1.5 s" in by_name["Lent"].reason
    assert states["Lent"].consecutive_failures == 1 and states["Lent"].last_error.startswith("stopped at")


def test_cycle_deadline_stops_every_source_still_running(server, slow, make_config):
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feeds(server.url("/rss.xml"), slow.url("/rss.xml")),
                         {"total_timeout": 60, "read_timeout": 2, "source_timeout": 600, "cycle_timeout": 1})
    start = time.monotonic()
    with open_store(config.data_dir) as store:
        reports = {r.name: r for r in run_fetch(config, store, list(config.feeds), now=NOW)}
    assert time.monotonic() - start < 4
    assert reports["Sain"].new == 2
    assert reports["Lent"].outcome == "failed" and "cycle_timeout = 1 s" in reports["Lent"].reason


def test_html_source_at_its_deadline_keeps_the_pages_read_and_rereads_the_listing_next_time(
        server, make_config):
    page = (b"<html><body><article><h1>Forum emploi soignant</h1><p>"
            + b"Un forum pour recruter des aides-soignants. " * 20 + b"</p></article></body></html>")
    links = ["/a1", "/a2", "/a3", "/a4"]
    items = "".join(f'<div class="item"><h2><a href="{href}">Titre {n}</a></h2></div>' for n, href in enumerate(links))
    server.route("/news", Reply(body=f"<html><body>{items}</body></html>".encode(),
                                headers={**HTML, "ETag": '"v1"'}))
    for path in ("/a1", "/a2", "/a4"):
        server.route(path, Reply(body=page, headers=HTML))
    server.route("/a3", Reply(body=page, headers=HTML, delay=30))   # hangs until the deadline
    config = make_config('\n[[feeds]]\nname = "Agence"\nurl = "' + server.url("/news") + '"\nkind = "html"\n'
                         'selectors = { items = ".item", link = "a", title = "h2" }\n',
                         {"total_timeout": 60, "read_timeout": 60, "source_timeout": 1.5})
    with open_store(config.data_dir) as store:
        reports = {r.name: r for r in run_fetch(config, store, list(config.feeds), now=NOW)}
        urls = sorted(a.url for a in store.articles.iter())
        state = store.feeds.get("Agence")
    report = reports["Agence"]
    assert report.outcome == "new" and report.new == 2
    assert urls == [server.url("/a1"), server.url("/a2")]
    assert report.warnings[0].startswith("stopped at the deadline") and "2 new articles" in report.warnings[0]
    assert state.etag is None          # not kept: the next cycle reads the listing again


def test_robots_txt_answering_5xx_means_disallow_all(server, make_config):
    server.route("/robots.txt", Reply(503, b"down"))
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(f'\n[[feeds]]\nname = "Echo"\nurl = "{server.url("/rss.xml")}"\n')
    with open_store(config.data_dir) as store:
        report = run_fetch(config, store, list(config.feeds), now=NOW)[0]
    assert report.outcome == "failed" and "robots.txt answered HTTP 503" in report.reason
    assert server.hits_for("/rss.xml") == []


def test_robots_txt_answering_4xx_means_allow_all(server, make_config):
    server.route("/robots.txt", Reply(403, b"no"))
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(f'\n[[feeds]]\nname = "Echo"\nurl = "{server.url("/rss.xml")}"\n')
    with open_store(config.data_dir) as store:
        report = run_fetch(config, store, list(config.feeds), now=NOW)[0]
    assert report.outcome == "new" and report.new == 2
