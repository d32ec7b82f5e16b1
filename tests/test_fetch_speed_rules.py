"""The fetch cycle's rules that keep it short without being less polite: robots.txt kept
per origin across cycles with its expiry (RFC 9309), and retries of failing sources
made beside the other sources (or left to the next cycle) instead of holding it open."""
from __future__ import annotations

import dataclasses
import json
import time

from config.schema import FetchSettings
from pipeline.fetch import run_fetch
from store import open_store
from tests.conftest import fixture_bytes
from tests.httpserver import FixtureServer, Hit, Reply

RSS = {"Content-Type": "application/rss+xml"}
ROBOTS = b"User-agent: *\nDisallow: /prive/\n"


def feed_toml(name: str, url: str) -> str:
    return f'\n[[feeds]]\nname = "{name}"\nurl = "{url}"\nkind = "rss"\n'


def cycle(config, on_done=None):
    with open_store(config.data_dir) as store:
        return {r.name: r for r in run_fetch(config, store, list(config.feeds), on_done=on_done)}


def robots_file(config) -> dict:
    return json.loads((config.data_dir / "robots.json").read_text())["origins"]


# robots.txt cache ------------------------------------------------------------------

def test_robots_txt_is_asked_once_for_two_cycles_and_kept_24_hours(server, make_config):
    server.route("/robots.txt", Reply(body=ROBOTS, headers={"Content-Type": "text/plain"}))
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    server.route("/prive/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Echo", server.url("/rss.xml"))
                         + feed_toml("Prive", server.url("/prive/rss.xml")))
    before = time.time()
    first = cycle(config)
    second = cycle(config)
    assert len(server.hits_for("/robots.txt")) == 1
    for reports in (first, second):   # the kept rules still apply
        assert reports["Prive"].outcome == "failed" and "robots.txt" in reports["Prive"].reason
        assert reports["Echo"].outcome != "failed"
    [entry] = robots_file(config).values()
    assert entry["verdict"] == "rules" and entry["status"] == 200
    assert before + 24 * 3600 - 5 < entry["expires"] <= time.time() + 24 * 3600


def test_robots_txt_is_asked_again_once_its_max_age_has_passed(server, make_config):
    server.route("/robots.txt", Reply(body=ROBOTS, headers={"Content-Type": "text/plain",
                                                            "Cache-Control": "public, max-age=1"}))
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    cycle(config)
    cycle(config)
    assert len(server.hits_for("/robots.txt")) == 1
    time.sleep(1.2)
    cycle(config)
    assert len(server.hits_for("/robots.txt")) == 2


def test_a_max_age_beyond_24_hours_is_capped(server, make_config):
    server.route("/robots.txt", Reply(body=ROBOTS, headers={"Cache-Control": "max-age=999999"}))
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    cycle(config)
    [entry] = robots_file(config).values()
    assert entry["expires"] <= time.time() + 24 * 3600


def test_robots_txt_answering_5xx_is_kept_briefly_as_disallow_all(server, make_config):
    server.route("/robots.txt", Reply(503, b"down"))
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    for _ in range(2):
        report = cycle(config)["Echo"]
        assert report.outcome == "failed" and "robots.txt answered HTTP 503" in report.reason
    assert len(server.hits_for("/robots.txt")) == 1 and not server.hits_for("/rss.xml")
    [entry] = robots_file(config).values()
    assert entry["verdict"] == "disallow" and entry["expires"] <= time.time() + 600


def test_robots_txt_answering_4xx_is_kept_as_allow_all(server, make_config):
    server.route("/robots.txt", Reply(404, b"none"))
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    assert cycle(config)["Echo"].outcome == "new"
    assert cycle(config)["Echo"].outcome == "unchanged"
    assert len(server.hits_for("/robots.txt")) == 1
    assert [e["verdict"] for e in robots_file(config).values()] == ["allow"]


def test_an_unreadable_robots_cache_file_is_ignored_and_replaced(server, make_config):
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    config.data_dir.mkdir(parents=True, exist_ok=True)
    (config.data_dir / "robots.json").write_text("{not json")
    assert cycle(config)["Echo"].outcome == "new"
    assert len(robots_file(config)) == 1


def test_the_first_request_follows_robots_txt_without_the_per_host_delay(server, make_config):
    server.route("/robots.txt", Reply(body=ROBOTS))
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    server.route("/autre.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")) + feed_toml("Autre", server.url("/autre.xml")),
                         {"per_host_delay": 3})
    start = time.monotonic()
    reports = cycle(config)
    elapsed = time.monotonic() - start
    assert [h.path for h in server.hits][0] == "/robots.txt" and len(server.hits) == 3
    assert all(r.outcome != "failed" for r in reports.values())
    assert 3 <= elapsed < 5.5, elapsed   # one delay, between the two feeds; none after robots.txt


