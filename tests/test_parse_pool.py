"""Feeds parsed in worker processes (scrapers/parse_pool.py): the same result as in
process, parse errors passed on, a dead worker replaced by parsing in a thread, and a
whole cycle of many feeds stored with the pool and without it."""
from __future__ import annotations

import asyncio

import pytest

from pipeline.fetch import run_fetch
from scrapers.feed_parser import ParseError, parse_feed
from scrapers.parse_pool import ParsePool
from store import open_store
from tests.conftest import fixture_bytes
from tests.httpserver import Reply

RSS = {"Content-Type": "application/rss+xml"}
URL = "http://127.0.0.1/rss.xml"


def parse_in(pool_workers: int, body: bytes, kill_first: bool = False):
    async def run():
        async with ParsePool(pool_workers) as pool:
            if kill_first:
                for worker in pool._all:   # our own object: simulate a worker killed by the system
                    worker.process.kill()
                    await worker.process.wait()
            parsed = await pool.parse(body, "application/rss+xml", URL, 200)
            processes = [w.process for w in pool._all]
        return parsed, processes
    return asyncio.run(run())


def test_a_worker_parses_as_the_parser_does_in_process():
    body = fixture_bytes("rss_forum.xml")
    parsed, processes = parse_in(1, body)
    assert parsed == parse_feed(body, "application/rss+xml", URL, 200)
    assert len(parsed.entries) == 2
    assert processes and all(p.returncode is not None for p in processes)   # gone with the pool


def test_a_parse_error_in_a_worker_is_raised_with_its_message():
    with pytest.raises(ParseError) as direct:
        parse_feed(b"<html><body>not a feed</body></html>", "application/rss+xml", URL, 200)
    with pytest.raises(ParseError) as pooled:
        parse_in(1, b"<html><body>not a feed</body></html>")
    assert str(pooled.value) == str(direct.value)


def test_a_dead_worker_costs_nothing_but_speed():
    body = fixture_bytes("rss_forum.xml")
    parsed, _ = parse_in(1, body, kill_first=True)
    assert len(parsed.entries) == 2


def test_no_worker_parses_in_a_thread():
    parsed, processes = parse_in(0, fixture_bytes("rss_forum.xml"))
    assert len(parsed.entries) == 2 and processes == []


@pytest.mark.parametrize("workers", [1, 0])
def test_a_cycle_of_many_feeds_is_stored_whole_with_or_without_workers(server, make_config, workers):
    body = fixture_bytes("rss_forum.xml")
    feeds = ""
    for n in range(10):   # enough feeds for the pool to be used
        unique = body.replace(b"echo-cotentin.example/", f"echo{n}.example/".encode())
        server.route(f"/f{n}.xml", Reply(body=unique, headers=RSS))
        feeds += f'\n[[feeds]]\nname = "F{n}"\nurl = "{server.url(f"/f{n}.xml")}"\nkind = "rss"\n'
    server.route("/bad.xml", Reply(body=b"<html>no feed</html>", headers={"Content-Type": "text/html"}))
    feeds += f'\n[[feeds]]\nname = "Bad"\nurl = "{server.url("/bad.xml")}"\nkind = "rss"\n'
    config = make_config(feeds, {"parse_workers": workers})
    with open_store(config.data_dir) as store:
        reports = {r.name: r for r in run_fetch(config, store, list(config.feeds))}
        stored = len(store.articles)
    assert all(reports[f"F{n}"].outcome == "new" and reports[f"F{n}"].new == 2 for n in range(10))
    assert stored == 20
    assert reports["Bad"].outcome == "failed" and "no entries could be read" in reports["Bad"].reason
