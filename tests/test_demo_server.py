"""Tests of the demo HTTP server and of the demo sources it serves (demo/server.py, demo/sources/)."""
from __future__ import annotations

import http.client
import io
import socket
import time
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup

from demo import server as demo_server
from domain.regions import is_valid

DEMO_DIR = Path(demo_server.__file__).resolve().parent
CONFIG = tomllib.loads((DEMO_DIR / "config.toml").read_text(encoding="utf-8"))
FEEDS = CONFIG["feeds"]
CONTENT_FEEDS = [f for f in FEEDS if not urlsplit(f["url"]).path.startswith(("/slow/", "/broken/"))]
RSS_FEEDS = [f for f in CONTENT_FEEDS if f["kind"] == "rss"]
HTML_FEEDS = [f for f in CONTENT_FEEDS if f["kind"] == "html"]


def fetch(base_url: str, path: str, headers: dict[str, str] | None = None,
          method: str = "GET", timeout: float = 5.0) -> tuple[int, http.client.HTTPMessage, bytes]:
    """Send `path` verbatim (no client-side normalisation of `..`); return status, headers, body."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def feed_path(feed: dict) -> str:
    return urlsplit(feed["url"]).path


@pytest.fixture(scope="module")
def base_url():
    server, url = demo_server.start(port=0)
    yield url
    server.shutdown()
    server.server_close()


# -- configuration ------------------------------------------------------------------------

def test_config_lists_every_source_with_valid_fields():
    assert CONFIG["fetch"]["read_timeout"] < demo_server.SLOW_DELAY
    assert len(CONTENT_FEEDS) >= 6 and len(FEEDS) == len(CONTENT_FEEDS) + 2
    assert len({f["name"] for f in FEEDS}) == len(FEEDS)
    for feed in FEEDS:
        assert feed["kind"] in ("rss", "html")
        assert feed["url"].startswith("http://127.0.0.1:8765/")
        if "region" in feed:
            assert is_valid(feed["region"]), feed["region"]
        if feed["kind"] == "html":
            assert set(feed["selectors"]) >= {"items", "link", "title"}
    for feed in CONTENT_FEEDS + [f for f in FEEDS if feed_path(f).startswith("/slow/")]:
        assert (demo_server.SOURCES_DIR / feed_path(feed).lstrip("/")).is_file(), feed["url"]


# -- HTTP behaviour -------------------------------------------------------------------------

def test_feed_is_served_with_content_type_etag_and_last_modified(base_url):
    status, headers, body = fetch(base_url, "/courrier-bocage/rss.xml")
    assert status == 200
    assert headers["Content-Type"].startswith("application/rss+xml")
    assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")
    assert int(headers["Content-Length"]) == len(body) and body.startswith(b"<?xml")


@pytest.mark.parametrize("path, expected", [
    ("/grand-est-sante/atom.xml", "application/atom+xml; charset=utf-8"),
    ("/fil-medico-social/rss.xml", "application/rss+xml; charset=windows-1252"),
    ("/ouest-soins/rss.xml", "application/rss+xml; charset=utf-8"),
    ("/ars-normandie/actualites.html", "text/html; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
])
def test_content_types(base_url, path, expected):
    status, headers, _ = fetch(base_url, path)
    assert status == 200
    assert headers["Content-Type"] == expected


def test_conditional_requests_get_304(base_url):
    _, headers, _ = fetch(base_url, "/courrier-bocage/rss.xml")
    etag, last_modified = headers["ETag"], headers["Last-Modified"]

    status, headers2, body = fetch(base_url, "/courrier-bocage/rss.xml", {"If-None-Match": etag})
    assert status == 304 and body == b"" and headers2["ETag"] == etag

    status, _, body = fetch(base_url, "/courrier-bocage/rss.xml", {"If-Modified-Since": last_modified})
    assert status == 304 and body == b""

    status, _, body = fetch(base_url, "/courrier-bocage/rss.xml", {"If-None-Match": '"stale"'})
    assert status == 200 and body

    # If-None-Match wins over a matching If-Modified-Since.
    status, _, _ = fetch(base_url, "/courrier-bocage/rss.xml",
                         {"If-None-Match": '"stale"', "If-Modified-Since": last_modified})
    assert status == 200


def test_head_has_headers_but_no_body(base_url):
    status, headers, body = fetch(base_url, "/grand-est-sante/atom.xml", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_robots_txt_allows_everything(base_url):
    status, _, body = fetch(base_url, "/robots.txt")
    assert status == 200
    assert b"User-agent: *" in body and b"Disallow: /" not in body


def test_broken_route_answers_500(base_url):
    assert fetch(base_url, "/broken/x")[0] == 500
    assert fetch(base_url, "/broken/reveil-perche/rss.xml")[0] == 500


def test_unknown_paths_are_404(base_url):
    for path in ("/nope.xml", "/courrier-bocage/", "/courrier-bocage/missing.html", "/"):
        assert fetch(base_url, path)[0] == 404, path


@pytest.mark.parametrize("path", [
    "/../pyproject.toml",
    "/../../pyproject.toml",
    "/%2e%2e/pyproject.toml",
    "/%2E%2E%2Fpyproject.toml",
    "/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/courrier-bocage/../../pyproject.toml",
    "/courrier-bocage/..%2f..%2fpyproject.toml",
    "/courrier-bocage/%2e%2e/%2e%2e/demo/server.py",
    "/..%5c..%5cpyproject.toml",
    "/%252e%252e/pyproject.toml",
    "/../demo/server.py",
    "/../demo/config.toml",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/courrier-bocage/rss.xml%00.html",
])
def test_path_traversal_is_404(base_url, path):
    status, _, body = fetch(base_url, path)
    assert status == 404
    assert b"[project]" not in body and b"root:" not in body


# -- feeds ------------------------------------------------------------------------------------

@pytest.mark.parametrize("feed", RSS_FEEDS, ids=lambda f: f["name"])
def test_feeds_parse_cleanly(base_url, feed):
    status, _, body = fetch(base_url, feed_path(feed))
    assert status == 200
    parsed = feedparser.parse(io.BytesIO(body))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) >= 5
    for entry in parsed.entries:
        assert entry.title and entry.link and entry.published_parsed
        assert urlsplit(entry.link).hostname.endswith(".example")
        assert (2026, 11, 16) <= tuple(entry.published_parsed[:3]) <= (2026, 11, 22)


def test_courrier_feed_has_a_repeated_item_and_a_tracking_link(base_url):
    body = fetch(base_url, "/courrier-bocage/rss.xml")[2]
    links = [e.link for e in feedparser.parse(io.BytesIO(body)).entries]
    assert len(links) - len(set(links)) == 1
    assert any("utm_source=rss" in link and "utm_medium=feed" in link for link in links)


def test_windows_1252_feed_titles_have_correct_accents(base_url):
    body = fetch(base_url, "/fil-medico-social/rss.xml")[2]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # real single-byte accents, not UTF-8
    parsed = feedparser.parse(io.BytesIO(body))
    assert parsed.encoding.lower() in ("windows-1252", "cp1252")
    titles = [e.title for e in parsed.entries]
    assert "Hauts-de-France : 350 places de plus dans les instituts de formation en soins infirmiers" in titles
    assert "Occitanie : un poste sur dix vacant dans les Ehpad, selon l’observatoire régional" in titles
    assert any(t.startswith("« Les métiers du lien, des métiers d’avenir »") for t in titles)
    text = " ".join(titles + [e.summary for e in parsed.entries])
    assert "€" in text and "é" in text
    assert "Ã" not in text and "\ufffd" not in text


# -- HTML sources -----------------------------------------------------------------------------

@pytest.mark.parametrize("feed", HTML_FEEDS, ids=lambda f: f["name"])
def test_html_listing_links_resolve_to_article_pages(base_url, feed):
    listing_url = base_url + feed_path(feed)
    status, headers, body = fetch(base_url, feed_path(feed))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    soup = BeautifulSoup(body, "html.parser")
    assert soup.find("link", type=["application/rss+xml", "application/atom+xml"]) is None

    selectors = feed["selectors"]
    items = soup.select(selectors["items"])
    assert len(items) >= 3
    item_links = set()
    for item in items:
        assert item.select_one(selectors["title"]).get_text(strip=True)
        assert item.select_one(selectors["date"]).get_text(strip=True)
        href = item.select_one(selectors["link"])["href"]
        assert not urlsplit(href).scheme, "listing links must be relative"
        item_links.add(urljoin(listing_url, href))

    relative = {urljoin(listing_url, a["href"]) for a in soup.find_all("a", href=True)
                if not urlsplit(a["href"]).scheme and not a["href"].startswith("#")}
    assert relative == item_links  # page chrome links are absolute, to the outlet's own domain
    for url in sorted(relative):
        status, headers, page = fetch(base_url, urlsplit(url).path)
        assert status == 200, url
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        article = BeautifulSoup(page, "html.parser").find("article")
        assert article is not None and article.find("h1").get_text(strip=True)
        assert "Publié le" in article.get_text() and "novembre 2026" in article.get_text()
        assert len(article.find_all("p")) >= 4


# -- slow route -------------------------------------------------------------------------------

def test_slow_route_times_out_without_blocking_others_and_shutdown_is_prompt():
    server, url = demo_server.start(port=0)
    try:
        parts = urlsplit(url)
        slow = http.client.HTTPConnection(parts.hostname, parts.port, timeout=0.5)
        slow.request("GET", "/slow/radio-pays-auge/rss.xml")
        with pytest.raises((TimeoutError, socket.timeout)):
            slow.getresponse()
        # The slow request is still pending on the server; other requests are served meanwhile.
        started = time.monotonic()
        assert fetch(url, "/robots.txt", timeout=2)[0] == 200
        assert time.monotonic() - started < 1.5
    finally:
        started = time.monotonic()
        server.shutdown()
        server.server_close()
        slow.close()
    assert time.monotonic() - started < 3
