"""Region detection on hand-written French sentences (triage.places)."""
from __future__ import annotations

import gzip
import importlib.util
import io
import json
import tarfile
from pathlib import Path

import pytest

from domain.regions import VALID_CODES
from triage.places import detect_regions
from triage.places.data import load_places, read_communes, read_departements
from triage.places.gazetteer import gazetteer

ROOT = Path(__file__).resolve().parents[2]


def regions(title: str, text: str = "", **kw) -> list[str]:
    return detect_regions(title, text, **kw)


# -- place data ------------------------------------------------------------------

def test_place_data_is_complete_and_loaded_once():
    places = load_places()
    assert load_places() is places
    assert len(places.communes) > 30_000
    assert len(places.departements) == 101
    assert places.departements["14"].region == "FR-NOR"
    assert places.departements["2A"].region == "FR-COR"
    assert places.departements["976"].region == "FR-976"
    caen = [c for c in places.communes if c.name == "Caen"]
    assert [(c.dept, c.region) for c in caen] == [("14", "FR-NOR")]
    assert caen[0].population > 100_000
    assert gazetteer() is gazetteer()


def test_common_word_flag_is_shipped():
    by_name = {(c.name, c.dept): c for c in load_places().communes}
    assert by_name[("Tours", "37")].common_word
    assert not by_name[("Nantes", "44")].common_word


# -- departments, towns, regions -----------------------------------------------------

def test_department_number_in_parentheses():
    assert regions("Un Ehpad de Lunéville (54) cherche des aides-soignants") == ["FR-GES"]
    assert regions("Job dating à l'hôpital", "Rendez-vous à Saint-Lô (50) mardi.") == ["FR-NOR"]


def test_number_in_parentheses_after_lower_case_word_is_no_department():
    assert regions("Les effectifs infirmiers", "Ils ont progressé en 2023 (15) selon l'étude.") == ["FR"]


def test_town_name():
    assert regions("Le CHU de Rennes recrute 50 infirmiers") == ["FR-BRE"]
    assert regions("Une infirmière témoigne", "Claire travaille au CHU de Toulouse depuis dix ans.") == ["FR-OCC"]


def test_town_with_article_merged_into_preposition():
    assert regions("Job dating au Mans", "Le centre hospitalier du Mans recrute.") == ["FR-PDL"]


def test_region_name_and_acronym():
    assert regions("En Occitanie, les Ehpad peinent à recruter") == ["FR-OCC"]
    assert regions("La région AURA veut former plus d'infirmiers") == ["FR-ARA"]
    assert regions("En région PACA, pénurie d'aides à domicile") == ["FR-PAC"]


def test_former_region_names():
    assert regions("En Lorraine, les établissements médico-sociaux manquent de bras") == ["FR-GES"]
    assert regions("Pénurie d'infirmiers en Picardie") == ["FR-HDF"]
    assert regions("L'hôpital phare de l'ex-Basse-Normandie recrute") == ["FR-NOR"]
    assert regions("Midi-Pyrénées : une formation d'aides-soignants rouvre") == ["FR-OCC"]


def test_department_name():
    assert regions("Ehpad : la Creuse manque de bras",
                   "Le département de la Creuse cherche des aides à domicile.") == ["FR-NAQ"]
    assert regions("Le conseil départemental du Calvados recrute des assistants familiaux") == ["FR-NOR"]


@pytest.mark.parametrize("title, code", [
    ("Forum de l'emploi dans le Nord", "FR-HDF"),
    ("Un job dating à Tourcoing, Nord, pour les aides-soignants", "FR-HDF"),
])
def test_compass_department_on_its_own(title, code):
    assert code in regions(title)


@pytest.mark.parametrize("title, code", [
    ("Le GHT Yvelines Nord recrute des infirmiers", "FR-IDF"),
    ("L'hôpital Nord Franche-Comté peine à recruter des infirmiers", "FR-BFC"),
])
def test_compass_department_inside_another_name_is_no_department(title, code):
    assert regions(title) == [code]


def test_name_shared_by_department_and_town():
    assert regions("Le département de la Vienne recrute des assistants familiaux") == ["FR-NAQ"]
    assert regions("À Vienne, l'hôpital recrute",
                   "Le centre hospitalier de Vienne, en Isère, cherche des infirmiers.") == ["FR-ARA"]


# -- ambiguity ---------------------------------------------------------------------

def test_saint_denis_resolved_by_la_reunion():
    assert regions("Saint-Denis : le CHU recrute des infirmiers",
                   "Le CHU de La Réunion, à Saint-Denis, lance une campagne.") == ["FR-974"]


def test_saint_denis_resolved_by_department_number():
    assert regions("Saint-Denis (974) : une école d'aides-soignants ouvre") == ["FR-974"]
    assert regions("Saint-Denis (93) : une école d'aides-soignants ouvre") == ["FR-IDF"]


def test_saint_denis_resolved_by_seine_saint_denis():
    assert regions("Saint-Denis : l'hôpital recrute",
                   "En Seine-Saint-Denis, l'hôpital de Saint-Denis cherche 40 soignants.") == ["FR-IDF"]


