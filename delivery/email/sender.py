"""Send a batch of e-mails over one SMTP connection, reconnecting when the server drops.

Per-recipient refusals are recorded and the batch goes on; 4xx answers and lost
connections are transient (tried again on a later run), 5xx answers are permanent.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Callable, Iterable

from config.schema import EmailSettings

RECONNECTS_PER_MESSAGE = 2


@dataclass
class OutgoingEmail:
    key: str
    to: str
    message: EmailMessage


@dataclass
class EmailResult:
    key: str
    ok: bool
    error: str | None = None
    transient: bool = False


class _Connection:
    def __init__(self, settings: EmailSettings, password: str | None):
        self.settings = settings
        self.password = password
        self.smtp: smtplib.SMTP | None = None

    def get(self) -> smtplib.SMTP:
        if self.smtp is None:
            s = self.settings
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, self.password or "")
            self.smtp = smtp
        return self.smtp

    def drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            except OSError:
                pass
        self.smtp = None

    def quit(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        self.drop()


def send_emails(settings: EmailSettings, password: str | None, items: Iterable[OutgoingEmail],
                on_result: Callable[[EmailResult], None] | None = None) -> list[EmailResult]:
    conn = _Connection(settings, password)
    results = []
    fatal: str | None = None
    try:
        for item in items:
            result = EmailResult(item.key, False, fatal, transient=True) if fatal else _send_one(conn, item)
            if result.error and result.error.startswith("authentication"):
                fatal = result.error  # no point trying the others with bad credentials
            results.append(result)
            if on_result:
                on_result(result)
    finally:
        conn.quit()
    return results


def _send_one(conn: _Connection, item: OutgoingEmail) -> EmailResult:
    s = conn.settings
    last_error = "not sent"
    for _ in range(RECONNECTS_PER_MESSAGE):
        try:
            refused = conn.get().send_message(item.message, from_addr=s.from_address, to_addrs=[item.to])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            _reset(conn)
            return EmailResult(item.key, False, f"recipient refused: {code} {_text(reply)}", transient=400 <= code < 500)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            _reset(conn)
            return EmailResult(item.key, False, f"server refused the message: {exc.smtp_code} {_text(exc.smtp_error)}",
                               transient=400 <= exc.smtp_code < 500)
        except smtplib.SMTPAuthenticationError as exc:
            conn.drop()
            return EmailResult(item.key, False, f"authentication failed: {exc.smtp_code} {_text(exc.smtp_error)}",
                               transient=True)
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            conn.drop()  # reconnect and try this message once more
            last_error = f"SMTP server {s.host}:{s.port} disconnected: {exc or type(exc).__name__}"
            continue
        except smtplib.SMTPException as exc:  # (smtplib's errors are OSErrors: keep this first)
            conn.drop()
            return EmailResult(item.key, False, f"SMTP error: {exc}", transient=True)
        except (ConnectionError, socket.timeout, OSError) as exc:
            conn.drop()
            last_error = f"SMTP server {s.host}:{s.port} unreachable: {exc or type(exc).__name__}"
            continue
        if refused:
            code, reply = next(iter(refused.values()))
            return EmailResult(item.key, False, f"recipient refused: {code} {_text(reply)}", transient=400 <= code < 500)
        return EmailResult(item.key, True)
    return EmailResult(item.key, False, last_error, transient=True)


def _reset(conn: _Connection) -> None:
    try:
        if conn.smtp is not None:
            conn.smtp.rset()
    except (smtplib.SMTPException, OSError):
        conn.drop()


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
