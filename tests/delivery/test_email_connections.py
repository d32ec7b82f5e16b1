"""Several SMTP connections in one batch: each message once, results reported one at a time."""
import threading

from delivery.email.sender import OutgoingEmail, send_emails
from tests.delivery.test_email_faults import SilentServer, mail, settings_for
from tests.digest.helpers import SMTPSink


def test_three_connections_deliver_each_message_once_in_input_order(tmp_path):
    with SMTPSink(delay=0.01) as sink:
        settings = settings_for(tmp_path, sink.port, connections=3)
        busy = threading.Lock()
        overlaps = []

        def on_result(result):
            if not busy.acquire(blocking=False):
                overlaps.append(result.key)
                return
            try:
                threading.Event().wait(0.001)
            finally:
                busy.release()

        results = send_emails(settings, None, [mail(n) for n in range(30)], on_result)
        assert [r.key for r in results] == [f"k{n}" for n in range(30)] and all(r.ok for r in results)
        assert sink.connections == 3 and not overlaps
        assert sorted(len(m) for m in sink.by_recipient().values()) == [1] * 30


def test_raw_bytes_are_sent_as_given(tmp_path):
    with SMTPSink() as sink:
        item = mail(0)
        raw = OutgoingEmail(key="raw", to=item.to, message=bytes(item.message))
        [result] = send_emails(settings_for(tmp_path, sink.port), None, [raw])
        assert result.ok
        [(rcpts, msg)] = sink.messages
        assert rcpts == [item.to] and msg["Subject"] == item.message["Subject"]


def test_unreachable_server_sees_one_connection_at_a_time(tmp_path):
    """Extra connections open only once the first reached the server: a silent server
    costs the same attempts as with one connection, the rest is left for the next run."""
    with SilentServer() as server:
        settings = settings_for(tmp_path, server.port, connections=4, timeout=0.3)
        results = send_emails(settings, None, [mail(n) for n in range(6)])
    attempted = [r for r in results if r.attempted]
    assert len(server.accepted) == 3 and len(attempted) == 2 and not any(r.ok for r in results)
    assert all(not r.attempted and r.transient for r in results[2:])


def test_an_on_result_failure_stops_every_connection(tmp_path):
    with SMTPSink(delay=0.01) as sink:
        settings = settings_for(tmp_path, sink.port, connections=3)
        seen = []

        def on_result(result):
            seen.append(result.key)
            if len(seen) == 5:
                raise RuntimeError("journal full")

        try:
            send_emails(settings, None, [mail(n) for n in range(40)], on_result)
        except RuntimeError as exc:
            assert "journal full" in str(exc)
        else:
            raise AssertionError("on_result's error was not re-raised")
        assert len(sink.messages) <= 5 + 2      # the other connections finish their current message only


def test_the_source_is_drawn_ahead_of_the_connection_but_bounded(tmp_path):
    """Messages are prepared while the server answers (a source that renders as it goes
    overlaps the network wait), but never more than a few ahead: memory stays flat."""
    from delivery.email.sender import PREFETCH_PER_CONNECTION
    drawn = []
    ahead_at_send = []

    with SMTPSink(delay=0.02) as sink:
        def source():
            for n in range(60):
                drawn.append(n)
                yield mail(n)

        def on_result(result):
            ahead_at_send.append(len(drawn) - (int(result.key[1:]) + 1))

        results = send_emails(settings_for(tmp_path, sink.port), None, source(), on_result)
    assert all(r.ok for r in results) and len(sink.messages) == 60
    assert max(ahead_at_send) >= 2                                  # prepared during the wait
    assert max(ahead_at_send) <= PREFETCH_PER_CONNECTION + 2        # but bounded


def test_an_error_of_the_source_is_raised_after_the_messages_before_it(tmp_path):
    with SMTPSink() as sink:
        def source():
            yield from (mail(n) for n in range(3))
            raise ValueError("rendering broke")

        try:
            send_emails(settings_for(tmp_path, sink.port, connections=2), None, source())
        except ValueError as exc:
            assert "rendering broke" in str(exc)
        else:
            raise AssertionError("the source's error was not re-raised")
        assert len(sink.messages) == 3
