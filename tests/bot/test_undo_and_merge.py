"""Issue 11 item 6: merges are confirmed, keep the title, and can be undone; /separer takes
short article ids and works on merged stories; /annuler undoes a moderator's last action."""
from pipeline.moderation import find_story
from tests.bot.conftest import MODERATOR, OTHER_MODERATOR
from tests.bot.data import article, week_store
from tests.bot.harness import button

LONG = article(20, "Reportage au long cours", story="s-0020", summary="Un long reportage. " * 60, day=18)


def as_moderator(bot, text, who=MODERATOR):
    return bot.texts(who, text, user_id=who, username=f"modo{who}")


def test_merge_is_confirmed_keeps_title_and_is_undone(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    with store.writing():
        store.articles.add([LONG])
    bot = start_bot(config, store)

    [question] = as_moderator(bot, "/fusionner forum 0020")
    assert "Fusionner ces deux histoires ?" in question
    assert "Forum des métiers du soin à Caen" in question and "Reportage au long cours" in question
    msg = bot.last_message(MODERATOR)
    assert button(msg, "mf:s-forum:s-0020") == "🔗 Fusionner" and button(msg, "mf:x") == "Annuler"
    assert len(find_story(store, "forum").articles) == 2                 # nothing until confirmed
    bot.tap(MODERATOR, msg["message_id"], "mf:x", user_id=MODERATOR)
    assert fake.message(MODERATOR, msg["message_id"])["text"] == "Fusion annulée."
    assert len(find_story(store, "forum").articles) == 2

    as_moderator(bot, "/fusionner forum 0020")
    msg = bot.last_message(MODERATOR)
    bot.tap(MODERATOR, msg["message_id"], "mf:s-forum:s-0020", user_id=MODERATOR, username="modo1001")
    text = fake.message(MODERATOR, msg["message_id"])["text"]
    assert "Histoires fusionnées" in text and "(3 articles)" in text
    story = find_story(store, "forum")
    assert story.lead.title == "Forum des métiers du soin à Caen"        # the merge did not retitle it
    assert f"<code>{LONG.id[:8]}</code> Le Courrier" in text              # the ids /separer takes

    [text] = as_moderator(bot, "/fusionner 0020 forum")                  # the absorbed id is explained
    assert "a été fusionnée dans « s-forum »" in text and "/annuler" in text

    [text] = as_moderator(bot, f"/annuler", who=OTHER_MODERATOR)         # not their action
    assert text.startswith("⚠️ Rien à annuler")
    [text] = as_moderator(bot, "/annuler")
    assert text.startswith("↩️ Annulé : fusionnée <code>0020</code>")
    assert len(find_story(store, "forum").articles) == 2 and find_story(store, "0020").lead.id == LONG.id
    [text] = as_moderator(bot, "/journal")
    assert "annulation <code>0020</code>" in text


def test_separer_takes_short_ids_and_works_on_merged_stories(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    as_moderator(bot, "/fusionner forum 0003")
    bot.tap(MODERATOR, bot.last_message(MODERATOR)["message_id"], "mf:s-forum:s-0003", user_id=MODERATOR)
    merged = article(3, "x").id                                          # the article of story 0003
    [text] = as_moderator(bot, f"/separer {merged[:6]}")                 # shortened, from a merged story
    assert "séparé" in text and "Charte pour le grand âge signée à Metz" in text
    assert len(find_story(store, "forum").articles) == 2
    assert find_story(store, merged).articles[0].id == merged
    [text] = as_moderator(bot, f"/separer {merged[:6]}")
    assert "forme déjà une histoire à lui seul" in text

    first = article(1, "x").id                                           # the article heading the forum
    [text] = as_moderator(bot, f"/separer {first[:8]}")
    assert "séparé" in text and len(find_story(store, "forum").articles) == 1
    assert find_story(store, first).id != "s-forum"
    [text] = as_moderator(bot, "/annuler")                               # undo the split
    assert text.startswith("↩️ Annulé : séparée")
    assert len(find_story(store, "forum").articles) == 2
    [text] = as_moderator(bot, "/annuler")                               # then the first split
    [text] = as_moderator(bot, "/annuler")                               # then the merge
    assert len(find_story(store, "forum").articles) == 3 - 1
    [text] = as_moderator(bot, "/annuler")
    assert text.startswith("⚠️ Rien à annuler")


def test_issue_scenario_a_merged_single_article_can_be_split_back(bot_config, start_bot, fake):
    """/fusionner A B with B a one-article story (id 's-' + article id, as triage names it),
    then /separer of that article: it is a story of its own again."""
    config = bot_config()
    alone = article(21, "Semaine de l'apprentissage en Bretagne", theme="apprenticeship", day=18)
    alone.story = f"s-{alone.id}"
    store = week_store(config.data_dir)
    with store.writing():
        store.articles.add([alone])
    bot = start_bot(config, store)
    as_moderator(bot, f"/fusionner forum {alone.id[:6]}")
    msg = bot.last_message(MODERATOR)
    bot.tap(MODERATOR, msg["message_id"], f"mf:s-forum:s-{alone.id}", user_id=MODERATOR)
    assert len(find_story(store, "forum").articles) == 3
    [text] = as_moderator(bot, f"/fusionner {alone.id[:6]} forum")
    assert "a été fusionnée dans" in text
    [text] = as_moderator(bot, f"/separer {alone.id[:5]}")
    assert "séparé" in text
    assert find_story(store, alone.id).id == f"s-{alone.id}" and len(find_story(store, "forum").articles) == 2
