"""The Application itself: command menus, unknown commands, the error handler."""
from bot import replies
from bot import subscriber_handlers
from tests.bot.conftest import MODERATOR, OTHER_MODERATOR, USER
from tests.bot.data import week_store


def test_command_menus_are_set_in_french(bot_config, start_bot, fake):
    config = bot_config()
    start_bot(config, week_store(config.data_dir))
    default = fake.my_commands()
    assert [c["command"] for c in default] == ["start", "abonner", "regions", "themes", "apercu", "email",
                                               "confirmer", "reglages", "desabonner", "aide"]
    assert {"command": "desabonner", "description": "Se désabonner"} in default
    for moderator in (MODERATOR, OTHER_MODERATOR):
        menu = fake.my_commands({"type": "chat", "chat_id": moderator})
        names = [c["command"] for c in menu]
        assert names[:10] == [c["command"] for c in default]
        assert names[10:] == ["file", "tag", "region", "masquer", "afficher", "fusionner", "separer", "annuler", "horssujet", "sources",
                             "stats", "journal", "envoyer"]
        assert {"command": "envoyer", "description": "Envoyer la lettre de la semaine écoulée"} in menu
    assert len(fake.calls("setMyCommands")) == 3


def test_unknown_commands_and_plain_text_get_a_hint(bot_config, start_bot, fake):
    config = bot_config()
    bot = start_bot(config, week_store(config.data_dir))
    assert bot.texts(USER, "/bonjour") == [replies.UNKNOWN_COMMAND]
    assert bot.texts(USER, "bonjour") == [replies.NOT_A_COMMAND]
    assert bot.texts(-500, "on parle d'autre chose", user_id=USER) == []     # groups: plain text ignored
    assert bot.texts(-500, "/autrebot", user_id=USER) == []                   # and other bots' commands
    [text] = bot.texts(USER, "/aide")
    assert "/abonner" in text and "/file" not in text
    assert bot.texts(USER, "/start@vigie_test_bot")[0].startswith("<b>Bienvenue sur Vigie !</b>")


def test_errors_are_logged_and_answered_politely(bot_config, start_bot, fake, monkeypatch, caplog):
    config = bot_config()
    bot = start_bot(config, week_store(config.data_dir))

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(subscriber_handlers, "unsubscribe", broken)
    monkeypatch.setattr(subscriber_handlers, "toggle_linked", broken)
    assert bot.texts(USER, "/desabonner") == [replies.ERROR]
    assert "disque plein" in caplog.text
    bot.send(USER, "/start")
    bot.send(USER, "/regions")
    calls = bot.tap(USER, bot.last_message(USER)["message_id"], "r:FR-NOR")
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert calls[1].params["text"] == replies.ERROR
    # the bot goes on
    assert "/abonner" in bot.texts(USER, "/aide")[0]
