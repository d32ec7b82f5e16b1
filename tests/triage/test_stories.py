"""Tests for triage.stories: one story per initiative, across outlets.

All articles below are invented for the tests (people, figures and events included).
"""
import dataclasses
import json
import os
import random
import subprocess
import sys
from pathlib import Path

from triage.stories import StoryIndex, StoryInput, cluster
from triage.stories import scoring
from triage.stories.features import extract


def art(id, title, text, source, published=None, event_date=None, regions=("FR-BFC",),
        url=None, story=None, themes=("event",)):
    return StoryInput(id=id, title=title, text=text, source=source,
                      url=url or f"https://{source}/articles/{id}.html", published=published,
                      event_date=event_date, regions=list(regions), themes=list(themes), story=story)


# --------------------------------------------------------------------------- one forum, three outlets

FORUM_A = art(
    "forum-a", "Vesoul : un forum pour découvrir les métiers du grand âge",
    "Le Groupement hospitalier de Haute-Saône organise le mercredi 12 mars un forum des métiers "
    "du grand âge à l'Espace Villon de Vesoul. Une trentaine d'employeurs, Ehpad, services d'aide "
    "à domicile et instituts de formation, présenteront près de 120 postes à pourvoir.\n"
    "« Nous voulons montrer la diversité de nos métiers et rencontrer celles et ceux qui hésitent "
    "encore », explique Claire Bertholet, directrice des ressources humaines du groupement. Des "
    "ateliers de simulation permettront aux visiteurs d'enfiler une combinaison de vieillissement.\n"
    "Les candidats sont invités à venir avec leur CV. Entrée libre de 9 heures à 17 heures.",
    "estrepublicain.fr", published="2025-03-04", event_date="2025-03-12")

FORUM_B = art(
    "forum-b", "Haute-Saône : 120 postes à pourvoir au forum du grand âge ce mercredi",
    "Aide-soignant, agent de service, infirmier de nuit ou auxiliaire de vie : 120 postes sont "
    "proposés ce mercredi 12 mars à l'Espace Villon, à Vesoul, lors du forum organisé par le "
    "Groupement hospitalier de Haute-Saône avec le Département.\n"
    "Claire Bertholet, la DRH du groupement, espère convaincre des personnes en reconversion : "
    "« Beaucoup ne savent pas qu'on peut se former en alternance tout en étant payé. » Un simulateur "
    "de vieillissement sera aussi proposé au public.",
    "francebleu.fr", published="2025-03-12T06:30:00", event_date="2025-03-12")

FORUM_C = art(
    "forum-c", "Forum des métiers du grand âge le 12 mars",
    "La Ville de Vesoul accueille, en partenariat avec le Groupement hospitalier de Haute-Saône, "
    "le forum des métiers du grand âge, mercredi 12 mars de 9h à 17h à l'Espace Villon. Employeurs "
    "et centres de formation vous y attendent : près de 120 offres d'emploi, des ateliers de "
    "simulation et des conseils pour préparer votre candidature. Accès libre et gratuit.",
    "vesoul.fr", published=None, event_date="2025-03-12")

# A syndicated copy of FORUM_A on another host, under another URL, a day later.
FORUM_A_COPY = dataclasses.replace(
    FORUM_A, id="forum-a-copy", source="actu.example.net",
    url="https://actu.example.net/haute-saone/vesoul-un-forum-pour-decouvrir-les-metiers-du-grand-age",
    published="2025-03-05")

# A report after the event, filed later against the stored story.
FORUM_REPORT = art(
    "forum-report", "Vesoul : 600 visiteurs au forum des métiers du grand âge",
    "Le pari est réussi pour le Groupement hospitalier de Haute-Saône. Mercredi 12 mars, quelque "
    "600 personnes ont arpenté les allées de l'Espace Villon, à Vesoul, à la rencontre des Ehpad et "
    "services d'aide à domicile. « Nous avons déjà programmé une quarantaine d'entretiens », se "
    "félicite Claire Bertholet, directrice des ressources humaines du groupement.",
    "estrepublicain.fr", published="2025-03-13", event_date="2025-03-12")

# --------------------------------------------------------------------------- a tour, two stops

