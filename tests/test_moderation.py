"""Moderation actions: stored on the story, win over triage at every rebuild, logged, exported."""
import json

import pytest

from cli.main import main as vigie
from digest.build import build_week
from pipeline.moderation import ModerationError, approve, merge, set_hidden, set_regions, set_theme, split
from store import open_store
from tests.digest.helpers import WEEK, make_store


def story_of(store, story_id):
    return next(s for s in build_week(store, WEEK).stories if s.id == story_id)


def test_corrections_win_over_triage_and_survive_reopen(tmp_path):
    store = make_store(tmp_path / "data")
    set_theme(store, "s-forum", "recruitment", "alice")
    set_regions(store, "s-forum", ["FR-PDL", "fr-bre"], "alice")
    assert story_of(store, "s-forum").theme == "recruitment"
    reopened = open_store(tmp_path / "data")
    story = story_of(reopened, "s-forum")
    assert story.theme == "recruitment" and story.regions == ["FR-PDL", "FR-BRE"]
    set_hidden(reopened, "s-forum", True, "bob")
    assert all(s.id != "s-forum" for s in build_week(open_store(tmp_path / "data"), WEEK).stories)
    approve(reopened, "s-forum", "bob")  # approving shows it again
    assert story_of(open_store(tmp_path / "data"), "s-forum").approved


def test_merge_split_and_errors(tmp_path):
    store = make_store(tmp_path / "data")
    merged = merge(store, "s-3", "s-4", "alice")
    assert merged.id == "s-3" and len(merged.articles) == 2
    assert all(s.id != "s-4" for s in build_week(open_store(tmp_path / "data"), WEEK).stories)
    forum = story_of(store, "s-forum")
    alone = split(store, forum.articles[1].id, "alice")
    assert alone.id == f"s-{forum.articles[1].id}" and len(story_of(store, "s-forum").articles) == 1
    with pytest.raises(ModerationError, match="Thème inconnu"):
        set_theme(store, "s-forum", "sport", "alice")
    with pytest.raises(ModerationError, match="Région inconnue"):
        set_regions(store, "s-forum", ["FR-XXX"], "alice")
    with pytest.raises(ModerationError, match="Aucune histoire"):
        set_hidden(store, "s-nothing", True, "alice")


def test_corrections_export_jsonl(tmp_path, capsys):
    make_store(tmp_path / "data")
    store = open_store(tmp_path / "data")
    set_theme(store, "s-forum", "recruitment", "alice")
    (tmp_path / "config.toml").write_text('[vigie]\ndata_dir = "data"\n')
    assert vigie(["--config", str(tmp_path / "config.toml"), "corrections", "--format", "jsonl"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    row = json.loads(line)
    assert row["who"] == "alice" and row["action"] == "theme" and row["target"] == "s-forum"
    assert row["detail"] == {"before": {"theme": None}, "after": {"theme": "recruitment"}}
    assert {a["title"] for a in row["articles"]} == {"Forum des métiers du soin à Caen",
                                                     "Caen : 60 employeurs au forum du soin"}
