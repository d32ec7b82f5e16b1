"""Issue 10 item 4, bot side: a chat with a linked e-mail subscription changes both with
/regions and /themes, and /desabonner asks which channel to stop."""
from store import Subscriber
from tests.bot.conftest import USER
from tests.bot.data import subscriber, week_store
from tests.bot.harness import button

ALICE = Subscriber.make_id("email", "alice@example.org")
TG = Subscriber.make_id("telegram", str(USER))


def _store(config):
    tg = subscriber("telegram", str(USER))
    tg.telegram_user = USER
    email = subscriber("email", "alice@example.org")
    email.telegram_user, email.confirmed = USER, True
    return week_store(config.data_dir, subscribers=[tg, email])


def test_regions_and_themes_change_both_records(bot_config, start_bot, fake):
    config = bot_config()
    store = _store(config)
    bot = start_bot(config, store)
    [text] = bot.texts(USER, "/regions", user_id=USER)
    assert "valent pour Telegram et pour la lettre par e-mail (<b>alice@example.org</b>)" in text
    bot.tap(USER, bot.last_message(USER)["message_id"], "r:FR-BRE", user_id=USER)
    bot.tap(USER, bot.last_message(USER)["message_id"], "r:FR", user_id=USER)
    bot.send(USER, "/themes", user_id=USER)
    bot.tap(USER, bot.last_message(USER)["message_id"], "t:study", user_id=USER)
    for key in (TG, ALICE):
        record = store.subscribers.get(key)
        assert (record.regions, record.themes, record.nationwide) == (["FR-BRE"], ["study"], False), key


def test_desabonner_asks_which_channel(bot_config, start_bot, fake):
    config = bot_config()
    store = _store(config)
    bot = start_bot(config, store)
    [text] = bot.texts(USER, "/desabonner", user_id=USER)
    assert "sur Telegram et par e-mail (<b>alice@example.org</b>)" in text
    msg = bot.last_message(USER)
    assert button(msg, "u:telegram") == "Telegram seulement" and button(msg, "u:all") == "Les deux"
    bot.tap(USER, msg["message_id"], "u:x", user_id=USER)                   # cancel: nothing changes
    assert store.subscribers.get(TG).active and store.subscribers.get(ALICE).active

    bot.send(USER, "/desabonner", user_id=USER)
    msg = bot.last_message(USER)
    bot.tap(USER, msg["message_id"], "u:telegram", user_id=USER)
    assert "plus la lettre sur Telegram" in fake.message(USER, msg["message_id"])["text"]
    assert not store.subscribers.get(TG).active and store.subscribers.get(ALICE).active

    [text] = bot.texts(USER, "/desabonner", user_id=USER)                   # the e-mail is left
    assert text.startswith("Vous recevez la lettre par e-mail")
    msg = bot.last_message(USER)
    bot.tap(USER, msg["message_id"], "u:email", user_id=USER)
    assert "l'e-mail <b>alice@example.org</b>" in fake.message(USER, msg["message_id"])["text"]
    assert not store.subscribers.get(ALICE).active


def test_desabonner_without_email_stops_at_once(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir, subscribers=[subscriber("telegram", str(USER))])
    bot = start_bot(config, store)
    [text] = bot.texts(USER, "/desabonner", user_id=USER)
    assert text.startswith("Vous êtes désabonné") and not store.subscribers.get(TG).active
