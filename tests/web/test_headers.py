"""The digest e-mail as sent: List-Unsubscribe URIs parsed from the wire, never encoded
words; separate footer links; the confirmation e-mail."""
from __future__ import annotations

import re

from config import load_config
from pipeline.digest import send_week
from tests.digest.helpers import make_store, subscriber
from tests.web.conftest import write_config

WEEK = "2026-W47"


def _send_one(tmp_path, smtp, token: str):
    config = load_config(write_config(tmp_path, smtp.port))
    sub = subscriber("email", "alice@example.org")
    sub.unsubscribe_token = token
    store = make_store(config.data_dir, subscribers=[sub])
    report = send_week(config, store, WEEK)
    store.close()
    assert report.email.sent == 1
    [(rcpts, raw)] = smtp.raw
    return raw


def test_list_unsubscribe_is_never_an_encoded_word(tmp_path, smtp):
    token = "T" * 60          # long enough that default folding would encode it
    raw = _send_one(tmp_path, smtp, token)
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    unfolded = re.sub(r"\r\n[ \t]+", " ", head)
    [line] = [h for h in unfolded.split("\r\n") if h.lower().startswith("list-unsubscribe:")]
    assert "=?" not in line
    [message] = smtp.messages_to("alice@example.org")
    uris = re.findall(r"<([^>]+)>", str(message["List-Unsubscribe"]))
    assert uris == [f"https://veille.example.org/desabonnement?jeton={token}"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_footer_has_separate_links(tmp_path, smtp):
    _send_one(tmp_path, smtp, "tok-footer-123456789")
    [message] = smtp.messages_to("alice@example.org")
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert ">Se désabonner</a> · <a" in html and ">Gérer mes préférences</a>" in html
    assert "preferences?jeton=tok-footer-123456789" in html
    assert "Se désabonner : https://veille.example.org/desabonnement?jeton=tok-footer-123456789\n" in text
    assert "Gérer mes préférences : https://veille.example.org/preferences?jeton=tok-footer-123456789\n" in text
