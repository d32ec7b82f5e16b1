"""Ingestion over a real HTTP server on 127.0.0.1: fetch -> parse -> store."""
import gzip
import datetime as dt


from pipeline.fetch import run_fetch
from store import open_store
from tests.conftest import fixture_bytes
from tests.httpserver import Reply

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)


def feed_toml(name, url, kind="rss", extra=""):
    return f'\n[[feeds]]\nname = "{name}"\nurl = "{url}"\nkind = "{kind}"\n{extra}\n'


def fetch(config, feeds=None):
    with open_store(config.data_dir) as store:
        reports = run_fetch(config, store, list(feeds or config.feeds), now=NOW)
        articles = list(store.articles.iter())
        states = {f.name: store.feeds.get(f.name) for f in config.feeds}
    return {r.name: r for r in reports}, articles, states


def test_rss_feed_is_stored_with_canonical_urls_and_plain_text(server, make_config):
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Echo", server.url("/rss.xml"), extra='region = "FR-NOR"'))
    reports, articles, _ = fetch(config)
    assert reports["Echo"].outcome == "new" and reports["Echo"].new == 2
    forum = next(a for a in articles if "forum" in a.title)
    assert forum.url == "https://echo-cotentin.example/2026/11/forum-soin.html"
    assert "<" not in forum.summary and "alert" not in forum.summary
    assert forum.summary.startswith("Le centre hospitalier organise un forum")
    assert forum.published == "2026-11-17T08:30:00+00:00"
    assert forum.region_hint == "FR-NOR" and forum.source == "echo-cotentin.example"
    # robots.txt was asked for before the feed
    assert server.hits[0].path == "/robots.txt"
    assert server.hits[1].headers["user-agent"].startswith("Vigie-test/0.1")


def test_conditional_get_second_fetch_is_304_and_stores_nothing(server, make_config):
    def reply(hit):
        if hit.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(body=fixture_bytes("rss_forum.xml"), headers={**RSS, "ETag": '"v1"',
                                                                    "Last-Modified": "Tue, 17 Nov 2026 09:00:00 GMT"})
    server.route("/rss.xml", reply)
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    first, articles, states = fetch(config)
    assert first["Echo"].new == 2 and states["Echo"].etag == '"v1"'
    second, articles_after, states_after = fetch(config)
    assert second["Echo"].outcome == "unchanged" and second["Echo"].new == 0
    feed_hits = server.hits_for("/rss.xml")
    assert feed_hits[-1].headers["if-none-match"] == '"v1"'
    assert feed_hits[-1].headers["if-modified-since"] == "Tue, 17 Nov 2026 09:00:00 GMT"
    assert len(articles_after) == 2
    assert states_after["Echo"].last_status == 304 and states_after["Echo"].consecutive_failures == 0


def test_refetch_without_validators_creates_no_second_copy(server, make_config):
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    fetch(config)
    reports, articles, _ = fetch(config)
    assert reports["Echo"].outcome == "unchanged" and len(articles) == 2


def test_server_error_is_retried_then_recovers(server, make_config):
    server.route("/rss.xml", [Reply(500, b"oops"), Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS)])
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    reports, articles, states = fetch(config)
    assert reports["Echo"].outcome == "new" and len(articles) == 2
    assert len(server.hits_for("/rss.xml")) == 2


def test_persistent_500_is_recorded_then_recovery_resets_failures(server, make_config):
    server.route("/rss.xml", Reply(500, b"oops"))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    reports, _, states = fetch(config)
    assert reports["Echo"].outcome == "failed" and "HTTP 500" in reports["Echo"].reason
    fetch(config)
    _, _, states = fetch(config)
    assert states["Echo"].consecutive_failures == 3 and "HTTP 500" in states["Echo"].last_error
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    reports, articles, states = fetch(config)
    assert reports["Echo"].outcome == "new" and len(articles) == 2
    assert states["Echo"].consecutive_failures == 0 and states["Echo"].last_error is None
    assert states["Echo"].last_success == NOW.isoformat()


def test_retry_after_is_honoured_on_429(server, make_config):
    server.route("/rss.xml", [Reply(429, b"slow down", {"Retry-After": "1"}),
                              Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS)])
    config = make_config(feed_toml("Echo", server.url("/rss.xml")), fetch={"retries": 0})
    import time
    start = time.monotonic()
    reports, articles, _ = fetch(config)
    assert reports["Echo"].outcome == "new"
    assert time.monotonic() - start >= 1.0


def test_too_long_retry_after_fails_with_reason(server, make_config):
    server.route("/rss.xml", Reply(503, b"maintenance", {"Retry-After": "3600"}))
    config = make_config(feed_toml("Echo", server.url("/rss.xml")))
    reports, _, _ = fetch(config)
    assert reports["Echo"].outcome == "failed" and "retry after 3600" in reports["Echo"].reason


