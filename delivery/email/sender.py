"""Send a batch of e-mails over one SMTP connection, reconnecting when the server drops.

Per-recipient refusals are recorded and the batch goes on; 4xx answers and lost
connections are transient (tried again on a later run), 5xx answers are permanent.

Two faults are never turned into a resend in the same breath:

* a connection lost (or timed out) once the message was handed over with DATA but
  before the server answered is *uncertain*: the server may have accepted it. It is not
  sent again in this run; a later run may (same Message-ID, so clients fold a repeat).
* after `max_connection_failures` connections in a row failed (refused, silent server
  that never greets, TLS or login cut), the batch stops: the remaining e-mails are not
  attempted (``attempted=False``) and are left for the next run.
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
    uncertain: bool = False      # connection lost after DATA, before the answer: maybe delivered
    attempted: bool = True       # False: the batch stopped before this one (server unreachable)


class _SMTPStage:
    """Remembers whether the message was handed over (DATA) on this connection."""
    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)  # type: ignore[misc]


class _SMTP(_SMTPStage, smtplib.SMTP):
    pass


class _SMTPSSL(_SMTPStage, smtplib.SMTP_SSL):
    pass


class _Connection:
    def __init__(self, settings: EmailSettings, password: str | None):
        self.settings = settings
        self.password = password
        self.smtp: _SMTP | _SMTPSSL | None = None
        self.failures = 0            # connections that failed in a row

    @property
    def given_up(self) -> bool:
        return self.failures >= max(1, self.settings.max_connection_failures)

    def get(self) -> _SMTP | _SMTPSSL:
        if self.smtp is None:
            try:
                self.smtp = self._open()
            except smtplib.SMTPAuthenticationError:
                raise
            except (smtplib.SMTPException, OSError):
                self.failures += 1
                raise
            self.failures = 0
        self.smtp.data_started = False
        return self.smtp

    def _open(self) -> _SMTP | _SMTPSSL:
        s = self.settings
        if s.security == "ssl":
            smtp: _SMTP | _SMTPSSL = _SMTPSSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        else:
            smtp = _SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

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
            if conn.given_up:
                result = EmailResult(item.key, False, f"not attempted: SMTP server {settings.host}:{settings.port} "
                                     f"unreachable ({conn.failures} connections failed in a row); left for the next run",
                                     transient=True, attempted=False)
            else:
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
        if conn.given_up:
            break
        smtp = None
        try:
            smtp = conn.get()
            refused = smtp.send_message(item.message, from_addr=s.from_address, to_addrs=[item.to])
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
            conn.drop()
            last_error = f"SMTP server {s.host}:{s.port} disconnected: {exc or type(exc).__name__}"
            if smtp is not None and smtp.data_started:
                return _uncertain(item, last_error)
            continue  # reconnect and try this message once more
        except smtplib.SMTPException as exc:  # (smtplib's errors are OSErrors: keep this first)
            conn.drop()
            return EmailResult(item.key, False, f"SMTP error: {exc}", transient=True)
        except (ConnectionError, socket.timeout, OSError) as exc:
            conn.drop()
            last_error = f"SMTP server {s.host}:{s.port} unreachable: {exc or type(exc).__name__}"
            if smtp is not None and smtp.data_started:
                return _uncertain(item, last_error)
            continue
        if refused:
            code, reply = next(iter(refused.values()))
            return EmailResult(item.key, False, f"recipient refused: {code} {_text(reply)}", transient=400 <= code < 500)
        return EmailResult(item.key, True)
    return EmailResult(item.key, False, last_error, transient=True)


def _uncertain(item: OutgoingEmail, error: str) -> EmailResult:
    return EmailResult(item.key, False, f"uncertain, not resent in this run: {error} after the message was "
                       "handed over, before the server confirmed it", transient=True, uncertain=True)


def _reset(conn: _Connection) -> None:
    try:
        if conn.smtp is not None:
            conn.smtp.rset()
    except (smtplib.SMTPException, OSError):
        conn.drop()


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