TOUR_LURE = art(
    "tour-lure", "Le camion des métiers du soin fait étape à Lure",
    "Le camion itinérant « Soigner en Haute-Saône » poursuit sa tournée du département. Il "
    "stationnera mardi 8 avril sur la place de la Libération, à Lure, de 10 heures à 16 heures. À "
    "bord, des professionnels des Ehpad et du centre hospitalier présentent leurs métiers, les "
    "formations accessibles et les offres d'emploi du secteur. Le dispositif est porté par le "
    "Département et France Travail.",
    "estrepublicain.fr", published="2025-04-04", event_date="2025-04-08")

TOUR_GRAY = art(
    "tour-gray", "Le camion des métiers du soin fait étape à Gray",
    "Le camion itinérant « Soigner en Haute-Saône » poursuit sa tournée du département. Il "
    "stationnera mardi 15 avril sur la place Charles-de-Gaulle, à Gray, de 10 heures à 16 heures. "
    "À bord, des professionnels des Ehpad et du centre hospitalier présentent leurs métiers, les "
    "formations accessibles et les offres d'emploi du secteur. Le dispositif est porté par le "
    "Département et France Travail.",
    "estrepublicain.fr", published="2025-04-11", event_date="2025-04-15")

TOUR_LURE_RADIO = art(
    "tour-lure-radio", "Lure : le camion « Soigner en Haute-Saône » attend les candidats mardi",
    "Pour la quatrième étape de sa tournée, le camion « Soigner en Haute-Saône » s'installe mardi "
    "8 avril place de la Libération à Lure. Les visiteurs pourront y rencontrer des aides-soignants "
    "et des infirmiers du centre hospitalier et des Ehpad voisins, et repartir avec des offres "
    "d'emploi. Le Département et France Travail financent l'opération.",
    "francebleu.fr", published="2025-04-07", event_date="2025-04-08")

# --------------------------------------------------------------------------- two hospitals, one region

DATING_DOLE = art(
    "dating-dole", "Job dating au centre hospitalier de Dole pour recruter des infirmiers",
    "Le centre hospitalier Louis-Pasteur de Dole organise un job dating le jeudi 22 mai, de 13h30 à "
    "18 heures, dans le hall de l'hôpital. Une quinzaine de postes d'infirmiers et d'aides-soignants "
    "sont à pourvoir en CDI, notamment en gériatrie. Les candidats seront reçus pour un entretien de "
    "dix minutes. « Nous pouvons faire une promesse d'embauche sur place », précise Julien Morel, "
    "directeur des ressources humaines.",
    "leprogres.fr", published="2025-05-16", event_date="2025-05-22")

DATING_BESANCON = art(
    "dating-besancon", "Besançon : le CHU organise un job dating pour ses services de nuit",
    "Le CHU Jean-Minjoz de Besançon organise un job dating le jeudi 22 mai, de 9 heures à 16 heures, "
    "dans le hall de l'hôpital. Une quarantaine de postes d'infirmiers et d'aides-soignants de nuit "
    "sont à pourvoir en CDI. Les candidats seront reçus pour un entretien rapide et pourront visiter "
    "les services. « Nous voulons répondre dans la journée à chaque candidat », indique Sophie Girard, "
    "coordinatrice des recrutements.",
    "estrepublicain.fr", published="2025-05-17", event_date="2025-05-22")

# --------------------------------------------------------------------------- a yearly forum

def yearly(year, event_day, published):
    return art(
        f"salon-{year}", "Salon de l'emploi sanitaire et social de Montbéliard",
        f"Le salon de l'emploi sanitaire et social revient à l'Axone de Montbéliard le {event_day}. "
        "Hôpitaux, cliniques, Ehpad et associations d'aide à domicile y présentent leurs offres, et "
        "les instituts de formation leurs cursus. L'entrée est libre, un espace est réservé aux "
        "entretiens d'embauche. Pensez à apporter plusieurs exemplaires de votre CV.",
        "pays-de-montbeliard.example.fr", published=published,
        event_date=f"{year}-{'10-07' if year == 2024 else '10-09'}")


SALON_2024 = yearly(2024, "lundi 7 octobre", "2024-09-30")
SALON_2025 = yearly(2025, "jeudi 9 octobre", "2025-10-01")

ALL = [FORUM_A, FORUM_B, FORUM_C, FORUM_A_COPY, TOUR_LURE, TOUR_GRAY, TOUR_LURE_RADIO,
       DATING_DOLE, DATING_BESANCON, SALON_2024, SALON_2025]


