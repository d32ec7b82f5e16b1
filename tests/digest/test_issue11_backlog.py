"""Issue 11 items 1 and 10: no stale backlog, past events shown as past, and one view of
the stories (moderators' decisions applied) for the CLI and the digest files."""
import json

from cli.main import main as vigie
from store import StoryOverride, open_store
from tests.digest.helpers import WEEK, article, make_store, sample_articles

LABEL_PAST = "(date passée)"


def _backlog():
    june = article(30, "Job dating des métiers du soin à Lisieux", story="s-june", event_date="2026-06-12")
    june.published = "2026-06-02T08:00:00+00:00"       # a new source's backlog, first seen this week
    past = article(31, "Forum de l'emploi médico-social à Évreux : bilan", story="s-past",
                   event_date="2026-11-18", town="Évreux")
    return [*sample_articles(), june, past]


def _preview(config, out, capsys):
    assert vigie(["--config", str(config.path), "digest", "--week", WEEK, "--preview", "--out", str(out)]) == 0
    capsys.readouterr()
    return (out / f"{WEEK}-telegram-tous.html").read_text(encoding="utf-8"), \
        (out / "web" / f"{WEEK}.html").read_text(encoding="utf-8")


def test_old_news_stays_out_and_past_events_are_not_coming(tmp_path, digest_config, capsys):
    config = digest_config()
    make_store(config.data_dir, articles=_backlog()).close()
    telegram, page = _preview(config, tmp_path / "out", capsys)
    for text in (telegram, page):
        assert "Forum des métiers du soin à Caen" in text                 # this week's news
        assert "Lisieux" not in text                                       # published in June: backlog
        assert "Évreux : bilan" in text                                    # a past event is still news ...
        assert f"mercredi 18 novembre 2026, Évreux {LABEL_PAST}" in text   # ... dated as past
        assert f"3 décembre 2026, Caen {LABEL_PAST}" not in text           # a coming one is not
    agenda = telegram[telegram.index("Agenda"):]
    assert "Forum des métiers du soin à Caen" in agenda and "Évreux" not in agenda


def test_max_age_days_is_configurable(tmp_path, digest_config, capsys):
    config = digest_config(extra="\n[digest]\nmax_age_days = 365\n")
    make_store(config.data_dir, articles=_backlog()).close()
    telegram, _ = _preview(config, tmp_path / "out", capsys)
    assert "Job dating des métiers du soin à Lisieux" in telegram
    assert f"vendredi 12 juin 2026 {LABEL_PAST}" in telegram


def test_stories_command_shows_what_subscribers_get(tmp_path, digest_config, capsys):
    config = digest_config()
    long = article(32, "Un très long reportage", story="s-long", summary="Reportage. " * 80)
    store = make_store(config.data_dir, articles=[*sample_articles(), long])
    with store.writing():
        store.moderation.put(StoryOverride(story="s-long", merged_into="s-forum"))
        store.moderation.put(StoryOverride(story="s-4", theme="study", regions=["FR-BRE"]))
    store.close()
    assert vigie(["--config", str(config.path), "stories", "--format", "jsonl"]) == 0
    rows = {r["story"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert "s-hidden" not in rows and "s-long" not in rows               # hidden; merged into the forum
    assert len(rows["s-forum"]["articles"]) == 3
    assert rows["s-forum"]["title"] == "Forum des métiers du soin à Caen"   # a merge does not retitle
    assert rows["s-4"]["theme"] == "study" and rows["s-4"]["regions"] == ["FR-BRE"]
    assert vigie(["--config", str(config.path), "stories", "--hidden"]) == 0
    assert "Histoire masquée par un modérateur (hidden)" in capsys.readouterr().out
    with open_store(config.data_dir) as store:
        from digest.build import build_week
        digest_ids = {s.id for s in build_week(store, WEEK).stories}
    assert digest_ids <= set(rows)