def test_saint_denis_de_la_reunion():
    assert regions("Un forum des métiers à Saint-Denis de La Réunion") == ["FR-974"]


def test_common_words_in_lower_case_are_no_towns():
    text = ("Les tours de garde épuisent les soignants ; le bar de l'hôpital ferme, "
            "une aire de repos est créée et la santé des agents se dégrade.")
    assert regions("Conditions de travail à l'hôpital", text) == ["FR"]


def test_common_word_town_opening_a_sentence_needs_support():
    assert regions("Orange lance une offre pour les hôpitaux",
                   "L'opérateur équipe les établissements de santé.") == ["FR"]
    assert regions("Tours : le CHRU organise un job dating",
                   "Le CHRU de Tours recrute des soignants en Indre-et-Loire.") == ["FR-CVL"]


def test_person_and_street_names_are_no_towns():
    assert regions("Élisabeth Borne annonce un plan pour l'hôpital") == ["FR"]
    assert regions("Un salon de l'emploi",
                   "Rendez-vous au 12 rue de Metz, à Toulouse, pour rencontrer les recruteurs.") == ["FR-OCC"]


def test_dedication_is_no_town():
    assert regions("Grève à l'hôpital Saint-Joseph", "À Marseille, le personnel est en grève.") == ["FR-PAC"]


# -- nationwide, default -----------------------------------------------------------------

def test_nationwide_cues():
    assert regions("Le gouvernement annonce un plan pour les métiers du grand âge",
                   "Le ministre a présenté les mesures au niveau national.") == ["FR"]
    assert regions("Les métiers du soin recrutent partout en France") == ["FR"]


def test_all_regions_or_a_list_of_regions_is_nationwide():
    assert regions("Des formations dans toutes les régions") == ["FR"]
    assert regions("Recrutement d'aides-soignants",
                   "Des campagnes ont lieu en Bretagne, en Normandie, en Occitanie et dans le Grand Est.") == ["FR"]


def test_default_only_without_evidence():
    title, text = "Portes ouvertes à l'institut de formation", "Venez découvrir les métiers du soin."
    assert regions(title, text, default="FR-BRE") == ["FR-BRE"]
    assert regions(title, text, default="FR") == ["FR"]
    assert regions(title, text) == ["FR"]
    assert regions("Le CHU de Nancy recrute", default="FR-BRE") == ["FR-GES"]
    assert regions("Le ministère lance un plan national", default="FR-BRE") == ["FR"]


def test_default_breaks_a_tie_between_homonyms():
    assert regions("Job dating à Saint-Denis", "Une trentaine de postes.", default="FR-974") == ["FR-974"]
    assert regions("Job dating à Saint-Denis", "Une trentaine de postes.", default="FR-IDF") == ["FR-IDF"]


# -- overseas -------------------------------------------------------------------------

@pytest.mark.parametrize("title, code", [
    ("À Mayotte, le centre hospitalier cherche des sages-femmes", "FR-976"),
    ("En Guyane, les soignants manquent", "FR-973"),
    ("Le centre hospitalier de Cayenne recrute", "FR-973"),
    ("Pointe-à-Pitre : le CHU cherche 80 infirmiers", "FR-971"),
    ("Fort-de-France : les urgences en tension", "FR-972"),
    ("La Réunion forme plus d'aides-soignants", "FR-974"),
])
def test_overseas(title, code):
    assert regions(title) == [code]


def test_reunion_as_a_meeting_is_no_region():
    assert regions("Réunion d'information sur les métiers du soin",
                   "La réunion aura lieu jeudi.") == ["FR"]


# -- several regions, url ------------------------------------------------------------------

def test_two_regions():
    got = regions("Les ARS de Bretagne et des Pays de la Loire lancent une campagne commune",
                  "Les deux agences veulent attirer des infirmiers en Bretagne et en Pays de la Loire.")
    assert got == ["FR-BRE", "FR-PDL"]


def test_domain_name_hints_a_region():
    title, text = "Devenez accueillant familial", "Le Département recrute."
    assert regions(title, text, url="https://www.meurthe-et-moselle.fr/actu/x") == ["FR-GES"]
    assert regions(title, text, url="https://www.exemple.re/actu") == ["FR-974"]
    assert regions(title, text, source="normandie.ars.sante.fr") == ["FR-NOR"]
    assert regions(title, text, url="https://info.example.fr/regions/bretagne/finistere/une-annonce") == ["FR-BRE"]
    assert regions(title, text, url="https://info.example.fr/paris-pour-l-emploi-2024") == ["FR"]


def test_a_town_starting_a_part_of_the_domain_name_hints_its_region():
    title, text = "Un forum pour découvrir les métiers du soin", "Rendez-vous samedi."
    assert regions(title, text, url="https://www.niortagglo.fr/actu/x") == ["FR-NAQ"]
    assert regions(title, text, url="https://www.info-beaune.com/x") == ["FR-BFC"]
    assert regions(title, text, url="https://charles-martel.example.fr/x") == ["FR"]  # not Arles