def stories_of(result):
    groups = {}
    for article_id, story in result.items():
        groups.setdefault(story, set()).add(article_id)
    return sorted(sorted(g) for g in groups.values())


# --------------------------------------------------------------------------- tests

def test_three_outlets_one_forum_make_one_story():
    result = cluster([FORUM_A, FORUM_B, FORUM_C])
    assert result["forum-a"] == result["forum-b"] == result["forum-c"]
    assert result["forum-a"] == "s-forum-a"  # first published article names the story


def test_syndicated_copy_on_another_host_joins_the_story():
    result = cluster([FORUM_A_COPY, FORUM_B, FORUM_A])
    assert result["forum-a-copy"] == result["forum-a"] == result["forum-b"]


def test_copy_is_recognised_even_without_other_signals():
    bare = dataclasses.replace(FORUM_A_COPY, regions=["FR-BFC"], event_date=None, published=None)
    result = cluster([FORUM_A, bare])
    assert result["forum-a-copy"] == result["forum-a"]


def test_copy_joins_despite_a_weekday_read_in_another_week():
    text = FORUM_C.text.replace("mercredi 12 mars", "mercredi")
    first = dataclasses.replace(FORUM_C, id="weekday-1", text=text, published="2025-03-10",
                                event_date="2025-03-12")
    later = dataclasses.replace(FORUM_C, id="weekday-2", text=text, source="other.example.org",
                                url="https://other.example.org/forum", published="2025-03-14",
                                event_date="2025-03-19")
    result = cluster([first, later])
    assert result["weekday-2"] == result["weekday-1"]


def test_tour_stops_in_two_towns_are_two_stories():
    result = cluster([TOUR_LURE, TOUR_GRAY, TOUR_LURE_RADIO])
    assert result["tour-lure"] != result["tour-gray"]
    assert result["tour-lure-radio"] == result["tour-lure"]


def test_tour_stops_without_dates_are_told_apart_by_their_towns():
    undated = [dataclasses.replace(a, published=None, event_date=None) for a in (TOUR_LURE, TOUR_GRAY)]
    result = cluster(undated)
    assert result["tour-lure"] != result["tour-gray"]


def test_monthly_template_in_one_town_is_one_story_per_date():
    april = dataclasses.replace(TOUR_LURE, id="lure-april")
    may = dataclasses.replace(
        TOUR_LURE, id="lure-may", url="https://estrepublicain.fr/articles/lure-may.html",
        published="2025-05-02", event_date="2025-05-06",
        text=TOUR_LURE.text.replace("mardi 8 avril", "mardi 6 mai"))
    result = cluster([april, may])
    assert result["lure-april"] != result["lure-may"]


def test_two_hospitals_job_datings_in_one_region_are_two_stories():
    result = cluster([DATING_DOLE, DATING_BESANCON])
    assert result["dating-dole"] != result["dating-besancon"]


def test_yearly_editions_are_two_stories():
    result = cluster([SALON_2024, SALON_2025])
    assert result["salon-2024"] != result["salon-2025"]
    # Even inside one window (no publication dates), the event dates tell them apart.
    undated = [dataclasses.replace(a, published=None) for a in (SALON_2024, SALON_2025)]
    result = cluster(undated)
    assert result["salon-2024"] != result["salon-2025"]


def test_whole_mix():
    assert stories_of(cluster(ALL)) == sorted([
        ["forum-a", "forum-a-copy", "forum-b", "forum-c"],
        ["tour-gray"], ["tour-lure", "tour-lure-radio"],
        ["dating-besancon"], ["dating-dole"],
        ["salon-2024"], ["salon-2025"],
    ])


def test_new_article_joins_an_existing_story():
    index = StoryIndex()
    index.add_existing([dataclasses.replace(FORUM_A, story="s-forum-a"),
                        dataclasses.replace(FORUM_B, story="s-forum-a"),
                        dataclasses.replace(TOUR_LURE, story="s-tour-lure")])
    result = index.assign([FORUM_REPORT, TOUR_LURE_RADIO, TOUR_GRAY])
    assert result == {"forum-report": "s-forum-a", "tour-lure-radio": "s-tour-lure",
                      "tour-gray": "s-tour-gray"}
    assert index.story_of("forum-report") == "s-forum-a"


