"""The Telegram double opt-in e-mail: a short French text message carrying the code the
subscriber types as /confirmer in the bot (the web front confirms by link instead:
`confirmation.py`)."""
from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from config.schema import EmailSettings
from delivery.email.sender import EmailResult, OutgoingEmail, send_emails

SUBJECT = "Vigie — votre code de confirmation"


def confirmation_email(settings: EmailSettings, to: str, code: str,
                       now: dt.datetime | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((settings.from_name, settings.from_address))
    msg["To"] = to
    msg["Subject"] = SUBJECT
    msg["Date"] = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    msg["Message-ID"] = make_msgid("vigie-confirmation", domain=settings.from_address.rsplit("@", 1)[-1])
    if settings.reply_to:
        msg["Reply-To"] = settings.reply_to
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(
        "Bonjour,\n\n"
        "Vous avez demandé à recevoir la lettre de veille Vigie à cette adresse.\n"
        f"Votre code de confirmation : {code}\n\n"
        f"Pour confirmer, envoyez au bot Vigie sur Telegram : /confirmer {code}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : "
        "sans confirmation, vous ne recevrez rien.\n\n"
        "— Vigie\n", subtype="plain", charset="utf-8")
    return msg


def send_confirmation(settings: EmailSettings, to: str, code: str) -> EmailResult:
    """Send the code over SMTP (blocking: call it from a worker thread)."""
    item = OutgoingEmail(key=to, to=to, message=confirmation_email(settings, to, code))
    return send_emails(settings, settings.password(), [item])[0]
