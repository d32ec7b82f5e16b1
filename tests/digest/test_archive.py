"""The web archive: week page, index and Atom feed; the page as a browser shows it."""
import io
import shutil
import subprocess

import feedparser
import pytest

from digest.archive import write_archive
from digest.build import build_week
from tests.digest.helpers import WEEK, make_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_archive_index_and_atom_feed(tmp_path):
    store = make_store(tmp_path / "data")
    week_page, index, feed = write_archive(tmp_path / "web", build_week(store, WEEK), "https://veille.example.org")
    write_archive(tmp_path / "web", build_week(store, "2026-W46"), "https://veille.example.org")
    assert week_page.name == "2026-W47.html"
    index_html = index.read_text(encoding="utf-8")
    assert index_html.index("2026-W47.html") < index_html.index("2026-W46.html")  # newest first
    parsed = feedparser.parse(io.BytesIO(feed.read_bytes()))
    assert parsed.bozo == 0
    assert [e.link for e in parsed.entries] == ["https://veille.example.org/2026-W47.html",
                                                "https://veille.example.org/2026-W46.html"]
    assert parsed.entries[0].title == "Vigie — semaine du 16 au 22 novembre 2026"
    assert "Forum des métiers du soin à Caen" in parsed.entries[0].summary


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_archive_page_shows_the_stories_in_headless_chromium(tmp_path):
    store = make_store(tmp_path / "data")
    page = write_archive(tmp_path / "web", build_week(store, WEEK))[0]
    profile = tmp_path / "profile"
    run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=60)
    dom = run.stdout
    assert "<h1>Vigie — semaine du 16 au 22 novembre 2026</h1>" in dom
    for title in ("Forum des métiers du soin à Caen", "Charte pour le grand âge signée à Metz",
                  "Une campagne pour les métiers du lien", "Le gouvernement revalorise les aides à domicile"):
        assert title in dom
    assert "Histoire masquée" not in dom and "Football" not in dom
    assert dom.index("Événements") < dom.index("Chartes et engagements") < dom.index("Agenda")