def test_later_article_of_a_batch_joins_an_earlier_one():
    index = StoryIndex()
    assert index.assign([FORUM_A]) == {"forum-a": "s-forum-a"}
    result = index.assign([FORUM_C, FORUM_REPORT])
    assert result == {"forum-c": "s-forum-a", "forum-report": "s-forum-a"}


def test_already_indexed_article_keeps_its_story():
    index = StoryIndex()
    index.add_existing([dataclasses.replace(FORUM_A, story="s-old")])
    assert index.assign([FORUM_A]) == {"forum-a": "s-old"}


def test_deterministic_whatever_the_order():
    expected = cluster(ALL)
    for seed in range(5):
        shuffled = ALL[:]
        random.Random(seed).shuffle(shuffled)
        assert cluster(shuffled) == expected


def test_deterministic_across_processes():
    """Set iteration order changes with the hash seed; the stories must not."""
    script = ("import json; from tests.triage.test_stories import ALL; "
              "from triage.stories import cluster; print(json.dumps(cluster(ALL), sort_keys=True))")
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script], cwd=root, env=env,
                              capture_output=True, text=True, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop()) == cluster(ALL)


def test_undated_articles_are_not_excluded_by_time():
    undated = [dataclasses.replace(a, published=None) for a in (FORUM_A, FORUM_B)]
    result = cluster(undated)
    assert result["forum-a"] == result["forum-b"]


def test_same_page_joins_its_story():
    updated = dataclasses.replace(FORUM_A, id="forum-a-updated", title="Vesoul : le forum du grand âge",
                                  text="Mise à jour : le forum est reporté.", event_date=None)
    result = cluster([FORUM_A, updated])
    assert result["forum-a-updated"] == result["forum-a"]


def test_regions_must_overlap_unless_nationwide():
    elsewhere = dataclasses.replace(FORUM_B, regions=["FR-BRE"])
    assert cluster([FORUM_A, elsewhere])["forum-b"] == "s-forum-b"
    national = dataclasses.replace(FORUM_B, regions=["FR"])
    assert cluster([FORUM_A, national])["forum-b"] == "s-forum-a"


def test_window_prunes_old_articles():
    index = StoryIndex(window_days=30)
    old = [dataclasses.replace(SALON_2024, story="s-salon-2024"),
           dataclasses.replace(FORUM_A, id="old-forum", published="2024-03-04",
                               event_date="2024-03-12", story="s-old-forum")]
    index.add_existing(old)
    assert len(index) == 1  # the forum is more than 30 days older than the salon
    assert index.story_of("old-forum") is None
    # A year later: the 2024 salon leaves the window, the 2025 one opens its own story.
    assert index.assign([SALON_2025]) == {"salon-2025": "s-salon-2025"}
    assert index.story_of("salon-2024") is None
    assert len(index) == 1


def test_explicit_prune():
    index = StoryIndex(window_days=400)
    index.assign([FORUM_A, TOUR_LURE, DATING_DOLE])
    assert len(index) == 3
    assert index.prune("2025-04-01") == 1  # FORUM_A, published 2025-03-04
    assert index.story_of("forum-a") is None
    assert index.prune("2025-04-01") == 0
    assert len(index) == 2


def test_a_key_too_common_blocks_again_once_pruned_back(monkeypatch):
    # Keys shared by more than MAX_POSTINGS articles are skipped when looking for
    # candidates (and stored compactly); once pruning brings them back under the bar,
    # they find candidates again, as in an index that never held the pruned articles.
    from triage.stories import index as index_module
    monkeypatch.setattr(index_module, "MAX_POSTINGS", 1)
    copy = dataclasses.replace(FORUM_A, id="forum-a-copy", source="lesechos.fr", published="2025-03-06",
                               url="https://lesechos.fr/forum.html")
    # the same text, stated earlier (every key of the copy but its address is theirs too)
    old = [dataclasses.replace(FORUM_A, id=f"forum-{year}", published=f"{year}-03-04",
                               url=f"https://estrepublicain.fr/{year}/forum.html") for year in (2023, 2024)]
    pruned = StoryIndex(window_days=2000)
    pruned.assign([*old, FORUM_A])
    assert pruned.prune("2025-01-01") == 2
    fresh = StoryIndex(window_days=2000)
    fresh.assign([FORUM_A])
    assert fresh.best_match(copy) is not None
    assert pruned.best_match(copy).story == fresh.best_match(copy).story == "s-forum-a"


