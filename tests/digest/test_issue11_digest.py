"""Issue 11, digest items 2 to 5 and `[digest] agenda_days`, through the CLI and the digest files."""
import datetime as dt
import email
import email.policy

from cli.main import main as vigie
from digest.build import build_week
from digest.weeks import french_weekday, send_day_sentence
from pipeline.jobs import digest_job
from store import open_store
from tests.digest.helpers import NOW, WEEK, SMTPSink, article, make_store, sample_articles, subscriber
from tests.fakes.bot_api import FakeBotAPI

LABEL = "semaine du 16 au 22 novembre 2026"


def _subs():
    return [subscriber("telegram", "1001"), subscriber("email", "alice@example.org")]


def test_send_without_telegram_token_leaves_the_week_open_for_telegram(tmp_path, digest_config, capsys):
    with SMTPSink() as sink:
        config = digest_config(smtp_port=sink.port)
        make_store(config.data_dir, subscribers=_subs()).close()
        code = vigie(["--config", str(config.path), "digest", "--week", WEEK, "--send"])
        out = capsys.readouterr().out
        assert code == 1
        assert "telegram: NOT SENT to 1 active subscriber" in out and "VIGIE_TELEGRAM_TOKEN" in out
        assert set(sink.by_recipient()) == {"alice@example.org"}
    with open_store(config.data_dir) as store:
        assert store.deliveries.last_week_sent("email") == WEEK
        assert store.deliveries.last_week_sent("telegram") is None
        assert store.deliveries.last_week_sent() is None
    # once the token is set, the scheduled job still sends the week to Telegram, and only there
    with FakeBotAPI() as fake, SMTPSink() as sink:
        config = digest_config(smtp_port=sink.port, bot_url=fake.url)
        with open_store(config.data_dir) as store:
            report = digest_job(config, store, now=NOW)
            assert report.telegram.sent == 1 and report.email.skipped == 1
            assert store.deliveries.last_week_sent() == WEEK == store.deliveries.last_week_sent("telegram")
        assert fake.sent_messages(1001) and not sink.by_recipient()


def test_send_without_email_configured_exits_non_zero(tmp_path, digest_config, capsys):
    with FakeBotAPI() as fake:
        config = digest_config(bot_url=fake.url)
        make_store(config.data_dir, subscribers=_subs()).close()
        code = vigie(["--config", str(config.path), "digest", "--week", WEEK, "--send"])
        out = capsys.readouterr().out
        assert code == 1 and "email: NOT SENT to 1 active subscriber" in out and "[email] host" in out
        assert fake.sent_messages(1001)
    with open_store(config.data_dir) as store:
        assert store.deliveries.last_week_sent("telegram") == WEEK
        assert store.deliveries.last_week_sent("email") is None and store.deliveries.last_week_sent() is None


def test_unconfigured_channel_without_subscribers_does_not_block(tmp_path, digest_config, capsys):
    with SMTPSink() as sink:
        config = digest_config(smtp_port=sink.port)
        make_store(config.data_dir, subscribers=[subscriber("email", "alice@example.org")]).close()
        assert vigie(["--config", str(config.path), "digest", "--week", WEEK, "--send"]) == 0
        assert "telegram: off (not configured, no active subscriber)" in capsys.readouterr().out
    with open_store(config.data_dir) as store:
        assert store.deliveries.last_week_sent() == WEEK


def test_preview_writes_to_out_only(tmp_path, digest_config, capsys):
    config = digest_config()
    make_store(config.data_dir, subscribers=_subs()).close()
    out = tmp_path / "apercu"
    assert vigie(["--config", str(config.path), "digest", "--week", "2026-W40", "--preview", "--out", str(out)]) == 0
    assert vigie(["--config", str(config.path), "digest", "--week", WEEK, "--preview", "--out", str(out)]) == 0
    paths = [line.strip() for line in capsys.readouterr().out.splitlines() if line.startswith("  ")]
    assert paths and all(p.startswith(str(out)) for p in paths)
    assert not (config.data_dir / "web").exists()
    assert (out / "web" / f"{WEEK}.html").exists()


def _eml(out, name):
    return email.message_from_bytes((out / name).read_bytes(), policy=email.policy.default)


def test_title_page_and_subject_name_the_week_of_the_news(tmp_path, digest_config, capsys):
    config = digest_config()
    make_store(config.data_dir, subscribers=_subs()).close()
    out = tmp_path / "apercu"
    assert vigie(["--config", str(config.path), "digest", "--week", WEEK, "--preview", "--out", str(out)]) == 0
    msg = _eml(out, f"{WEEK}-email-em-alice_example.org.eml")
    assert msg["Subject"].startswith(f"Vigie — {LABEL} : ")
    assert f"Vigie — {LABEL}" in msg.get_body(("plain",)).get_content()
    assert f"<h1>Vigie — {LABEL}</h1>" in (out / "web" / f"{WEEK}.html").read_text(encoding="utf-8")
    assert LABEL.capitalize() in (out / "web" / "index.html").read_text(encoding="utf-8")
    assert f"Vigie — {LABEL}" in (out / f"{WEEK}-telegram-tg-1001.html").read_text(encoding="utf-8")


def test_email_footer_links_are_separated(tmp_path, digest_config, capsys):
    config = digest_config(extra="")
    make_store(config.data_dir, subscribers=_subs()).close()
    out = tmp_path / "apercu"
    assert vigie(["--config", str(config.path), "digest", "--week", WEEK, "--preview", "--out", str(out)]) == 0
    html = _eml(out, f"{WEEK}-email-em-alice_example.org.eml").get_body(("html",)).get_content()
    assert "Se désabonner</a>." not in html and "</a>.<a" not in html
    assert "Se désabonner</a> · <a" in html and ">Lire en ligne</a>" in html


def test_send_day_in_french():
    assert [french_weekday(c) for c in ("mon", "wed", "sun")] == ["lundi", "mercredi", "dimanche"]
    assert send_day_sentence("fri") == "Chaque vendredi"


def test_agenda_days_setting_is_used(tmp_path, digest_config):
    # announced the week before, so it can only show in this week's agenda
    far = article(20, "Salon du grand âge", event_date="2027-01-20", story="s-far", day=10)
    config = digest_config(extra="\n[digest]\nagenda_days = 90\n")
    make_store(config.data_dir, articles=[*sample_articles(), far]).close()
    with open_store(config.data_dir) as store:
        assert "s-far" not in [s.id for s in build_week(store, WEEK).agenda]          # default: 42 days
    with FakeBotAPI() as fake:
        config = digest_config(bot_url=fake.url, extra="\n[digest]\nagenda_days = 90\n")
        with open_store(config.data_dir) as store:
            store_sub = subscriber("telegram", "1001")
            with store.writing():
                store.subscribers.put(store_sub)
            from pipeline.digest import send_week
            send_week(config, store, WEEK, now=NOW)
        text = " ".join(m["text"] for m in fake.sent_messages(1001))
        assert "Salon du grand âge" in text
