"""A Telegram digest resumes after its last confirmed part (journalled part by part)."""
from digest.build import build_week, personalise
from digest.render import telegram_messages
from digest.view import digest_view
from pipeline.digest import archive_url, send_week
from store import Delivery, open_store
from store.deliveries import DeliveryStore
from tests.digest.helpers import NOW, WEEK, make_store, subscriber
from tests.digest.test_random_kills import long_week
from tests.fakes.bot_api import FakeBotAPI


def rendered_parts(config, store, chat: int) -> list[str]:
    week = build_week(store, WEEK, config.timezone)
    return telegram_messages(digest_view(personalise(week, store.subscribers.get(f"tg-{chat}")),
                                         archive_url(config, WEEK)))


def test_parts_journalled_by_a_killed_run_are_not_sent_again(digest_config):
    with FakeBotAPI() as fake:
        config = digest_config(bot_url=fake.url)
        store = make_store(config.data_dir, articles=long_week(), subscribers=[subscriber("telegram", "42")])
        parts = rendered_parts(config, store, 42)
        assert len(parts) >= 3
        with store.writing():                     # the record written before the batch started
            store.deliveries.put(Delivery(week=WEEK, subscriber="tg-42", channel="telegram"))
        store.close()
        # a run that confirmed two parts, then died: its journal is all that is left of it
        killed = DeliveryStore(config.data_dir / "deliveries.json")
        killed.record_part(WEEK, "tg-42", 0, 501)
        killed.record_part(WEEK, "tg-42", 1, 502)
        killed.close_journal()
        with open_store(config.data_dir) as store:
            report = send_week(config, store, WEEK, now=NOW)
            assert report.telegram.sent == 1
            record = store.deliveries.get(WEEK, "tg-42")
            assert record.state == "sent" and record.message_ids[:2] == [501, 502]
            assert len(record.message_ids) == len(parts)
        assert [m["text"] for m in fake.sent_messages(42)] == parts[2:]