def test_a_postal_code_in_the_domain_name_hints_its_region():
    title, text = "Malaise à l'hôpital", "Les soignants manquent."
    assert regions(title, text, url="https://www.le97150.fr/vie-locale/x") == ["FR-971"]
    assert regions(title, text, url="http://127.0.0.1:8080/x") == ["FR"]  # an address is no code


def test_output_is_valid_and_tolerates_empty_input():
    assert regions("", "") == ["FR"]
    assert regions("x", "y", url="http://[bad") == ["FR"]
    for code in regions("Caen, Rennes et Nantes", "Le CHU de Caen, le CHU de Rennes, le CHU de Nantes."):
        assert code in VALID_CODES


# -- build script ------------------------------------------------------------------------------

def _tarball(path: Path, files: dict[str, object]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in files.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_build_script_writes_compact_files(tmp_path):
    spec = importlib.util.spec_from_file_location("build_places", ROOT / "scripts" / "build_places.py")
    build_places = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_places)
    communes = [
        {"nom": "Bourg-Neuf", "departement": "14", "region": "28", "type": "commune-actuelle",
         "zone": "metro", "population": 1200},
        {"nom": "Vieux-Bourg", "departement": "14", "region": "28", "type": "commune-deleguee",
         "zone": "metro", "population": 300},
        {"nom": "Orange", "departement": "84", "region": "93", "type": "commune-actuelle",
         "zone": "metro", "population": 29000},
        {"nom": "L'Hôpital", "departement": "57", "region": "44", "type": "commune-actuelle",
         "zone": "metro", "population": 5000},
    ]
    departements = [{"code": "14", "nom": "Calvados", "region": "28", "zone": "metro"},
                    {"code": "57", "nom": "Moselle", "region": "44", "zone": "metro"},
                    {"code": "84", "nom": "Vaucluse", "region": "93", "zone": "metro"},
                    {"code": "975", "nom": "Saint-Pierre-et-Miquelon", "region": "975", "zone": "com"}]
    src = _tarball(tmp_path / "communes.tgz", {"package/data/communes.json": communes,
                                               "package/data/departements.json": departements})
    words = _tarball(tmp_path / "words.tgz", {"package/index.json": ["orange", "hôpital", "bourg"]})
    out = tmp_path / "out"
    build_places.build(src, words, out)

    depts = read_departements(out / "departements.tsv")
    assert sorted(depts) == ["14", "57", "84"]
    rows = {c.name: c for c in read_communes(depts, out / "communes.tsv.gz")}
    assert sorted(rows) == ["Bourg-Neuf", "L'Hôpital", "Orange"]
    assert rows["Orange"].common_word and rows["Orange"].region == "FR-PAC"
    assert not rows["L'Hôpital"].common_word and rows["L'Hôpital"].common_bare
    assert not rows["Bourg-Neuf"].common_word
    assert gzip.decompress((out / "communes.tsv.gz").read_bytes()).startswith(b"# name")


def test_a_town_given_as_an_example_does_not_make_a_national_article_local():
    from triage.places import detect_regions
    text = ("Le ministère de la Santé lance une campagne nationale de recrutement d'aides-soignants "
            "dans toute la France. À Lyon, par exemple, un Ehpad recrute dix soignants.")
    assert detect_regions("Une campagne nationale pour les métiers du soin", text) == ["FR"]
    assert detect_regions("Un Ehpad de Lyon recrute dix soignants",
                          "L'Ehpad des Tilleuls, à Lyon, recrute dix soignants.") == ["FR-ARA"]


def test_tokens_fold_words_and_read_their_surroundings():
    from triage.places.gazetteer import LEAD, tokenize
    tokens = tokenize("L’Haÿ-les-Roses et St-Malo, st-malo; Cœur", LEAD)
    assert [t.norm for t in tokens] == ["l", "hay", "les", "roses", "et", "saint", "malo", "st", "malo", "coeur"]
    assert [t.joined for t in tokens] == [False, True, True, True, True, True, True, False, True, False]
    assert [t.initial for t in tokens] == [True] + [False] * 9
    shouting = tokenize("LA MANCHE EN ALERTE\nà Caen, la Manche", LEAD)
    assert [t.loud for t in shouting] == [True] * 4 + [False] * 4
    assert [t.initial for t in shouting] == [True] * 5 + [False] * 3
    assert tokenize("", LEAD) == [] and tokenize(" … ", LEAD) == []


def test_find_from_the_columns_of_tokenize_is_find_from_the_tokens():
    from triage.places.gazetteer import LEAD, tokenize_columns
    text = ("LA MANCHE EN ALERTE\nÀ Caen (14), au Mans et à Saint-Lô, le ministère de la Santé "
            "et l'ARS Normandie ; ﬁn de la Straße à Sainte-Me\u0300re-E\u0301glise, 50480 Sainte-Mère-Église.")
    tokens, norms, joined = tokenize_columns(text, LEAD)
    found = gazetteer().find(tokens, norms, joined)
    assert found == gazetteer().find(tokens)
    assert {e.name for m in found for e in m.entries} >= {"Manche", "Caen", "Le Mans", "Saint-Lô", "Normandie"}
