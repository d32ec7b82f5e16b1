"""SMTP faults with real servers on 127.0.0.1: a silent server (accepts, never greets)
stops the batch after a few connection failures; a connection dropped after DATA, before
the server's answer, is "uncertain" and not resent in the same run."""
import dataclasses
import socket
import threading
import time
from email.message import EmailMessage

from config import load_config
from delivery.email.sender import OutgoingEmail, send_emails
from tests.digest.helpers import SMTPSink, email_toml


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def settings_for(tmp_path, port: int, **overrides):
    (tmp_path / "config.toml").write_text('[vigie]\ndata_dir = "data"\n' + email_toml(port), encoding="utf-8")
    settings = load_config(tmp_path / "config.toml").email
    return dataclasses.replace(settings, **overrides)


def mail(n: int) -> OutgoingEmail:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "veille@vigie.example.org", f"u{n}@example.org", "Vigie"
    msg.set_content("Bonjour")
    return OutgoingEmail(key=f"k{n}", to=f"u{n}@example.org", message=msg)


def test_silent_server_stops_the_batch_after_three_connection_failures(tmp_path):
    with SilentServer() as server:
        settings = settings_for(tmp_path, server.port, timeout=0.3)
        start = time.monotonic()
        results = send_emails(settings, None, [mail(n) for n in range(50)])
        elapsed = time.monotonic() - start
    assert len(results) == 50 and not any(r.ok for r in results)
    assert len(server.accepted) == 3                       # three connections tried, no more
    assert elapsed < 3 * 0.3 + 1.5                         # not 2 x timeout x 50 addresses
    attempted = [r for r in results if r.attempted]
    assert len(attempted) == 2 and all(r.transient and f"127.0.0.1:{server.port}" in r.error for r in attempted)
    left = [r for r in results if not r.attempted]
    assert len(left) == 48 and "left for the next run" in left[0].error


def test_connection_failures_limit_is_configurable(tmp_path):
    (tmp_path / "config.toml").write_text('[vigie]\ndata_dir = "data"\n' + email_toml(1)
                                          + "max_connection_failures = 1\n", encoding="utf-8")
    settings = load_config(tmp_path / "config.toml").email
    assert settings.max_connection_failures == 1
    results = send_emails(settings, None, [mail(n) for n in range(5)])   # nothing listens on port 1
    assert [r.attempted for r in results] == [True, False, False, False, False]


def test_connection_dropped_after_data_is_uncertain_and_not_resent_now(tmp_path):
    with SMTPSink(drop_after=1) as sink:                   # the second message: dropped before "250"
        settings = settings_for(tmp_path, sink.port)
        results = send_emails(settings, None, [mail(n) for n in range(4)])
        assert [r.ok for r in results] == [True, False, True, True]
        assert results[1].uncertain and results[1].transient and results[1].attempted
        assert sorted(sink.by_recipient()) == ["u0@example.org", "u2@example.org", "u3@example.org"]
        assert sink.connections == 2                       # reconnected for the others
