"""Sending the week: real SMTP (aiosmtpd) and python-telegram-bot against a fake Bot API."""
import pytest

from pipeline.digest import DeliveryUnavailable, send_week
from tests.digest.helpers import NOW, WEEK, SMTPSink, make_store, subscriber
from tests.fakes.bot_api import FakeBotAPI


def email_subs():
    return [subscriber("email", "alice@example.org", regions=["FR-NOR"]),
            subscriber("email", "bob@example.org", themes=["charter", "campaign"]),
            subscriber("email", "carol@example.org", regions=["FR-COR"], nationwide=False)]


def test_email_digest_multipart_headers_and_once_only(tmp_path, digest_config):
    with SMTPSink() as sink:
        config = digest_config(smtp_port=sink.port)
        store = make_store(config.data_dir, subscribers=email_subs())
        report = send_week(config, store, WEEK, now=NOW)
        assert (report.email.sent, report.email.skipped) == (2, 1)   # carol has nothing this week
        assert not report.telegram.enabled
        assert sink.connections == 1                                  # one connection for the batch
        got = sink.by_recipient()
        assert set(got) == {"alice@example.org", "bob@example.org"}
        msg = got["alice@example.org"][0]
        assert msg["Subject"] == "Vigie — semaine du 16 au 22 novembre 2026 : 2 initiatives"
        assert msg["From"] == "Vigie <veille@vigie.example.org>" and msg["To"] == "alice@example.org"
        assert msg["Message-ID"].startswith("<vigie.2026-W47.") and msg["Date"]
        assert msg["List-Id"] == "Vigie <veille.vigie.example.org>"
        # only the one-click link: no mailbox reads unsubscribe mails, so no mailto is advertised
        assert msg["List-Unsubscribe"] == "<https://veille.example.org/desabonnement?jeton=tok-alice@example.org>"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        text = msg.get_body(("plain",)).get_content()
        html_part = msg.get_body(("html",)).get_content()
        assert "Forum des métiers du soin à Caen" in text and "Aussi dans Ouest Soins : https://" in text
        assert "Forum des métiers du soin à Caen" in html_part and "Charte" not in html_part
        assert "Agenda" in html_part and "jeudi 3 décembre 2026" in html_part
        # a rerun sends nothing more
        again = send_week(config, store, WEEK, now=NOW)
        assert again.email.sent == 0 and again.email.skipped == 3
        assert len(sink.messages) == 2


def test_refused_recipient_is_recorded_and_the_batch_goes_on(tmp_path, digest_config):
    with SMTPSink(refuse={"bob@example.org"}) as sink:
        config = digest_config(smtp_port=sink.port)
        store = make_store(config.data_dir, subscribers=email_subs())
        report = send_week(config, store, WEEK, now=NOW)
        assert report.email.sent == 1
        assert report.email.failed == [("em-bob@example.org", "recipient refused: 550 5.1.1 Mailbox unavailable")]
        assert store.deliveries.get(WEEK, "em-bob@example.org").state == "failed"
        assert set(sink.by_recipient()) == {"alice@example.org"}


def test_server_dropping_after_data_reconnects_and_leaves_that_address_for_a_later_run(tmp_path, digest_config):
    subs = [subscriber("email", f"user{i}@example.org") for i in range(6)]
    with SMTPSink(drop_after=2) as sink:       # the third message: dropped after DATA, before "250"
        config = digest_config(smtp_port=sink.port)
        store = make_store(config.data_dir, subscribers=subs)
        report = send_week(config, store, WEEK, now=NOW)
        assert report.email.sent == 5 and sink.connections == 2
        [(uncertain, reason)] = report.email.retry
        assert uncertain == "em-user2@example.org" and reason.startswith("uncertain")
        assert store.deliveries.get(WEEK, uncertain).state == "uncertain"
        assert "user2@example.org" not in sink.by_recipient()        # not resent in the same run
        again = send_week(config, store, WEEK, now=NOW)               # a later run sends it
        assert again.email.sent == 1 and store.deliveries.last_week_sent() == WEEK
        assert sorted(sink.by_recipient()) == sorted(s.address for s in subs)
        assert all(len(v) == 1 for v in sink.by_recipient().values())


def test_smtp_outage_is_transient_and_retried_later(tmp_path, digest_config):
    config = digest_config(smtp_port=1)  # nothing listens there
    store = make_store(config.data_dir, subscribers=email_subs()[:1])
    report = send_week(config, store, WEEK, now=NOW)
    assert report.email.sent == 0 and len(report.email.retry) == 1
    assert "unreachable" in report.email.retry[0][1]
    record = store.deliveries.get(WEEK, "em-alice@example.org")
    assert record.state == "retry" and record.attempts == 1
    with SMTPSink() as sink:  # the server is back
        config = digest_config(smtp_port=sink.port)
        report = send_week(config, store, WEEK, now=NOW)
        assert report.email.sent == 1 and len(sink.messages) == 1


def test_no_channel_configured_says_so(tmp_path, digest_config):
    config = digest_config()
    store = make_store(config.data_dir, subscribers=email_subs())
    with pytest.raises(DeliveryUnavailable, match="no delivery channel is configured"):
        send_week(config, store, WEEK, now=NOW)


def test_telegram_digest_rate_limit_and_blocked_user(tmp_path, digest_config):
    subs = [subscriber("telegram", str(100 + i)) for i in range(5)]
    with FakeBotAPI() as fake:
        fake.blocked_chats.add(103)
        fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=101)
        config = digest_config(bot_url=fake.url)
        store = make_store(config.data_dir, subscribers=subs)
        report = send_week(config, store, WEEK, now=NOW)
        assert report.telegram.sent == 4 and report.telegram.deactivated == ["tg-103"]
        assert store.subscribers.get("tg-103").active is False
        for chat in (100, 101, 102, 104):
            sent = fake.sent_messages(chat)
            assert len(sent) == 1
            assert sent[0]["parse_mode"] == "HTML"
            assert "Forum des métiers du soin à Caen" in sent[0]["text"]
        again = send_week(config, store, WEEK, now=NOW)
        assert again.telegram.sent == 0 and len(fake.sent_messages()) == 4


def test_empty_week_sends_a_short_note_when_configured(tmp_path, digest_config):
    with SMTPSink() as sink:
        config = digest_config(smtp_port=sink.port, extra="\n[digest]\nempty_note = true\n")
        store = make_store(config.data_dir, subscribers=email_subs()[2:])   # carol: nothing for her
        report = send_week(config, store, WEEK, now=NOW)
        assert report.email.sent == 1
        (message,) = sink.by_recipient()["carol@example.org"]
        assert message["Subject"] == "Vigie — semaine du 16 au 22 novembre 2026 : aucune nouvelle initiative"
        assert "Aucune nouvelle initiative cette semaine" in message.get_body(("plain",)).get_content()
