"""Send a batch of e-mails over one or several SMTP connections, reconnecting when the
server drops.

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

import queue
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Callable, Iterable

from config.schema import EmailSettings

RECONNECTS_PER_MESSAGE = 2
PREFETCH_PER_CONNECTION = 8     # messages prepared ahead of the connections, per connection


@dataclass
class OutgoingEmail:
    key: str
    to: str
    message: EmailMessage | bytes   # bytes: already serialised (digests: delivery.email.mime, EmailTemplate)


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


class _Health:
    """Connection failures in a row, shared by every connection of a batch."""

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self.failures = 0
        self.lock = threading.Lock()
        self.up = threading.Event()     # a connection opened once: the others may start

    @property
    def given_up(self) -> bool:
        return self.failures >= self.limit

    def failed(self) -> None:
        with self.lock:
            self.failures += 1

    def opened(self) -> None:
        with self.lock:
            self.failures = 0
        self.up.set()


class _Connection:
    def __init__(self, settings: EmailSettings, password: str | None, health: _Health | None = None):
        self.settings = settings
        self.password = password
        self.smtp: _SMTP | _SMTPSSL | None = None
        self.health = health or _Health(settings.max_connection_failures)

    @property
    def failures(self) -> int:
        return self.health.failures

    @property
    def given_up(self) -> bool:
        return self.health.given_up

    def get(self) -> _SMTP | _SMTPSSL:
        if self.smtp is None:
            try:
                self.smtp = self._open()
            except smtplib.SMTPAuthenticationError:
                raise
            except (smtplib.SMTPException, OSError):
                self.health.failed()
                raise
            self.health.opened()
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


class _Batch:
    """What the connections of one batch share: the items (taken one at a time), the
    results (reported one at a time), the connection health and a fatal error."""

    def __init__(self, settings: EmailSettings, items: Iterable[OutgoingEmail],
                 on_result: Callable[[EmailResult], None] | None):
        self.settings = settings
        self.health = _Health(settings.max_connection_failures)
        self.items = enumerate(items)
        self.on_result = on_result
        self.results: list[tuple[int, EmailResult]] = []
        self.fatal: str | None = None
        self.error: BaseException | None = None   # raised by the item source or on_result: stop
        self.take_lock = threading.Lock()
        self.report_lock = threading.Lock()

    def take(self) -> tuple[int, OutgoingEmail] | None:
        with self.take_lock:
            if self.error is not None:
                return None
            try:
                return next(self.items, None)
            except BaseException as exc:  # noqa: BLE001 - re-raised by send_emails
                self.error = exc
                return None

    def report(self, index: int, result: EmailResult) -> bool:
        """Record a result (on_result at once, one at a time); False: stop this connection."""
        with self.report_lock:
            if result.error and result.error.startswith("authentication"):
                self.fatal = result.error  # no point trying the others with bad credentials
            self.results.append((index, result))
            if self.on_result is None or self.error is not None:
                return self.error is None
            try:
                self.on_result(result)
            except BaseException as exc:  # noqa: BLE001 - re-raised by send_emails
                self.error = exc
                return False
            return True

    def run_after_first(self, password: str | None, first_done: threading.Event) -> None:
        """An extra connection: opened only once the first one reached the server, so an
        unreachable server sees one connection at a time, as with a single connection."""
        while not self.health.up.wait(0.05):
            if first_done.is_set():
                return
        self.run(password)

    def run(self, password: str | None) -> None:
        """One connection's loop: take, send, report, until the items run out."""
        conn = _Connection(self.settings, password, self.health)
        try:
            while (taken := self.take()) is not None:
                index, item = taken
                s = self.settings
                if conn.given_up:
                    result = EmailResult(item.key, False, f"not attempted: SMTP server {s.host}:{s.port} "
                                         f"unreachable ({conn.failures} connections failed in a row); left for "
                                         "the next run", transient=True, attempted=False)
                elif self.fatal:
                    result = EmailResult(item.key, False, self.fatal, transient=True)
                else:
                    result = _send_one(conn, item)
                if not self.report(index, result):
                    return
        finally:
            conn.quit()


class _Prefetched:
    """The items, drawn from their source by a thread of their own up to `ahead` items in
    advance: a source that renders as it goes works while the connections wait for the
    server (sockets release the GIL), instead of between two messages. An exception of
    the source is raised by `next` in its turn; `close` stops the thread."""

    _END = object()

    def __init__(self, items: Iterable[OutgoingEmail], ahead: int):
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, ahead))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._fill, args=(iter(items),), name="smtp-source", daemon=True)
        self._thread.start()

    def _fill(self, source) -> None:
        try:
            for item in source:
                if not self._put((item, None)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            self._put((self._END, exc))
            return
        self._put((self._END, None))

    def _put(self, entry) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self):
        return self

    def __next__(self) -> OutgoingEmail:
        item, error = self._queue.get()
        if item is self._END:
            self._queue.put((self._END, error))    # every later call ends the same way
            if error is not None:
                raise error
            raise StopIteration
        return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def send_emails(settings: EmailSettings, password: str | None, items: Iterable[OutgoingEmail],
                on_result: Callable[[EmailResult], None] | None = None,
                connections: int | None = None) -> list[EmailResult]:
    """Send every item over up to `connections` SMTP connections (default
    `settings.connections`), each in its own thread; results in input order.

    `on_result` is called for each result as soon as the server answered, one call at a
    time, before that connection takes its next item: with N connections at most N
    messages are in flight, unconfirmed. The item source is read one item at a time
    under a lock, so a generator (rendering as the batch goes) is fine. The extra
    connections open once the first one reached the server. An exception
    from the source or from `on_result` stops every connection after its current
    message and is re-raised. The source is drawn by a thread of its own, a few items
    ahead of the connections (see `_Prefetched`): it must not share unlocked state with
    `on_result`."""
    count = max(1, connections if connections is not None else settings.connections)
    source = _Prefetched(items, PREFETCH_PER_CONNECTION * count)
    batch = _Batch(settings, source, on_result)
    first_done = threading.Event()
    extra = [threading.Thread(target=batch.run_after_first, args=(password, first_done), name=f"smtp-{n}",
                              daemon=True) for n in range(1, count)]
    for thread in extra:
        thread.start()
    try:
        batch.run(password)
    finally:
        first_done.set()
        for thread in extra:
            thread.join()
        source.close()
    if batch.error is not None:
        raise batch.error
    return [result for _, result in sorted(batch.results, key=lambda pair: pair[0])]


def _send_one(conn: _Connection, item: OutgoingEmail) -> EmailResult:
    s = conn.settings
    last_error = "not sent"
    for _ in range(RECONNECTS_PER_MESSAGE):
        if conn.given_up:
            break
        smtp = None
        try:
            smtp = conn.get()
            if isinstance(item.message, bytes):
                refused = smtp.sendmail(s.from_address, [item.to], item.message)
            else:
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
