"""Build the digest e-mail: multipart text + HTML, list headers, stable Message-ID
(written by `delivery.email.mime`)."""
from __future__ import annotations

import hashlib
import datetime as dt
from email.utils import format_datetime

from config.schema import EmailSettings
from delivery.email.headers import list_unsubscribe
from delivery.email.mime import ComposedEmail, address_header, ascii_header, compose, text_header


def message_id(week: str, subscriber_id: str, domain: str) -> str:
    """Stable per (week, subscriber): a resend after a crash is recognisably the same mail."""
    digest = hashlib.sha1(f"{week}/{subscriber_id}".encode()).hexdigest()[:20]
    return f"<vigie.{week}.{digest}@{domain}>"


def build_email(*, settings: EmailSettings, to: str, subject: str, text: str, html: str, week: str,
                subscriber_id: str, unsubscribe_url: str | None, unsubscribe_token: str,
                now: dt.datetime | None = None) -> ComposedEmail:
    """The digest e-mail (`bytes()` of it is what SMTP sends); `ValueError` when a value
    cannot go in a header (a line break, a non-ASCII address)."""
    domain = settings.from_address.rsplit("@", 1)[-1]
    headers = [address_header("From", settings.from_address, settings.from_name),
               address_header("To", to),
               text_header("Subject", subject),
               ascii_header("Date", format_datetime(now or dt.datetime.now(dt.timezone.utc))),
               ascii_header("Message-ID", message_id(week, subscriber_id, domain)),
               ascii_header("List-Id", f"Vigie <{settings.list_id}>")]
    if settings.reply_to:
        headers.append(address_header("Reply-To", settings.reply_to))
    # no mailto: no mailbox reader, so none is advertised
    if unsubscribe_url and unsubscribe_url.startswith("https://"):
        headers.append(ascii_header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))   # RFC 8058
        headers.append(ascii_header("List-Unsubscribe", list_unsubscribe([unsubscribe_url])))
    headers.append(ascii_header("Auto-Submitted", "auto-generated"))
    return compose(headers, text, html)
