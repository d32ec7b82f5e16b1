"""delivery.email.mime: the digest e-mail written as bytes reads back, through the
standard library's parser, as the headers and bodies it was given; values that would
break a header are refused."""
import datetime as dt
import email
from email.policy import default

import pytest

from config.schema import EmailSettings
from delivery.email.message import build_email
from delivery.email.mime import address_header, compose, text_header

SETTINGS = EmailSettings(host="127.0.0.1", from_address="veille@vigie.example.org",
                         from_name="Vigie — veille, santé \"social\"", reply_to="contact@vigie.example.org")
LONG_SUBJECT = ("Vigie — semaine du 16 au 22 novembre 2026 : 12 initiatives pour vos régions et vos thèmes, "
                "dont trois forums de l'emploi en Bretagne et une campagne régionale")
TEXT = "Bonjour,\n\nÉvénements de la semaine : forum à Saint-Brieuc.\n" + "ligne très longue " * 40 + "\n"
HTML = "<p>Événements : forum à <b>Saint-Brieuc</b></p>\n<p>" + "é" * 3000 + "</p>\n"
NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone.utc)


def built(**overrides) -> bytes:
    values = dict(settings=SETTINGS, to="alice@example.org", subject=LONG_SUBJECT, text=TEXT, html=HTML,
                  week="2026-W47", subscriber_id="em-1", unsubscribe_token="tok123",
                  unsubscribe_url="https://veille.example.org/desabonnement?jeton=tok123", now=NOW)
    values.update(overrides)
    return bytes(build_email(**values))


def test_the_message_reads_back_as_built():
    data = built()
    msg = email.message_from_bytes(data, policy=default)
    assert msg["Subject"] == LONG_SUBJECT
    assert msg["From"].addresses[0].display_name == SETTINGS.from_name
    assert msg["From"].addresses[0].addr_spec == SETTINGS.from_address
    assert msg["To"] == "alice@example.org"
    assert msg["Reply-To"] == "contact@vigie.example.org"
    assert msg["Date"].datetime == NOW
    assert msg["Message-ID"].startswith("<vigie.2026-W47.") and msg["Message-ID"].endswith("@vigie.example.org>")
    assert msg["List-Id"] == "Vigie <veille.vigie.example.org>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg.get_body(("plain",)).get_content() == TEXT
    assert msg.get_body(("html",)).get_content() == HTML
    assert not msg.defects and not any(p.defects for p in msg.walk())


def test_every_line_ends_in_crlf_and_stays_short():
    data = built()
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    assert data.isascii()


def test_list_headers_are_written_as_they_are():
    """Mail clients read List-Unsubscribe only as plain <https://...> (never encoded words)."""
    url = "https://veille.example.org/desabonnement?jeton=" + "t" * 64
    data = built(unsubscribe_url=url, unsubscribe_token="t" * 64)
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in data
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in data
    assert b"List-Unsubscribe" not in built(unsubscribe_url="http://veille.example.org/x")


@pytest.mark.parametrize("field", ["subject", "to", "from_name"])
def test_a_line_break_in_a_header_value_is_refused(field):
    """Header injection: a CR or LF would let a value add headers (a Bcc) of its own."""
    bad = "x\r\nBcc: victim@example.org"
    with pytest.raises(ValueError):
        if field == "from_name":
            built(settings=EmailSettings(host="h", from_address="veille@vigie.example.org", from_name=bad))
        elif field == "to":
            built(to="alice@example.org" + bad)
        else:
            built(subject=bad)


def test_a_non_ascii_address_is_refused_not_garbled():
    with pytest.raises(ValueError, match="SMTPUTF8"):
        address_header("To", "élodie@example.org")


def test_short_ascii_subject_is_plain_and_long_ascii_is_folded():
    assert text_header("Subject", "Vigie : 3 initiatives") == b"Subject: Vigie : 3 initiatives\r\n"
    words = " ".join(["mot"] * 40)
    folded = text_header("Subject", words)
    assert b"=?" not in folded and all(len(line) <= 78 for line in folded.split(b"\r\n"))
    assert email.message_from_bytes(folded + b"\r\n", policy=default)["Subject"] == words


def test_the_boundary_cannot_occur_in_a_body():
    message = compose([text_header("Subject", "x")], "--=_vigie_ dans le texte", "<p>--=_vigie_</p>")
    msg = email.message_from_bytes(bytes(message), policy=default)
    assert [p.get_content() for p in msg.iter_parts()] == ["--=_vigie_ dans le texte\n", "<p>--=_vigie_</p>\n"]
