"""Issue 11 item 8: /horssujet lists recent off-topic articles that came close; a button
makes one relevant, it joins a story and the digest, and `run.py corrections` exports it."""
import json

from cli.main import main as vigie
from digest.build import build_week
from pipeline.moderation import find_story
from tests.bot.conftest import MODERATOR, STRANGER
from tests.bot.data import WEEK, article, week_articles
from tests.bot.harness import button
from tests.digest.helpers import make_store

MISSED = "Caen : le forum des métiers du soin attend 60 employeurs et 300 candidats"


def _articles():
    missed = article(40, MISSED, feed="Ouest Soins", day=19, relevant=False,
                     summary="Aides-soignants, infirmiers : les EHPAD et l'hôpital recrutent au forum de Caen.")
    missed.relevance_p = 0.41
    far = article(41, "Marché de Noël à Bayeux", day=19, relevant=False)
    far.relevance_p = 0.02                                   # far from relevant: not listed
    old = article(42, "Forum santé d'octobre", day=1, relevant=False)
    old.relevance_p = 0.6                                    # too old to list this week
    return [*week_articles(), missed, far, old]


def test_horssujet_rescues_an_article(bot_config, start_bot, fake, capsys):
    config = bot_config()
    store = make_store(config.data_dir, articles=_articles())
    bot = start_bot(config, store)
    missed_id = article(40, "x").id
    assert not [s for s in build_week(store, WEEK).stories if any(a.id == missed_id for a in s.articles)]

    assert bot.texts(STRANGER, "/horssujet", user_id=STRANGER)[0].startswith("Désolé")
    [text] = bot.texts(MODERATOR, "/horssujet", user_id=MODERATOR, username="modo")
    assert f"<b>1.</b> 41 % · <code>{missed_id[:8]}</code>" in text and MISSED in text
    assert "Bayeux" not in text and "octobre" not in text
    msg = bot.last_message(MODERATOR)
    assert button(msg, f"mr:{missed_id}") == "1. ✅ Pertinent"

    calls = bot.tap(MODERATOR, msg["message_id"], f"mr:{missed_id}", user_id=MODERATOR, username="modo")
    assert calls[0].params["text"] == "Article rendu pertinent"
    reply = bot.last_message(MODERATOR)["text"]
    assert "rendu pertinent" in reply and MISSED in reply
    story = find_story(store, missed_id)
    assert story.id == "s-forum" and len(story.articles) == 3                   # it joins its story
    assert any(s.id == story.id for s in build_week(store, WEEK).stories)       # it joins the digest
    calls = bot.tap(MODERATOR, msg["message_id"], f"mr:{missed_id}", user_id=MODERATOR)
    assert calls[0].params["text"] == "Cet article est déjà jugé pertinent."

    assert vigie(["--config", str(config.path), "corrections", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [row] = [r for r in rows if r["action"] == "relevant"]
    assert row["detail"]["article"] == missed_id and row["detail"]["before"]["relevant"] is False
    assert missed_id in [a["id"] for a in row["articles"]] and row["who"] == "@modo (1001)"

    [text] = bot.texts(MODERATOR, "/annuler", user_id=MODERATOR)                # and it can be undone
    assert text.startswith("↩️ Annulé : rendu pertinent")
    assert not [s for s in build_week(store, WEEK).stories if any(a.id == missed_id for a in s.articles)]
    assert vigie(["--config", str(config.path), "corrections"]) == 0
    out = capsys.readouterr().out
    assert "relevant (undone)" in out and "undo" in out


def test_labelling_stores_the_relevance_probability(tmp_path):
    from pipeline.label import label_new_articles
    from store import open_store
    a = article(50, "Football : victoire du Stade Malherbe", relevant=False)
    a.relevant, a.themes, a.regions, a.story = None, [], [], None
    with open_store(tmp_path / "data") as store:
        label_new_articles([a], store)
    assert a.relevant is False and 0 <= a.relevance_p < 0.5