def test_robots_txt_requests_do_not_hold_the_slots_of_pages(make_config):
    """With one slot for pages, a site's page is fetched while another site's robots.txt
    is still on its way: robots.txt requests have slots of their own."""
    first, second = FixtureServer(), FixtureServer()   # two origins (two ports)
    try:
        times: dict[str, float] = {}

        def noted(name: str, reply: Reply):
            def answer(_hit: Hit) -> Reply:
                times[name] = time.monotonic()
                return reply
            return answer
        first.route("/robots.txt", noted("robots 1", Reply(body=ROBOTS, delay=0.3)))
        first.route("/rss.xml", noted("page 1", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS)))
        second.route("/robots.txt", noted("robots 2", Reply(body=ROBOTS, delay=0.8)))
        second.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
        config = make_config(feed_toml("Un", first.url("/rss.xml")) + feed_toml("Deux", second.url("/rss.xml")),
                             {"concurrency": 1})
        reports = cycle(config)
        assert all(r.outcome == "new" for r in reports.values()), reports
        assert times["page 1"] < times["robots 2"] + 0.7, times   # not after robots 2 answered
    finally:
        first.close()
        second.close()


# Deferred retries ------------------------------------------------------------------

def timed(replies: list[Reply], times: list[float]):
    """A route answering `replies` in turn (the last repeating), noting when each hit came."""
    def answer(_hit: Hit) -> Reply:
        times.append(time.monotonic())
        return replies[min(len(times), len(replies)) - 1]
    return answer


def test_a_broken_source_is_retried_after_the_others_without_holding_the_cycle(server, make_config):
    body = fixture_bytes("rss_forum.xml")
    for n in range(3):   # healthy sources, each taking a little while
        server.route(f"/ok{n}.xml", Reply(body=body.replace(b"echo-cotentin.example/", f"echo{n}.example/".encode()),
                                          headers=RSS, delay=0.3))
    broken: list[float] = []
    server.route("/broken.xml", timed([Reply(500, b"oops")], broken))
    config = make_config("".join(feed_toml(f"Ok{n}", server.url(f"/ok{n}.xml")) for n in range(3))
                         + feed_toml("Broken", server.url("/broken.xml")),
                         {"retries": 2, "backoff": 1.5, "retry_window": 1.5, "concurrency": 4})
    done_at: dict[str, float] = {}
    start = time.monotonic()
    reports = cycle(config, on_done=lambda r: done_at.setdefault(r.feed.name, time.monotonic()))
    elapsed = time.monotonic() - start
    # with in-place retries the cycle lasted backoff x (1 + 2) = 4.5 s at least
    assert elapsed < 3.5, elapsed
    assert len(broken) == 2                              # the first retry happened, in this cycle
    assert broken[1] - broken[0] >= 1.5 - 0.05           # after its backoff
    assert all(done_at[f"Ok{n}"] < broken[1] for n in range(3))   # the others were done before
    report = reports["Broken"]
    assert report.outcome == "failed" and report.attempts == 2
    assert "HTTP 500" in report.reason and "tried 2 times" in report.reason
    assert "left to the next cycle" in report.reason
    assert all(reports[f"Ok{n}"].outcome == "new" for n in range(3))


def test_a_source_failing_early_is_retried_while_the_others_are_fetched(server, make_config):
    """Its backoff runs beside the slow source, not after it: the retry, made before the
    slow source is done, succeeds in this cycle although `retry_window` is 0."""
    slow = FixtureServer()     # another origin, so that its request does not queue behind the flaky one
    try:
        slow.route("/slow.xml", Reply(body=fixture_bytes("rss_forum.xml").replace(b"echo-cotentin.example/",
                                                                                  b"slow.example/"),
                                      headers=RSS, delay=0.8))   # under read_timeout (1 s)
        flaky: list[float] = []
        server.route("/flaky.xml", timed([Reply(503, b"busy"), Reply(body=fixture_bytes("rss_forum.xml"),
                                                                     headers=RSS)], flaky))
        config = make_config(feed_toml("Slow", slow.url("/slow.xml")) + feed_toml("Flaky", server.url("/flaky.xml")),
                             {"retries": 1, "backoff": 0.2, "retry_window": 0})
        done_at: dict[str, float] = {}
        reports = cycle(config, on_done=lambda r: done_at.setdefault(r.feed.name, time.monotonic()))
    finally:
        slow.close()
    assert reports["Flaky"].outcome == "new" and reports["Flaky"].attempts == 2
    assert reports["Flaky"].warnings[0].startswith("failed first (HTTP 503")
    assert flaky[1] - flaky[0] >= 0.2 - 0.05 and flaky[1] < done_at["Slow"]
    assert reports["Slow"].outcome == "new"


