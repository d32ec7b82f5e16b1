"""Subscriber commands end to end: PTB's HTTP stack against the fake Bot API."""
from bot import replies
from pipeline.subscriptions import get_telegram, telegram_id
from tests.bot.conftest import USER
from tests.bot.data import subscriber, week_store
from tests.bot.harness import button, keyboard


def test_start_subscribes_with_everything_and_explains(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    [text] = bot.texts(USER, "/start")
    assert "Bienvenue sur Vigie" in text and "toutes les régions et tous les thèmes" in text
    assert "/regions" in text and "/themes" in text
    sub = get_telegram(store, USER)
    assert sub.active and sub.regions == [] and sub.themes == [] and sub.telegram_user == USER
    call = fake.calls("sendMessage")[-1]
    assert call.params["parse_mode"] == "HTML"                         # Defaults of the Application
    assert call.params["link_preview_options"] == {"is_disabled": True}
    # a second /start keeps the subscription and shows the choices
    [again] = bot.texts(USER, "/start")
    assert "Vous êtes abonné" in again and "Régions : toutes" in again


def test_abonner_toggles_regions_then_themes_in_place(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    texts = bot.texts(USER, "/abonner")
    assert len(texts) == 2 and "Vous êtes abonné" in texts[0] and "Vos régions" in texts[1]
    regions_msg = bot.last_message(USER)
    mid = regions_msg["message_id"]
    assert button(regions_msg, "r:FR-NOR") == "Normandie"
    assert button(regions_msg, "r:all") == "✅ Toutes"
    assert button(regions_msg, "r:next") == "Valider ➡️"
    assert all(len(data.encode()) <= 64 for row in keyboard(regions_msg) for _, data in row)

    calls = bot.tap(USER, mid, "r:FR-NOR")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    msg = fake.message(USER, mid)
    assert button(msg, "r:FR-NOR") == "✅ Normandie" and button(msg, "r:all") == "Toutes"
    assert get_telegram(store, USER).regions == ["FR-NOR"]

    bot.tap(USER, mid, "r:FR-NOR")                                     # tapped twice: back to unselected
    msg = fake.message(USER, mid)
    assert button(msg, "r:FR-NOR") == "Normandie" and button(msg, "r:all") == "✅ Toutes"
    assert get_telegram(store, USER).regions == []

    bot.tap(USER, mid, "r:FR-BRE")
    bot.tap(USER, mid, "r:FR-NOR")
    bot.tap(USER, mid, "r:FR")                                         # nationwide news off
    msg = fake.message(USER, mid)
    assert button(msg, "r:FR") == "Actualités nationales"
    assert button(msg, "r:next") == "Valider ➡️"                       # still the /abonner flow
    sub = get_telegram(store, USER)
    assert sub.regions == ["FR-BRE", "FR-NOR"] and sub.nationwide is False

    calls = bot.tap(USER, mid, "r:next")                               # Valider: summary, then themes
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    summary = fake.message(USER, mid)
    assert "Régions : Bretagne, Normandie ; actualités nationales : non" in summary["text"]
    assert "reply_markup" not in summary
    themes_msg = bot.last_message(USER)
    assert "Vos thèmes" in themes_msg["text"] and button(themes_msg, "t:all") == "✅ Tous"

    bot.tap(USER, themes_msg["message_id"], "t:event")
    bot.tap(USER, themes_msg["message_id"], "t:study")
    assert button(fake.message(USER, themes_msg["message_id"]), "t:event") == "✅ Événements"
    bot.tap(USER, themes_msg["message_id"], "t:ok")
    final = fake.message(USER, themes_msg["message_id"])["text"]
    assert "Thèmes : Événements, Études et chiffres" in final
    sub = get_telegram(store, USER)
    assert sub.themes == ["event", "study"] and sub.regions == ["FR-BRE", "FR-NOR"]

    # /regions alone: the same keyboard with a plain Valider, showing the saved choices
    bot.send(USER, "/regions")
    msg = bot.last_message(USER)
    assert button(msg, "r:FR-NOR") == "✅ Normandie" and button(msg, "r:ok") == "Valider"
    bot.tap(USER, msg["message_id"], "r:all")
    assert get_telegram(store, USER).regions == []
    calls = bot.tap(USER, msg["message_id"], "r:ok")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert "Régions : toutes" in fake.message(USER, msg["message_id"])["text"]

    bot.send(USER, "/themes")
    msg = bot.last_message(USER)
    bot.tap(USER, msg["message_id"], "t:all")
    assert button(fake.message(USER, msg["message_id"]), "t:all") == "✅ Tous"
    assert get_telegram(store, USER).themes == []


def test_keyboards_need_a_subscription_and_unsubscribe(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    assert bot.texts(USER, "/regions") == [replies.NOT_SUBSCRIBED]
    assert bot.texts(USER, "/themes") == [replies.NOT_SUBSCRIBED]
    assert bot.texts(USER, "/desabonner") == [replies.WAS_NOT_SUBSCRIBED]
    bot.send(USER, "/start")
    bot.send(USER, "/regions")
    mid = bot.last_message(USER)["message_id"]
    assert bot.texts(USER, "/desabonner") == [replies.UNSUBSCRIBED]
    assert get_telegram(store, USER).active is False
    assert bot.texts(USER, "/regions") == [replies.NOT_SUBSCRIBED]
    # a keyboard tap from a chat that never subscribed is refused politely
    calls = bot.tap(7, 1, "r:FR-NOR")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["text"] == replies.NOT_SUBSCRIBED and store.subscribers.get(telegram_id(7)) is None
    assert fake.message(USER, mid) is not None


def test_apercu_shows_this_subscribers_stories(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir, subscribers=[
        subscriber("telegram", str(USER), regions=["FR-NOR"], nationwide=False),
        subscriber("telegram", "43", themes=["apprenticeship"]),
    ])
    bot = start_bot(config, store)
    texts = bot.texts(USER, "/apercu")
    assert "telle que vous la recevriez" in texts[0] and "semaine du 16 au 22 novembre 2026" in texts[0]
    body = "\n".join(texts[1:])
    assert "Forum des métiers du soin à Caen" in body and "Reconversion" in body
    assert "Charte" not in body and "aides à domicile" not in body          # other region, nationwide off
    assert "Histoire masquée" not in body
    [empty] = bot.texts(43, "/apercu")
    assert empty.startswith("Rien pour l'instant") and "/regions" in empty
    # not subscribed: the whole week, said so
    texts = bot.texts(44, "/apercu")
    assert "vous n'êtes pas abonné" in texts[0] and "Charte pour le grand âge" in "\n".join(texts[1:])
    # source text is escaped in the HTML sent
    assert "&lt;b&gt;en alternance&lt;/b&gt; &amp; apprentissage" in "\n".join(texts)


def test_start_names_the_configured_send_day(bot_config, start_bot):
    import dataclasses
    config = bot_config()
    config = dataclasses.replace(config, digest=dataclasses.replace(config.digest, send_weekday="thu"))
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    [text] = bot.texts(USER, "/start")
    assert "Chaque jeudi" in text and "lundi" not in text
