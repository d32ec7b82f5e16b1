"""Moderator commands and buttons end to end, and the refusal of everyone else."""
import datetime as dt
from pathlib import Path

from bot import replies
from digest.build import build_week
from pipeline.moderation import find_story
from store import Delivery, FeedState, open_store
from tests.bot.conftest import MODERATOR, STRANGER, USER
from tests.bot.data import WEEK, article, subscriber, week_store
from tests.bot.harness import button, keyboard

MONDAY = dt.datetime(2026, 11, 23, 7, tzinfo=dt.timezone.utc)


def as_moderator(bot, text):
    return bot.texts(MODERATOR, text, user_id=MODERATOR, username="modo")


def mod_tap(bot, message_id, data):
    return bot.tap(MODERATOR, message_id, data, user_id=MODERATOR, username="modo")


def story_theme(store, key):
    return {s.id: s.theme for s in build_week(store, WEEK).stories}[key]


def test_queue_pages_and_buttons(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    [text] = as_moderator(bot, "/file")
    assert "File de modération — semaine du 16 au 22 novembre 2026" in text
    assert "Histoires 1–5 sur 8 (dont 1 masquée)" in text
    msg = bot.last_message(MODERATOR)
    mid = msg["message_id"]
    # newest first: the 20 November story, then the 19th, then the 17th
    assert text.index("<b>1.</b> <code>0013</code>") < text.index("<b>2.</b> <code>0011</code>") \
        < text.index("<b>4.</b> <code>0003</code>")
    assert button(msg, f"m:t:{WEEK}:0:s-0003") == "4. Thème"
    assert button(msg, f"m:p:{WEEK}:1") == "Suivant ➡️"
    assert all(len(data.encode()) <= 64 for row in keyboard(msg) for _, data in row)

    mod_tap(bot, mid, f"m:p:{WEEK}:1")                            # next page, edited in place
    msg = fake.message(MODERATOR, mid)
    text = msg["text"]
    assert "Histoires 6–8 sur 8" in text and "<b>6.</b>" in text
    assert "<code>forum</code> · Événements · Normandie" in text and "(2 articles)" in text
    first, second = article(1, "x").id, article(2, "x").id
    assert f"Articles : <code>{first[:8]}</code> Le Courrier · <code>{second[:8]}</code> Ouest Soins" in text
    assert "<code>hidden</code> · Recrutement · Normandie · 🙈 masquée" in text
    assert button(msg, f"m:t:{WEEK}:1:s-forum") == "7. Thème"
    assert button(msg, f"m:v:{WEEK}:1:s-hidden") == "8. Afficher"
    assert button(msg, f"m:p:{WEEK}:0") == "⬅️ Précédent"
    mod_tap(bot, mid, f"m:p:{WEEK}:0")
    assert "&lt;b&gt;en alternance&lt;/b&gt; &amp; apprentissage" in fake.message(MODERATOR, mid)["text"]

    calls = mod_tap(bot, mid, f"m:t:{WEEK}:1:s-forum")           # the theme chooser names its story
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    msg = fake.message(MODERATOR, mid)
    assert "Thème de l'histoire</b> <code>forum</code>\nForum des métiers du soin à Caen" in msg["text"]
    assert button(msg, f"m:s:{WEEK}:1:s-forum:event") == "✅ Événements"
    assert button(msg, f"m:p:{WEEK}:1") == "↩️ Retour"

    calls = mod_tap(bot, mid, f"m:s:{WEEK}:1:s-forum:training")
    assert calls[0].params["text"] == "Thème : Formation et reconversion"
    msg = fake.message(MODERATOR, mid)
    assert "<code>forum</code> · Formation et reconversion" in msg["text"]
    assert button(msg, f"m:t:{WEEK}:1:s-forum") == "7. Thème"           # back to the queue, same place
    assert store.moderation.get("s-forum").theme == "training"
    assert store.moderation.get("s-forum").by == "@modo (1001)"

    mod_tap(bot, mid, f"m:h:{WEEK}:0:s-0003")
    mod_tap(bot, mid, f"m:a:{WEEK}:0:s-0004")
    mod_tap(bot, mid, f"m:v:{WEEK}:0:s-hidden")
    text = fake.message(MODERATOR, mid)["text"]
    assert "<code>0003</code> · Chartes et engagements · Grand Est · 🙈 masquée" in text
    assert "<code>0004</code> · Campagnes · Pays de la Loire · ✔️ validée" in text
    mod_tap(bot, mid, f"m:p:{WEEK}:1")
    assert "<code>hidden</code> · Recrutement · Normandie\n" in fake.message(MODERATOR, mid)["text"]
    calls = mod_tap(bot, mid, f"m:a:{WEEK}:0:s-0004")               # approving twice: no error
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert not fake.calls("sendMessage")[-1].params["text"] == replies.ERROR
    stories = {s.id: s for s in build_week(store, WEEK).stories}
    assert "s-0003" not in stories and stories["s-0004"].approved and "s-hidden" in stories

    for data in (f"m:z:{WEEK}:0:s-0004", f"m:h:{WEEK}:0", "m:p:W47:0", "m:e"):            # malformed or stale
        calls = mod_tap(bot, mid, data)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert calls[0].params["text"] == replies.STALE_BUTTON
    calls = mod_tap(bot, mid, f"m:h:{WEEK}:0:s-nothing")
    assert calls[0].params["text"] == "Aucune histoire « s-nothing »." and calls[0].params["show_alert"]


def test_correction_commands(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    [text] = as_moderator(bot, "/tag forum Recrutement")                 # a French label works too
    assert text.startswith("✅ Thème : Recrutement.") and "<code>forum</code> · Recrutement" in text
    [text] = as_moderator(bot, "/tag forum nope")
    assert text.startswith("⚠️ Thème inconnu « nope »")
    [text] = as_moderator(bot, "/tag ab training")
    assert "au moins 4 caractères" in text
    [text] = as_moderator(bot, "/region 0004 fr-bre FR")
    assert "Bretagne, France entière" in text
    assert find_story(store, "s-0004").regions == ["FR-BRE", "FR"]
    [text] = as_moderator(bot, "/region 0004 FR-XYZ")
    assert text.startswith("⚠️ Région inconnue « FR-XYZ »")
    [text] = as_moderator(bot, "/masquer 0005")
    assert "masquée" in text and find_story(store, "s-0005").hidden
    [text] = as_moderator(bot, "/afficher 0005")
    assert not find_story(store, "s-0005").hidden
    as_moderator(bot, "/fusionner forum 0003")
    mod_tap(bot, bot.last_message(MODERATOR)["message_id"], "mf:s-forum:s-0003")
    text = bot.last_message(MODERATOR)["text"]
    assert "Histoires fusionnées" in text and "(3 articles)" in text
    assert "Charte pour le grand âge signée à Metz" in [a.title for a in find_story(store, "forum").articles]
    second = article(2, "x").id                                          # the forum's second report
    [text] = as_moderator(bot, f"/separer {second}")
    assert "séparé" in text and find_story(store, second).id == f"s-{second}"
    assert len(find_story(store, "forum").articles) == 2
    [text] = as_moderator(bot, "/separer")
    assert text.startswith("Usage")
    [text] = as_moderator(bot, "/journal")
    lines = text.split("\n")
    assert lines[0] == "<b>Dernières actions</b>" and len(lines) == 7
    assert "@modo (1001) — séparée" in lines[1]
    assert "@modo (1001) — fusionnée <code>0003</code> : dans forum" in lines[2]
    assert "@modo (1001) — thème <code>forum</code> : recruitment" in lines[-1]


def test_theme_correction_survives_rebuild_and_restart(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir, subscribers=[subscriber("telegram", str(USER))])
    bot = start_bot(config, store)
    assert story_theme(store, "s-forum") == "event"
    as_moderator(bot, "/tag forum training")
    assert story_theme(store, "s-forum") == "training"                  # a rebuild keeps it
    bot.stop()
    store.close()

    reopened = open_store(config.data_dir)
    assert story_theme(reopened, "s-forum") == "training"
    bot = start_bot(config, reopened)                                    # a new Application
    as_moderator(bot, "/file")
    mod_tap(bot, bot.last_message(MODERATOR)["message_id"], f"m:p:{WEEK}:1")
    assert "<code>forum</code> · Formation et reconversion" in bot.last_message(MODERATOR)["text"]
    body = "\n".join(bot.texts(USER, "/apercu"))
    training = body.index("▌Formation et reconversion")
    assert "▌Événements" not in body and body.index("Forum des métiers du soin à Caen") > training
    [journal] = as_moderator(bot, "/journal")
    assert "@modo (1001) — thème <code>forum</code> : training" in journal


def snapshot(data_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()}


def test_non_moderators_change_nothing(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir, subscribers=[subscriber("telegram", str(USER))])
    bot = start_bot(config, store, when=MONDAY)
    as_moderator(bot, "/file 2026-W47")                                   # a real queue message...
    queue = bot.last_message(MODERATOR)["message_id"]
    before, overrides, journal = snapshot(config.data_dir), store.moderation.overrides(), store.moderation.journal(99)
    second = article(2, "x").id
    commands = ["/file", "/file 2026-W47", "/tag forum training", "/region forum FR-BRE", "/masquer forum",
                "/afficher hidden", "/fusionner forum 0003", f"/separer {second}", "/sources", "/stats",
                "/journal", "/envoyer"]
    for command in commands:
        calls = bot.send(STRANGER, command)
        assert [(c.method, c.params["text"]) for c in calls] == [("sendMessage", replies.MODERATORS_ONLY)], command
    taps = [f"m:s:{WEEK}:0:s-forum:training", f"m:h:{WEEK}:0:s-forum", f"m:v:{WEEK}:0:s-hidden",
            f"m:a:{WEEK}:0:s-0004", f"m:t:{WEEK}:0:s-forum", f"m:p:{WEEK}:1", f"m:e:{WEEK}", "m:x"]
    for data in taps:
        for chat in (STRANGER, MODERATOR):                               # ...tapped by someone else
            calls = bot.tap(chat, queue if chat == MODERATOR else 1, data, user_id=STRANGER)
            assert [c.method for c in calls] == ["answerCallbackQuery"], data
            assert calls[0].params["text"] == replies.MODERATORS_ONLY and calls[0].params["show_alert"]
    [help_text] = bot.texts(STRANGER, "/aide")
    assert "/file" not in help_text and "/apercu" in help_text
    assert snapshot(config.data_dir) == before
    reopened = open_store(config.data_dir)
    assert reopened.moderation.overrides() == overrides and reopened.moderation.journal(99) == journal
    assert fake.sent_messages(USER) == []                                 # no digest went out
    assert "Modération" in as_moderator(bot, "/aide")[0]


def test_sources_report(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    with store.writing():
        store.feeds.put(FeedState(name="Le Courrier", last_checked="2026-11-20T08:00:00+00:00",
                                  last_success="2026-11-20T08:00:00+00:00", last_status=200))
        store.feeds.put(FeedState(name="Ouest Soins", last_checked="2026-11-20T08:00:00+00:00",
                                  last_success="2026-11-17T07:30:00+00:00", last_status=503,
                                  last_error="HTTP 503 <Service Unavailable>", consecutive_failures=3))
    bot = start_bot(config, store)
    [text] = as_moderator(bot, "/sources")
    assert text.startswith("<b>Sources (3)</b>")
    assert "✅ <b>Le Courrier</b>\nDernier succès : 20/11/2026 09:00 · échecs consécutifs : 0" in text
    assert "❌ <b>Ouest Soins</b>\nDernier succès : 17/11/2026 08:30 · échecs consécutifs : 3" in text
    assert "Dernière erreur : erreur HTTP 503 &lt;Service Unavailable&gt;" in text
    assert "⏳ <b>Grand Est Hebdo</b> (désactivée)\nDernier succès : jamais" in text


def test_stats(bot_config, start_bot, fake):
    config = bot_config()
    pending = subscriber("email", "pending@example.org")
    pending.confirmed = False
    gone = subscriber("telegram", "77")
    gone.active = False
    store = week_store(config.data_dir, subscribers=[
        subscriber("telegram", str(USER)), subscriber("telegram", "43"), subscriber("email", "a@example.org"),
        pending, gone])
    with store.writing():
        store.deliveries.put_many([Delivery(week="2026-W46", subscriber="tg-42", channel="telegram", state="sent"),
                                   Delivery(week="2026-W46", subscriber="tg-43", channel="telegram", state="empty")])
        store.deliveries.set_last_week_sent("2026-W46")
    bot = start_bot(config, store)
    [text] = as_moderator(bot, "/stats")
    assert text.split("\n") == [
        "<b>Statistiques — semaine du 16 au 22 novembre 2026</b>",
        "Articles : 10 cette semaine, dont 9 pertinents (11 en tout)",
        "Histoires : 8 nouvelles (1 masquée, 0 validée)",
        "Abonnés : 2 Telegram, 1 e-mail (+ 1 en attente de confirmation), 1 désabonné",
        "Lettre de la semaine du 9 au 15 novembre 2026 : 1 vide, 1 envoyée",
        "Dernière semaine envoyée : 2026-W46",
    ]