def test_by_default_a_retry_due_after_the_other_sources_is_left_to_the_next_cycle(server, make_config):
    """With the shipped `retry_window` (0) the cycle ends with the last first attempt."""
    server.route("/rss.xml", Reply(500, b"oops"))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")), {"retries": 2, "backoff": 2})
    config = dataclasses.replace(config, fetch=dataclasses.replace(config.fetch,
                                                                   retry_window=FetchSettings().retry_window))
    start = time.monotonic()
    report = cycle(config)["Echo"]
    assert time.monotonic() - start < 1.5
    assert len(server.hits_for("/rss.xml")) == 1
    assert report.outcome == "failed" and "left to the next cycle" in report.reason


def test_a_source_recovering_on_its_deferred_retry_is_stored_and_says_so(server, make_config):
    server.route("/rss.xml", [Reply(503, b"busy"), Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS)])
    config = make_config(feed_toml("Echo", server.url("/rss.xml")), {"retries": 1, "backoff": 0.1})
    report = cycle(config)["Echo"]
    assert report.outcome == "new" and report.new == 2 and report.attempts == 2
    assert report.warnings[0].startswith("failed first (HTTP 503")


def test_retries_exhausted_within_the_window_are_reported(server, make_config):
    server.route("/rss.xml", Reply(502, b"bad gateway"))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")),
                         {"retries": 2, "backoff": 0.1, "retry_window": 5})
    report = cycle(config)["Echo"]
    assert len(server.hits_for("/rss.xml")) == 3
    assert report.outcome == "failed" and "tried 3 times" in report.reason
    assert "next cycle" not in report.reason


def test_a_retry_after_beyond_the_window_is_left_to_the_next_cycle(server, make_config):
    server.route("/rss.xml", Reply(503, b"maintenance", {"Retry-After": "30"}))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")), {"retry_window": 1})
    start = time.monotonic()
    report = cycle(config)["Echo"]
    assert time.monotonic() - start < 10
    assert len(server.hits_for("/rss.xml")) == 1
    assert report.outcome == "failed" and "the server asks to wait 30 s" in report.reason
    assert "left to the next cycle" in report.reason


def test_no_retry_when_retries_is_zero(server, make_config):
    server.route("/rss.xml", Reply(500, b"oops"))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")), {"retries": 0})
    report = cycle(config)["Echo"]
    assert len(server.hits_for("/rss.xml")) == 1 and report.attempts == 1
    assert report.outcome == "failed" and report.reason == "HTTP 500 Internal Server Error"


def test_a_source_that_failed_last_cycle_is_fetched_first(server, make_config):
    server.route("/robots.txt", Reply(404, b""))
    for name in ("a", "b", "c"):
        server.route(f"/{name}.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    server.route("/broken.xml", Reply(500, b"oops"))
    config = make_config("".join(feed_toml(n, server.url(f"/{n}.xml")) for n in ("a", "b", "c"))
                         + feed_toml("Broken", server.url("/broken.xml")), {"concurrency": 1, "retries": 0})
    cycle(config)
    assert [h.path for h in server.hits if h.path != "/robots.txt"][-1] == "/broken.xml"   # config order
    server.hits.clear()
    cycle(config)
    assert [h.path for h in server.hits][0] == "/broken.xml"     # it failed last time: first now


def test_sources_finishing_during_a_slow_write_are_written_together_each_reported_once_stored(server, make_config, monkeypatch):
    import store as store_module
    body = fixture_bytes("rss_forum.xml")
    for n in range(10):
        server.route(f"/f{n}.xml", Reply(body=body.replace(b"echo-cotentin.example/", f"echo{n}.example/".encode()),
                                         headers=RSS))
    config = make_config("".join(feed_toml(f"F{n}", server.url(f"/f{n}.xml")) for n in range(10)),
                         {"parse_workers": 0})
    writes = []
    slow_flush = store_module.Store.flush

    def flush(self):   # a slow disk: each write takes 0.3 s
        time.sleep(0.3)
        writes.append(time.monotonic())
        slow_flush(self)
    monkeypatch.setattr(store_module.Store, "flush", flush)
    with open_store(config.data_dir) as store:
        stored_when_done = []
        reports = run_fetch(config, store, list(config.feeds), on_done=lambda r: stored_when_done.append(
            all(a.id in store.articles for a in r.articles) and store.feeds.get(r.feed.name).last_checked))
        count = len(store.articles)
    assert count == 20 and all(r.new == 2 for r in reports)
    assert len(stored_when_done) == 10 and all(stored_when_done)
    assert len(writes) < 10   # sources finishing during a slow write are written together
