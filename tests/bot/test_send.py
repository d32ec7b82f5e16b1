"""/envoyer: confirmation, then the week's digest to subscribers through the same fake."""
import datetime as dt

from bot import replies
from store import open_store
from tests.bot.conftest import MODERATOR, USER
from tests.bot.data import WEEK, subscriber, week_store

MONDAY = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone.utc)   # the week just ended: 2026-W47


def test_envoyer_confirms_then_sends_without_blocking_the_bot(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir, subscribers=[
        subscriber("telegram", str(USER), regions=["FR-NOR"], nationwide=False),
        subscriber("telegram", "43", themes=["charter"]),
    ])
    bot = start_bot(config, store, when=MONDAY)
    [question] = bot.texts(MODERATOR, "/envoyer", user_id=MODERATOR)
    assert question == ("Envoyer la lettre de la <b>semaine du 16 au 22 novembre 2026</b> (2026-W47) "
                        "à 2 abonnés actifs ?")
    mid = bot.last_message(MODERATOR)["message_id"]

    bot.tap(MODERATOR, mid, "m:x", user_id=MODERATOR)                   # cancel
    assert fake.message(MODERATOR, mid)["text"] == replies.SEND_CANCELLED
    assert not fake.sent_messages(USER)

    calls = bot.tap(MODERATOR, mid, "m:e:2026-W46", user_id=MODERATOR)  # a button from another week
    assert calls[0].params["text"] == replies.SEND_STALE and not fake.sent_messages(USER)

    bot.send(MODERATOR, "/envoyer", user_id=MODERATOR)
    mid = bot.last_message(MODERATOR)["message_id"]
    fake.delay_next("sendMessage", 1.5, chat_id=USER)                     # a slow first delivery...
    bot.tap(MODERATOR, mid, f"m:e:{WEEK}", user_id=MODERATOR)
    assert fake.message(MODERATOR, mid)["text"] == "Envoi de la lettre de la semaine du 16 au 22 novembre 2026 en cours…"
    assert "reply_markup" not in fake.message(MODERATOR, mid)
    assert fake.wait_for(lambda: fake.calls("sendMessage") and any(
        c.params.get("chat_id") == USER for c in fake.calls("sendMessage")), timeout=5)
    # ...while the bot keeps answering (the send runs in a worker thread)
    assert "/file" in bot.texts(MODERATOR, "/aide", user_id=MODERATOR)[0]
    assert not fake.sent_messages(USER)                                  # still in flight
    calls = bot.tap(MODERATOR, mid, f"m:e:{WEEK}", user_id=MODERATOR)   # a second tap meanwhile
    assert calls[0].params["text"] == replies.SEND_RUNNING

    assert fake.wait_for(lambda: any("envoi terminé" in m["text"] for m in fake.sent_messages(MODERATOR)),
                         timeout=10)
    report = fake.sent_messages(MODERATOR)[-1]["text"]
    assert report.split("\n") == ["📨 Lettre de la semaine du 16 au 22 novembre 2026 : envoi terminé.",
                                  "Telegram : 2 envoyées, 0 déjà faite ou vide",
                                  "E-mail : non configuré"]
    [digest] = [m["text"] for m in fake.sent_messages(USER)]
    assert "Vigie — semaine du 16 au 22 novembre 2026" in digest and "Forum des métiers du soin à Caen" in digest
    assert "Charte" not in digest
    [digest43] = [m["text"] for m in fake.sent_messages(43)]
    assert "Charte pour le grand âge signée à Metz" in digest43 and "Forum" not in digest43
    with open_store(config.data_dir) as reopened:
        assert {d.state for d in reopened.deliveries.for_week(WEEK).values()} == {"sent"}
        assert reopened.deliveries.last_week_sent() == WEEK

    # once sent, a second /envoyer says so and sends nothing more
    [question] = bot.texts(MODERATOR, "/envoyer", user_id=MODERATOR)
    assert "déjà été envoyée" in question
    bot.tap(MODERATOR, bot.last_message(MODERATOR)["message_id"], f"m:e:{WEEK}", user_id=MODERATOR)
    assert fake.wait_for(lambda: sum(m["text"].startswith("📨") for m in fake.sent_messages(MODERATOR)) == 2,
                         timeout=10)
    assert "Telegram : 0 envoyée, 2 déjà faites ou vides" in fake.sent_messages(MODERATOR)[-1]["text"]
    assert len(fake.sent_messages(USER)) == 1
    # the bot's own store sees what the send wrote
    [stats] = bot.texts(MODERATOR, "/stats", user_id=MODERATOR)
    assert "Lettre de la semaine du 16 au 22 novembre 2026 : 2 envoyées" in stats
