"""The double opt-in e-mail: one link to the confirmation page (which shows a button).

Nothing is delivered to an address before it is confirmed; this message is the only
one, and it says what to do if the reader never asked for it.
"""
from __future__ import annotations

import datetime as dt
import secrets
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from config.schema import EmailSettings
from delivery.email.headers import POLICY

TEMPLATES = Path(__file__).with_name("templates")
SUBJECT = "Vigie : confirmez votre abonnement à la lettre hebdomadaire"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                       autoescape=lambda name: (name or "").endswith(".html.j2"),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def build_confirmation(*, settings: EmailSettings, to: str, confirm_url: str, hours: int = 48,
                       now: dt.datetime | None = None) -> EmailMessage:
    domain = settings.from_address.rsplit("@", 1)[-1] or "vigie.invalid"
    context = dict(confirm_url=confirm_url, hours=hours)
    msg = EmailMessage(policy=POLICY)
    msg["From"] = formataddr((settings.from_name, settings.from_address))
    msg["To"] = to
    msg["Subject"] = SUBJECT
    msg["Date"] = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    msg["Message-ID"] = f"<vigie.confirm.{secrets.token_hex(12)}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    if settings.reply_to:
        msg["Reply-To"] = settings.reply_to
    env = _environment()
    msg.set_content(env.get_template("confirmation.txt.j2").render(**context), subtype="plain", charset="utf-8")
    msg.add_alternative(env.get_template("confirmation.html.j2").render(**context), subtype="html", charset="utf-8")
    return msg
