"""The whole subscriber journey in a real browser (Playwright driving Debian's chromium):
open `/`, fill the form, read the confirmation e-mail on aiosmtpd, follow the link,
confirm, change preferences, receive a digest, unsubscribe with its footer link."""
from __future__ import annotations

import shutil

import pytest

from config import load_config
from pipeline.digest import send_week
from store import Subscriber, open_store
from tests.digest.helpers import make_store
from tests.web.conftest import WebServer, link_in, write_config

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (apt-get install chromium)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
WEEK = "2026-W47"
ADDRESS = "lea@example.org"


def test_subscriber_journey_in_chromium(tmp_path, smtp):
    config = load_config(write_config(tmp_path, smtp.port, base_url="http://127.0.0.1:{port}"))
    make_store(config.data_dir).close()
    store = open_store(config.data_dir)
    with WebServer(config, store) as site, playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(java_script_enabled=False)       # works without JavaScript
            page.goto(f"{site.url}/")
            assert page.title().startswith("Vigie")
            page.get_by_label("Votre adresse électronique").fill(ADDRESS)
            page.get_by_label("Normandie").check()
            page.get_by_label("Événements").check()
            page.get_by_role("button", name="S'abonner").click()
            assert page.get_by_role("heading", name="Vérifiez votre boîte de réception").is_visible()

            [confirmation] = smtp.messages_to(ADDRESS)
            page.goto(link_in(confirmation, "/confirmer"))
            page.get_by_role("button", name="Confirmer mon abonnement").click()
            assert page.get_by_role("heading", name="Abonnement confirmé").is_visible()

            page.get_by_role("link", name="Gérer mes préférences").click()
            assert page.get_by_label("Normandie").is_checked()
            page.get_by_label("Bretagne").check()
            page.get_by_label("Aussi les actualités nationales").uncheck()
            page.get_by_role("button", name="Enregistrer").click()
            assert page.get_by_text("Vos préférences sont enregistrées.").is_visible()
            with store.writing():
                sub = store.subscribers.get(Subscriber.make_id("email", ADDRESS))
            assert (sub.regions, sub.themes, sub.nationwide, sub.confirmed) == (["FR-BRE", "FR-NOR"], ["event"],
                                                                                False, True)

            report = send_week(config, store, WEEK)
            assert report.email.sent == 1
            digest = smtp.messages_to(ADDRESS)[-1]
            assert "Forum des métiers du soin à Caen" in digest.get_body(("html",)).get_content()
            page.goto(link_in(digest, "/desabonnement"))
            page.get_by_role("button", name="Me désabonner").click()
            assert page.get_by_role("heading", name="Vous êtes désabonné(e)").is_visible()
            page.screenshot(path=str(tmp_path / "desabonne.png"))
        finally:
            browser.close()
    with store.writing():
        assert not store.subscribers.get(Subscriber.make_id("email", ADDRESS)).active
    store.close()
