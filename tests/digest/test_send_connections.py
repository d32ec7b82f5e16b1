"""send_week over several SMTP connections, from shared e-mail templates."""
import dataclasses

from pipeline.digest import send_week
from tests.digest.helpers import NOW, WEEK, SMTPSink, make_store, subscriber


def test_send_week_over_three_connections_sends_each_subscriber_their_own_copy(tmp_path, digest_config):
    subs = [dataclasses.replace(subscriber("email", f"user{i}@example.org", regions=["FR-NOR"] if i % 2 else []),
                                unsubscribe_token=f"Jeton{i:03d}") for i in range(24)]
    with SMTPSink(delay=0.005) as sink:
        config = digest_config(smtp_port=sink.port)
        config = dataclasses.replace(config, email=dataclasses.replace(config.email, connections=3))
        store = make_store(config.data_dir, subscribers=subs)
        report = send_week(config, store, WEEK, now=NOW)
        assert report.email.sent == 24 and sink.connections == 3
        got = sink.by_recipient()
        assert sorted(len(m) for m in got.values()) == [1] * 24
        for i in range(24):
            msg = got[f"user{i}@example.org"][0]
            html = msg.get_body(("html",)).get_content()
            text = msg.get_body(("plain",)).get_content()
            assert f"jeton=Jeton{i:03d}" in html and f"jeton=Jeton{i:03d}" in text
            assert f"Jeton{i:03d}" in msg["List-Unsubscribe"] and msg["To"] == f"user{i}@example.org"
        ids = {got[f"user{i}@example.org"][0]["Message-ID"] for i in range(24)}
        assert len(ids) == 24
        assert send_week(config, store, WEEK, now=NOW).email.sent == 0 and len(sink.messages) == 24
    store.close()
