"""End to end on the bundled demo sources: fetch over HTTP, triage, stories in the store."""
import re

import pytest

from config import load_config
from demo import server as demo_server
from pipeline.fetch import run_fetch
from pipeline.label import CycleLabeller
from store import open_store
from triage.story_groups import group_stories

DEMO_CONFIG = __import__("pathlib").Path(__file__).resolve().parent.parent / "demo" / "config.toml"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    httpd, base_url = demo_server.start(port=0)
    tmp = tmp_path_factory.mktemp("demo")
    text = DEMO_CONFIG.read_text(encoding="utf-8").replace("http://127.0.0.1:8765", base_url)
    text = text.replace("read_timeout = 3", "read_timeout = 1")
    (tmp / "config.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp / "config.toml", data_dir=tmp / "data")
    prepared = []
    try:
        # as `run.py fetch` does: label workers started at once (8 sources), each source's
        # articles handed to them as soon as it is downloaded
        with open_store(config.data_dir) as store, \
                CycleLabeller(workers=config.fetch.label_workers, sources=len(config.feeds)) as label:
            def prepare(articles):
                prepared.extend(a.id for a in articles)
                label.prepare(articles)
            reports = run_fetch(config, store, list(config.feeds), label=label, prepare=prepare)
            workers = list(label.pool._all)      # our own object
    finally:
        httpd.shutdown()
    store = open_store(config.data_dir)
    assert workers and all(w.process.returncode is not None for w in workers)
    assert {a.id for a in store.articles.iter()} <= set(prepared)
    yield {r.name: r for r in reports}, list(store.articles.iter())


def find(articles, pattern):
    found = [a for a in articles if re.search(pattern, a.title, re.I)]
    assert found, pattern
    return found


def test_every_reachable_source_is_stored_and_the_others_fail(demo_store):
    reports, articles = demo_store
    assert reports["Radio Pays d'Auge (lente)"].outcome == "failed"
    assert reports["Le Réveil du Perche (en panne)"].outcome == "failed"
    assert sum(r.new for r in reports.values()) == len(articles) == 34


def test_off_topic_and_near_misses_are_not_relevant(demo_store):
    _, articles = demo_store
    for pattern in ("US Bocage", "Tempête", "Voix du Loir", "maternité", r"\bIRM\b", "Grippe", "Bronchiolite",
                    "vaccination", "bâtiment", "développement web", "Tarifs d’hébergement"):
        assert not any(a.relevant for a in find(articles, pattern)), pattern


def test_forum_reported_by_three_outlets_is_one_event_story(demo_store):
    _, articles = demo_store
    forum = [a for a in articles if re.search(r"forum des métiers du soin|Caen pour trouver un emploi", a.title, re.I)]
    assert len(forum) == 3
    assert len({a.story for a in forum}) == 1
    assert len({a.feed for a in forum}) == 3
    assert all(a.relevant and "FR-NOR" in a.regions for a in forum)
    (story,) = [s for s in group_stories(articles) if s.id == forum[0].story]
    assert story.theme == "event" and story.event_date == "2026-12-03"


def test_charter_and_campaign_are_one_story_each(demo_store):
    _, articles = demo_store
    charter = find(articles, r"signent une charte|s’engagent pour les métiers du grand")
    campaign = find(articles, r"métiers du lien")
    assert len(charter) == 2 and len({a.story for a in charter}) == 1
    assert len(campaign) == 3 and len({a.story for a in campaign}) == 1
    stories = {s.id: s for s in group_stories(articles)}
    assert stories[charter[0].story].theme == "charter" and stories[charter[0].story].regions[0] == "FR-GES"
    assert stories[campaign[0].story].theme == "campaign" and stories[campaign[0].story].regions[0] == "FR-PDL"


def test_series_editions_stay_separate_stories(demo_store):
    _, articles = demo_store
    alencon = find(articles, r"Alençon")
    evreux = find(articles, r"Évreux")
    assert {a.event_date for a in alencon} == {"2026-11-24"}
    assert {a.event_date for a in evreux} == {"2026-12-01"}
    assert len({a.story for a in alencon}) == 1 and len({a.story for a in evreux}) == 1
    assert alencon[0].story != evreux[0].story


def test_single_items_get_their_theme_and_region(demo_store):
    _, articles = demo_store
    expected = {"Saint-Brieuc": ("apprenticeship", "FR-BRE"), "Occitanie": ("study", "FR-OCC"),
                "Hauts-de-France": ("training", "FR-HDF"), "Dordogne": ("recruitment", "FR-NAQ"),
                "CHU de Nancy": ("retention", "FR-GES"), "Saint-Lô": ("retention", "FR-NOR"),
                "Aides à domicile : le gouvernement": ("retention", "FR")}
    for pattern, (theme, region) in expected.items():
        (article,) = find(articles, pattern)
        assert article.relevant and article.themes[0] == theme and article.regions[0] == region, pattern
