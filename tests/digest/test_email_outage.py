"""A silent SMTP server during `send_week`: the batch stops early, the week stays pending."""
import dataclasses

from config import load_config
from pipeline.digest import send_week
from tests.delivery.test_email_faults import SilentServer
from tests.digest.helpers import NOW, WEEK, SMTPSink, make_store, subscriber


def test_silent_server_leaves_the_week_pending_for_the_next_run(tmp_path, digest_config):
    subs = [subscriber("email", f"user{i}@example.org") for i in range(20)]
    with SilentServer() as server:
        config = digest_config(smtp_port=server.port)
        text = config.path.read_text(encoding="utf-8").replace("timeout = 5", "timeout = 0.3")
        config.path.write_text(text, encoding="utf-8")
        config = load_config(config.path)
        store = make_store(config.data_dir, subscribers=subs)
        report = send_week(config, store, WEEK, now=NOW)
    assert report.email.sent == 0 and len(report.email.retry) == 20
    states = {d.subscriber: (d.state, d.attempts) for d in store.deliveries.for_week(WEEK).values()}
    assert sum(1 for s, a in states.values() if (s, a) == ("retry", 1)) == 2
    assert sum(1 for s, a in states.values() if (s, a) == ("pending", 0)) == 18
    with SMTPSink() as sink:                               # the server is back: the next run sends all
        config = dataclasses.replace(config, email=dataclasses.replace(config.email, port=sink.port))
        again = send_week(config, store, WEEK, now=NOW)
        assert again.email.sent == 20 and len(sink.messages) == 20
