"""A subscriber row with an unusable e-mail address (CR/LF, NUL, bidi, garbage) costs its
own delivery only: the e-mail run and the preview skip it, say so, and go on."""
import logging

from pipeline.digest import preview_week, send_week
from pipeline.subscriptions import SubscriptionError, request_email
from store import Subscriber
from tests.digest.helpers import NOW, WEEK, SMTPSink, make_store, subscriber

BAD = ["evil@example.org\r\nBcc: everyone@example.org", "nul\x00@example.org", "rlo\u202e@example.org",
       "pas une adresse"]


def rows():
    good = [subscriber("email", "alice@example.org"), subscriber("email", "bob@example.org")]
    # written straight to the store, as an old version or a hand edit could have
    bad = [Subscriber(id=f"em-bad{n}", channel="email", address=a, unsubscribe_token=f"t{n}") for n, a in enumerate(BAD)]
    return [good[0], *bad, good[1]]


def test_send_skips_and_reports_bad_addresses_and_delivers_the_others(digest_config):
    with SMTPSink() as sink:
        config = digest_config(smtp_port=sink.port)
        store = make_store(config.data_dir, subscribers=rows())
        report = send_week(config, store, WEEK, now=NOW)
        assert report.email.sent == 2
        assert sorted(sink.by_recipient()) == ["alice@example.org", "bob@example.org"]
        failed = dict(report.email.failed)
        assert sorted(failed) == [f"em-bad{n}" for n in range(len(BAD))]
        assert all(reason.startswith("invalid address") for reason in failed.values())
        assert store.deliveries.get(WEEK, "em-bad0").state == "failed"
        assert send_week(config, store, WEEK, now=NOW).email.sent == 0        # and the rerun is quiet


def test_preview_skips_and_reports_bad_addresses(digest_config, tmp_path, caplog):
    config = digest_config()
    store = make_store(config.data_dir, subscribers=rows())
    with caplog.at_level(logging.WARNING):
        paths = preview_week(config, store, WEEK, tmp_path / "out")
    names = [p.name for p in paths]
    assert f"{WEEK}-email-em-alice_example.org.eml" in names and f"{WEEK}-email-em-bob_example.org.eml" in names
    assert not any("bad" in name for name in names)
    assert sum("invalid address" in r.message for r in caplog.records) == len(BAD)


def test_opt_in_refuses_control_and_bidi_characters(tmp_path):
    store = make_store(tmp_path)
    for address in ("a\x00b@example.org", "a\u202eb@example.org"):
        try:
            request_email(store, 42, address, user_id=42)
            raise AssertionError(f"accepted {address!r}")
        except SubscriptionError as exc:
            assert "n'est pas une adresse électronique valide" in str(exc)
