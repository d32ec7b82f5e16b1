"""Issue 11, items 9 and 11: French names for themes and regions, /help, /reglages,
French wording of /sources and /stats; through the bot on the fake Bot API."""
from pipeline.moderation import find_story
from store import FeedState
from tests.bot.conftest import MODERATOR, USER
from tests.bot.data import subscriber, week_store


def as_moderator(bot, text):
    return bot.texts(MODERATOR, text, user_id=MODERATOR, username="modo")


def test_tag_accepts_french_theme_names(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    for typed, code, label in [("etudes", "study", "Études et chiffres"), ("études", "study", "Études et chiffres"),
                               ("Événements", "event", "Événements"), ("formation", "training",
                                                                      "Formation et reconversion"),
                               ("Conditions de travail et fidélisation", "retention",
                                "Conditions de travail et fidélisation")]:
        [text] = as_moderator(bot, f"/tag forum {typed}")
        assert text.startswith(f"✅ Thème : {label}."), text
        assert find_story(store, "forum").theme == code
    [text] = as_moderator(bot, "/tag forum formaton")
    assert text.startswith("⚠️ Thème inconnu « formaton ». Vouliez-vous dire Formation et reconversion ?")
    [text] = as_moderator(bot, "/tag forum sport")
    assert "Vouliez-vous" not in text and "Études et chiffres" in text      # the French list of themes


def test_region_accepts_names_and_department_numbers(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    for typed, codes in [("Normandie", ["FR-NOR"]), ("bretagne", ["FR-BRE"]), ("29", ["FR-BRE"]),
                         ("974", ["FR-974"]), ("France", ["FR"]), ("national", ["FR"]),
                         ("Pays de la Loire, Île-de-France", ["FR-PDL", "FR-IDF"]), ("FR-29 fr-nor", ["FR-BRE", "FR-NOR"])]:
        [text] = as_moderator(bot, f"/region 0004 {typed}")
        assert text.startswith("✅ Régions modifiées."), text
        assert find_story(store, "s-0004").regions == codes, typed
    [text] = as_moderator(bot, "/region 0004 Bretange")
    assert text.startswith("⚠️ Région inconnue « Bretange ». Vouliez-vous dire Bretagne ?")
    assert find_story(store, "s-0004").regions == ["FR-BRE", "FR-NOR"]                 # unchanged


def test_help_is_an_alias_of_aide(bot_config, start_bot, fake):
    config = bot_config()
    bot = start_bot(config, week_store(config.data_dir))
    assert bot.texts(USER, "/help") == bot.texts(USER, "/aide")
    assert "/reglages" in bot.texts(USER, "/help")[0]


def test_reglages_shows_the_subscribers_settings(bot_config, start_bot, fake):
    config = bot_config()
    linked = subscriber("email", "ana@example.org")
    linked.telegram_user = USER
    store = week_store(config.data_dir, subscribers=[
        subscriber("telegram", str(USER), regions=["FR-NOR", "FR-974"], themes=["study"], nationwide=False),
        linked])
    bot = start_bot(config, store)
    [text] = bot.texts(USER, "/reglages", user_id=USER)
    assert text.split("\n")[:6] == [
        "<b>Vos réglages</b>", "Abonnement : actif", "Régions : Normandie, La Réunion",
        "Actualités nationales : non", "Thèmes : Études et chiffres",
        "E-mail : <b>ana@example.org</b> (confirmé)"]
    [text] = bot.texts(43, "/reglages", user_id=43)
    assert text == "Vous n'êtes pas abonné : envoyez /abonner."
    bot.texts(43, "/start", user_id=43)
    [text] = bot.texts(43, "/reglages", user_id=43)
    assert "Régions : toutes" in text and "Thèmes : tous" in text and "Actualités nationales : oui" in text
    assert "E-mail : aucune adresse liée" in text


def test_sources_errors_in_french(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    with store.writing():
        store.feeds.put(FeedState(name="Le Courrier", last_checked="2026-11-20T08:00:00+00:00",
                                  last_error="timeout: could not connect within 10 s", consecutive_failures=1))
        store.feeds.put(FeedState(name="Ouest Soins", last_checked="2026-11-20T08:00:00+00:00",
                                  last_error="not an RSS or Atom feed (no feed element found)",
                                  consecutive_failures=1))
    bot = start_bot(config, store)
    [text] = as_moderator(bot, "/sources")
    assert "Dernière erreur : délai dépassé : connexion impossible en 10 s" in text
    assert "Dernière erreur : ce n'est pas un flux RSS ou Atom" in text