def test_match_explains_its_score():
    index = StoryIndex()
    index.assign([TOUR_LURE])
    f = extract(TOUR_GRAY)
    sim = scoring.similarity(f, extract(TOUR_LURE), index.idf, index.rarity)
    ctx = scoring.context(f, scoring.story_traits([extract(TOUR_LURE)]))
    assert sim.copy == scoring.PARTIAL_COPY      # one press release template...
    assert ctx.date == scoring.DATE_DIFF and ctx.town == scoring.TOWN_DIFF  # ...another stop
    assert not scoring.Match("s-tour-lure", sim, ctx).joins


def test_best_match_explains_without_changing_the_index():
    index = StoryIndex()
    index.assign([FORUM_A, TOUR_LURE])
    match = index.best_match(FORUM_B)
    assert match is not None and match.story == "s-forum-a"
    assert match.score >= scoring.JOIN_THRESHOLD and match.context.date == scoring.DATE_SAME
    assert match.explain().startswith("s-forum-a: ")
    assert index.best_match(TOUR_GRAY) is None
    assert len(index) == 2 and index.story_of("forum-b") is None


# --------------------------------------------------------------------------- learned pair model

def test_an_article_reporting_two_split_stories_merges_them():
    """With the learned pair model, a new article that surely joins two stories (here a
    recap quoting both earlier reports) files them as one."""
    from triage.learned.linear import Linear
    model = Linear({"passage": 12.0}, bias=-4.0, threshold=0.25)   # joins on shared passages only
    one = ("Le centre hospitalier de Dole organise une grande journée de recrutement pour les aides-soignants "
           "avec des entretiens sur place et des visites des services de soins toute la matinée")
    two = ("Les candidats pourront rencontrer les infirmiers du service de gériatrie et découvrir "
           "les formations en alternance proposées par l'institut de formation voisin cet automne")
    a = art("a", "Dole recrute des aides-soignants", one, "jura-a.example", published="2026-10-01")
    b = art("b", "Une matinée pour découvrir le soin à Dole", two, "jura-b.example", published="2026-10-02")
    c = art("c", "Journée de recrutement à Dole : ce qu'il faut savoir", one + ". " + two,
            "jura-c.example", published="2026-10-03")
    assert len(set(cluster([a, b], model=model).values())) == 2
    stories = cluster([a, b, c], model=model)
    assert stories["a"] == stories["b"] == stories["c"]


def test_learned_pairs_keep_tour_stops_and_editions_apart_however_alike():
    """The guide's series (another town of a tour, another edition) stay apart even under a
    pair model that would join on shared words alone: whatever order the outlets come in,
    another stop is another story while a second report of the same stop joins it."""
    from triage.learned.linear import Linear
    model = Linear({"text": 12.0}, bias=-3.0, threshold=0.25)
    for order in ([TOUR_LURE, TOUR_GRAY, TOUR_LURE_RADIO], [TOUR_GRAY, TOUR_LURE_RADIO, TOUR_LURE],
                  [TOUR_LURE_RADIO, TOUR_GRAY, TOUR_LURE]):
        result = cluster(order, model=model)
        assert result["tour-lure"] != result["tour-gray"]
        assert result["tour-lure-radio"] == result["tour-lure"]
    second, third = (dataclasses.replace(SALON_2024, id=f"salon-{n}e", url=f"https://montbeliard.example/{n}e",
                                         title=f"{n}e édition du salon de l'emploi sanitaire et social",
                                         event_date=None)
                     for n in (2, 3))
    result = cluster([second, third], model=model)
    assert result["salon-2e"] != result["salon-3e"]
    assert len(set(cluster([second, dataclasses.replace(second, id="salon-2e-copy", source="copy.example",
                                                        url="https://copy.example/salon")],
                           model=model).values())) == 1


def test_series_apart_reads_towns_and_editions_not_dates():
    assert scoring.series_apart(scoring.Context(date=0.0, town=scoring.TOWN_DIFF, edition=0.0))
    assert scoring.series_apart(scoring.Context(date=0.0, town=0.0, edition=scoring.EDITION_DIFF))
    assert not scoring.series_apart(scoring.Context(date=scoring.DATE_DIFF, town=0.0, edition=0.0))
    assert not scoring.series_apart(scoring.Context(date=0.0, town=0.0, edition=0.0, theme=scoring.THEME_DIFF))