def test_timeout_is_a_failure_with_reason(server, make_config):
    server.route("/slow.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS, delay=3))
    config = make_config(feed_toml("Lent", server.url("/slow.xml")))
    reports, articles, states = fetch(config)
    assert reports["Lent"].outcome == "failed" and "timeout" in reports["Lent"].reason
    assert articles == [] and states["Lent"].consecutive_failures == 1


def test_404_is_a_failure_with_reason(server, make_config):
    config = make_config(feed_toml("Absent", server.url("/missing.xml")))
    reports, _, states = fetch(config)
    assert reports["Absent"].reason == "HTTP 404 Not Found"
    assert states["Absent"].last_status == 404


def test_oversized_body_is_refused(server, make_config):
    big = b"<rss><channel>" + b"<item><title>x</title></item>" * 20000 + b"</channel></rss>"
    server.route("/big.xml", Reply(body=big, headers=RSS))
    config = make_config(feed_toml("Gros", server.url("/big.xml")))
    reports, _, _ = fetch(config)
    assert reports["Gros"].outcome == "failed" and "larger than 200,000 bytes" in reports["Gros"].reason


def test_gzip_bomb_stops_at_the_cap(server, make_config):
    bomb = gzip.compress(b"<rss>" + b" " * 50_000_000)
    assert len(bomb) < 100_000
    server.route("/bomb.xml", Reply(body=bomb, headers={**RSS, "Content-Encoding": "gzip"}))
    config = make_config(feed_toml("Bombe", server.url("/bomb.xml")))
    reports, _, _ = fetch(config)
    assert reports["Bombe"].outcome == "failed"
    assert "once decompressed" in reports["Bombe"].reason


def test_gzip_feed_is_decoded(server, make_config):
    server.route("/gz.xml", Reply(body=gzip.compress(fixture_bytes("rss_forum.xml")),
                                  headers={**RSS, "Content-Encoding": "gzip"}))
    config = make_config(feed_toml("Gz", server.url("/gz.xml")))
    reports, articles, _ = fetch(config)
    assert reports["Gz"].new == 2


def test_malformed_xml_with_entries_is_used_with_a_warning(server, make_config):
    server.route("/bad.xml", Reply(body=fixture_bytes("malformed.xml"), headers=RSS))
    config = make_config(feed_toml("Casse", server.url("/bad.xml")))
    reports, articles, _ = fetch(config)
    assert reports["Casse"].outcome == "new" and reports["Casse"].new == 2
    assert any("not well-formed" in w for w in reports["Casse"].warnings)
    assert {a.url for a in articles} == {"https://casse.example/salon", "https://casse.example/deux"}


def test_garbage_is_a_failure_not_a_crash(server, make_config):
    server.route("/junk", Reply(body=b"\x00\xff<<<< not xml at all", headers=RSS))
    config = make_config(feed_toml("Junk", server.url("/junk")))
    reports, _, _ = fetch(config)
    assert reports["Junk"].outcome == "failed"
    assert "no entries" in reports["Junk"].reason or "not an RSS" in reports["Junk"].reason


def test_windows_1252_feed_keeps_its_accents(server, make_config):
    server.route("/opale.xml", Reply(body=fixture_bytes("rss_cp1252.xml"),
                                     headers={"Content-Type": "application/rss+xml"}))
    config = make_config(feed_toml("Opale", server.url("/opale.xml")))
    _, articles, _ = fetch(config)
    (article,) = articles
    assert article.title == "Boulogne : l’hôpital recrute des infirmières – journée portes ouvertes"
    assert article.summary == "« Venez découvrir nos métiers », dit la DRH."


def test_billion_laughs_is_not_expanded(server, make_config):
    server.route("/lol.xml", Reply(body=fixture_bytes("billion_laughs.xml"), headers=RSS))
    config = make_config(feed_toml("Lol", server.url("/lol.xml")))
    reports, articles, _ = fetch(config)
    assert reports["Lol"].outcome in ("new", "failed")
    for article in articles:
        assert "lollol" not in article.title and len(article.title) < 200


def test_external_entity_is_not_read(server, make_config, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    body = fixture_bytes("xxe_template.xml").replace(b"SECRET_PATH", str(secret).encode())
    server.route("/xxe.xml", Reply(body=body, headers=RSS))
    config = make_config(feed_toml("Xxe", server.url("/xxe.xml")))
    _, articles, _ = fetch(config)
    for article in articles:
        assert "TOP-SECRET" not in article.title + article.summary + article.text


def test_html_listing_with_selectors_and_article_pages(server, make_config):
    server.route("/agence/actualites", Reply(body=fixture_bytes("listing.html"),
                                             headers={"Content-Type": "text/html; charset=utf-8"}))
    server.route("/actualites/job-dating-ehpad.html", Reply(body=fixture_bytes("article_job_dating.html"),
                                                            headers={"Content-Type": "text/html"}))
    # the second item's page is missing: its listing title is kept
    config = make_config(feed_toml("Agence", server.url("/agence/actualites"), kind="html",
                                   extra='region = "FR-NOR"\nselectors = { items = "article.news-item", '
                                         'link = "h3 a", title = "h3", date = ".news-date" }'))
    reports, articles, _ = fetch(config)
    report = reports["Agence"]
    assert report.outcome == "new" and report.new == 2
    assert any("no link found" in w for w in report.warnings)
    by_url = {a.url: a for a in articles}
    job = by_url[server.url("/actualites/job-dating-ehpad.html")]
    assert job.title == "Job dating des EHPAD à Évreux"
    assert "une cinquantaine de postes" in job.text and "Les plus lus" not in job.text
    assert job.published.startswith("2026-11-16")
    plan = by_url[server.url("/agence/actualites/plan-fidelisation.html")]  # relative link resolved
    assert plan.title == "Un plan pour fidéliser les soignants" and plan.published.startswith("2026-11-12")
    # article pages are fetched once in their life
    fetch(config)
    assert len(server.hits_for("/actualites/job-dating-ehpad.html")) == 1


def test_html_listing_without_matches_fails_clearly(server, make_config):
    server.route("/agence", Reply(body=b"<html><body><p>Nouveau site</p></body></html>",
                                  headers={"Content-Type": "text/html"}))
    config = make_config(feed_toml("Agence", server.url("/agence"), kind="html",
                                   extra='selectors = { items = "article.news-item", link = "a", title = "h3" }'))
    reports, _, _ = fetch(config)
    assert reports["Agence"].outcome == "failed"
    assert "no item matched the selector items = 'article.news-item'" in reports["Agence"].reason


def test_redirects_are_followed_and_permanent_moves_reported(server, make_config):
    server.route("/old.xml", Reply(301, b"", {"Location": "/new.xml"}))
    server.route("/new.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    server.route("/loop", Reply(302, b"", {"Location": "/loop"}))
    config = make_config(feed_toml("Moved", server.url("/old.xml")) + feed_toml("Loop", server.url("/loop")))
    reports, articles, states = fetch(config)
    assert reports["Moved"].new == 2
    assert states["Moved"].moved_to == server.url("/new.xml")
    assert any("permanently moved" in w for w in reports["Moved"].warnings)
    assert reports["Loop"].outcome == "failed" and "too many redirects" in reports["Loop"].reason


def test_robots_txt_disallow_is_honoured(server, make_config):
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n"))
    server.route("/private/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Private", server.url("/private/rss.xml")))
    reports, _, _ = fetch(config)
    assert reports["Private"].outcome == "failed" and "robots.txt" in reports["Private"].reason
    assert server.hits_for("/private/rss.xml") == []


def test_one_failing_source_does_not_stop_the_others(server, make_config):
    server.route("/ok.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    server.route("/atom.xml", Reply(body=fixture_bytes("atom_charte.xml"),
                                    headers={"Content-Type": "application/atom+xml"}))
    server.route("/down.xml", Reply(500, b"down"))
    config = make_config(feed_toml("Ok", server.url("/ok.xml")) + feed_toml("Down", server.url("/down.xml"))
                         + feed_toml("Atom", server.url("/atom.xml"))
                         + feed_toml("Nowhere", "http://127.0.0.1:9/feed.xml"))
    reports, articles, _ = fetch(config)
    assert reports["Ok"].new == 2 and reports["Atom"].new == 1
    assert reports["Down"].outcome == "failed" and reports["Nowhere"].outcome == "failed"
    assert "cannot connect" in reports["Nowhere"].reason
    atom = next(a for a in articles if a.feed == "Atom")
    assert atom.text == "" and atom.summary == "La Région et l'ARS ont signé à Nancy (54) une charte."


def test_restart_over_existing_data_dir(server, make_config):
    server.route("/ok.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(feed_toml("Ok", server.url("/ok.xml")))
    fetch(config)
    server.route("/atom.xml", Reply(body=fixture_bytes("atom_charte.xml"),
                                    headers={"Content-Type": "application/atom+xml"}))
    config = make_config(feed_toml("Ok", server.url("/ok.xml")) + feed_toml("Atom", server.url("/atom.xml")))
    reports, articles, _ = fetch(config)
    assert reports["Ok"].outcome == "unchanged" and reports["Atom"].new == 1
    assert len(articles) == 3
