"""The learned triage models: the shipped file loads, labelling keeps its contract, the
cross-validation script runs (on a few articles: scores live in its output, not here)."""
from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest

from triage.classify import classify
from triage.learned import MODEL_PATH, RULES_ONLY, ModelError, TriageModel, load_model
from triage.learned.linear import Linear, LinearBank, Softmax

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"


def test_shipped_model_loads_with_every_part():
    model = load_model()
    assert model is not RULES_ONLY
    assert model.relevance and model.primary and model.story and model.themes
    assert set(model.primary.classes) == {"event", "charter", "campaign", "apprenticeship", "recruitment",
                                          "training", "retention", "study"}
    assert model.info["articles"] > 300


def test_model_round_trips_through_json(tmp_path):
    model = TriageModel(relevance=Linear({"r:sector": 1.5}, -0.5, 0.4),
                        primary=Softmax(("event", "study"), {"event": {"x": 1.0}, "study": {"x": -1.0}},
                                        {"event": 0.0, "study": 0.1}),
                        themes={"study": Linear({"x": 2.0})}, story=Linear({"text": 3.0}, -1.0, 0.3))
    path = tmp_path / "model.json"
    model.save(path)
    again = load_model(path)
    assert again == model
    assert again.primary.probabilities({"x": 1.0})["event"] > 0.8


def test_a_broken_model_file_says_which_file(tmp_path):
    path = tmp_path / "model.json"
    path.write_text('{"format": 99}', encoding="utf-8")
    with pytest.raises(ModelError, match="model.json"):
        load_model(path)


ROWS = [
    {"id": "a1", "url": "https://exemple-presse.fr/a1", "source": "exemple-presse.fr",
     "title": "Job dating des métiers du grand âge à Quimper le 14 mars 2026",
     "text": "L'EHPAD de Kerlan et France Travail organisent un job dating le samedi 14 mars 2026 "
             "à Quimper pour recruter des aides-soignants et des infirmiers. Une trentaine de postes "
             "sont à pourvoir en CDI.", "published": "2026-03-02"},
    {"id": "a2", "url": "https://autre-journal.fr/a2", "source": "autre-journal.fr",
     "title": "Quimper : un job dating pour les EHPAD le 14 mars",
     "text": "Samedi 14 mars 2026, un job dating réunira à Quimper l'EHPAD de Kerlan et France Travail : "
             "une trentaine de postes d'aides-soignants et d'infirmiers en CDI sont à pourvoir.",
     "published": "2026-03-05"},
    {"id": "a3", "url": "https://exemple-presse.fr/a3", "source": "exemple-presse.fr",
     "title": "Le marché de Noël ouvre ses portes", "text": "Chalets, vin chaud et animations place centrale.",
     "published": "2026-12-01"},
]


def test_classify_contract_with_the_shipped_model():
    out = classify(ROWS)
    assert [r["id"] for r in out] == ["a1", "a2", "a3"]
    for r in out:
        assert set(r) == {"id", "relevant", "themes", "regions", "event_date", "story"}
        assert isinstance(r["story"], str) and r["story"]
    a1, a2, a3 = out
    assert a1["relevant"] and a2["relevant"] and not a3["relevant"]
    assert a1["themes"][0] == "event" and a1["regions"] == ["FR-BRE"]
    assert a1["event_date"] == "2026-03-14"
    assert a1["story"] == a2["story"] != a3["story"]


def test_rules_only_model_still_labels():
    out = classify(ROWS, model=RULES_ONLY)
    assert out[0]["relevant"] and not out[2]["relevant"]


@pytest.mark.skipif(not (EVAL / "train.jsonl").exists(), reason="../shared/eval not beside the project")
def test_cross_validation_script_runs_on_a_subset():
    pytest.importorskip("sklearn")
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "triage_eval.py"), "--limit", "80",
                          "--folds", "3", "--json"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    columns = json.loads(run.stdout)
    (scores,) = columns.values()
    assert set(scores) >= {"relevance_f1", "theme_primary_acc", "region_f1", "event_date_acc",
                           "story_pair_f1", "story_bcubed_f1"}
    assert all(0.0 <= v <= 1.0 for v in scores.values())


def test_date_model_prefers_the_event_over_the_page_stamp():
    from triage.dates import date_candidates, event_date
    title = "Un forum de l'emploi pour les métiers du soin"
    text = ("Publié le 2 février 2026\nLe centre hospitalier organise un forum de l'emploi "
            "le mercredi 18 février 2026 de 9 h à 17 h : infirmiers et aides-soignants sont attendus.")
    model = load_model().dates
    assert model is not None
    dates = {d.isoformat() for d, _ in date_candidates(title, text, "2026-02-02")}
    assert {"2026-02-18"} <= dates
    assert event_date(title, text, "2026-02-02", model=model) == "2026-02-18"


def test_date_model_gives_none_without_a_stated_day():
    from triage.dates import event_date
    text = "Le département manque d'aides à domicile et lance une réflexion sur les salaires."
    assert event_date("Pénurie d'aides à domicile", text, "2026-02-02", model=load_model().dates) is None


# --------------------------------------------------------------------------- failure classes of issue 8
# Invented articles (people, places and figures made up for the tests).

def _label(title, text, published="2026-03-02"):
    from triage.labeler import label_article
    from triage.vocabulary import load_vocabulary
    return label_article(load_vocabulary(), title, text, published, "https://journal-exemple.fr/a", "journal-exemple.fr")


@pytest.mark.parametrize("title,text,primary", [
    ("Aides à domicile : employeurs et syndicats signent un accord sur les salaires",
     "Les fédérations d'employeurs de l'aide à domicile et les syndicats ont signé mardi un accord qui "
     "revalorise de 5 % les salaires des aides à domicile du Finistère.", "charter"),
    ("Une étude révèle la pénurie d'infirmiers dans les hôpitaux normands",
     "Selon le rapport de l'observatoire régional de la santé, 12 % des postes d'infirmiers sont vacants "
     "dans les hôpitaux normands. L'enquête a été menée auprès de 80 établissements.", "study"),
    ("Job dating : l'hôpital de Brest recrute des aides-soignants",
     "Le CHU de Brest organise un job dating le jeudi 12 mars 2026 pour recruter quarante aides-soignants.", "event"),
    ("Des vidéos pour donner envie de devenir aide-soignant",
     "L'ARS Occitanie lance une campagne de clips diffusés sur les réseaux sociaux pour valoriser le métier "
     "d'aide-soignant auprès des jeunes.", "campaign"),
    # a diploma ceremony is an event; an installation bonus is recruitment
    ("Remise des diplômes pour 45 nouveaux infirmiers",
     "La cérémonie de remise des diplômes de l'IFSI s'est tenue vendredi en présence des familles et des "
     "équipes du centre hospitalier.", "event"),
    ("Une prime à l'installation pour attirer des infirmiers",
     "L'ARS verse une prime d'installation aux infirmiers qui viennent exercer dans les centres de santé du "
     "territoire, où les postes restent vacants.", "recruitment"),
    # a partnership between bodies is a charter
    ("Le Département et France Travail main dans la main pour les aides à domicile",
     "Les deux institutions nouent un partenariat pour orienter les demandeurs d'emploi vers les services "
     "d'aide à domicile du territoire, qui peinent à recruter.", "charter"),
    # keeping staff through contracts and housing is retention
    ("L'hôpital passe ses aides-soignants en CDI",
     "Pour les inciter à rester, le centre hospitalier propose le passage en CDI à ses aides-soignants "
     "après six mois.", "retention"),
    ("Ehpad : des logements pour le personnel",
     "L'Ehpad, qui peine à recruter des aides-soignants, propose des logements du personnel à loyer modéré "
     "pour leur donner envie de rester.", "retention"),
    # a recruiting drive told through advertising is a campaign
    ("Le CHU recrute des infirmiers et le fait savoir",
     "Visuels dans les abribus, encarts dans la presse et panneaux publicitaires : le CHU lance une "
     "opération de communication pour recruter des infirmiers.", "campaign"),
    ("Le Département recrute des assistants familiaux",
     "Le Département a fait appel à des influenceurs et tourné un teaser pour donner envie de devenir "
     "assistant familial.", "campaign"),
    # immersion days and hackathons are events
    ("Une journée d'immersion pour découvrir les métiers de l'Ehpad",
     "Des lycéens ont passé une journée d'immersion à l'Ehpad pour découvrir le métier d'aide-soignant.",
     "event"),
    ("Un hackathon pour recruter des infirmiers",
     "Le CHU organise un hackathon pour imaginer comment recruter et garder ses infirmiers.", "event"),
])
def test_the_primary_theme_is_what_the_initiative_is(title, text, primary):
    labels = _label(title, text)
    assert labels.relevant and labels.themes[0] == primary


def test_a_pay_agreement_is_also_about_retention():
    labels = _label("Aides à domicile : employeurs et syndicats signent un accord sur les salaires",
                    "Les fédérations d'employeurs de l'aide à domicile et les syndicats ont signé mardi un accord "
                    "qui revalorise de 5 % les salaires et améliore les conditions de travail des aides à domicile "
                    "du Finistère, pour fidéliser les salariés.")
    assert labels.themes[:2] == ["charter", "retention"]


def test_national_bodies_named_do_not_make_a_regional_initiative_national():
    labels = _label("Le ministère et France Travail s'associent pour recruter dans les Ehpad de Bretagne",
                    "En Bretagne, l'agence régionale de santé, le ministère de la Santé et France Travail "
                    "s'associent pour recruter 500 soignants dans les Ehpad de la région.")
    assert labels.regions == ["FR-BRE"]


def test_a_common_word_is_not_a_town():
    labels = _label("Pénurie de soignants : un plan pour recruter",
                    "L'Ehpad Les Tilleuls, à Montpellier, manque d'aides-soignants et présente un plan de "
                    "recrutement de vingt personnes.")
    assert labels.regions == ["FR-OCC"]


def _plain_bank_scores(scorers, features):
    """The definition `LinearBank.scores` must agree with bit for bit: features of equal
    value summed column by column with `math.fsum`, groups taken in sorted feature order."""
    by_value = {}
    for k in sorted(features):
        if features[k] and any(k in w for w, _ in scorers):
            by_value.setdefault(features[k], []).append([w.get(k, 0.0) for w, _ in scorers])
    total = [b for _, b in scorers]
    for value, group in by_value.items():
        total = [t + math.fsum(column) * value for t, column in zip(total, zip(*group))]
    return total


def test_linear_bank_sums_exactly_whatever_the_order_of_the_features():
    rnd = random.Random(5)
    weight = lambda: rnd.choice([0.0, round(rnd.uniform(-3, 3), 5), rnd.uniform(-1, 1) * 10.0 ** rnd.randint(-40, 8)])
    for _ in range(200):
        names = [f"f{i}" for i in range(rnd.randint(1, 40))]
        scorers = [({k: weight() for k in names if rnd.random() < 0.7}, rnd.uniform(-1, 1))
                   for _ in range(rnd.randint(1, 5))]
        bank = LinearBank.of(scorers)
        word = rnd.uniform(0.05, 0.3)
        features = {k: word if rnd.random() < 0.7 else rnd.choice([0.0, 1.0, rnd.uniform(-2, 2)])
                    for k in names + ["unknown"] if rnd.random() < 0.8}
        expected = _plain_bank_scores(scorers, features)
        assert bank.scores(features) == expected
        shuffled = list(features.items())
        rnd.shuffle(shuffled)
        assert bank.scores(dict(shuffled)) == expected


def test_theme_bank_scores_as_the_separate_models():
    model = load_model()
    features = {"r:sector": 0.9, "th:event": 1.2, "thr:event": 1.0, "w:recrut": 0.1, "w:ehpad": 0.1,
                "t:forum": 0.1, "w:emploi": 0.1}
    probabilities, logits = model.theme_bank.score(features)
    assert probabilities == model.primary.probabilities(features)
    themes = model.theme_bank.themes
    assert logits == LinearBank.of([(model.themes[t].weights, model.themes[t].bias) for t in themes]).scores(features)


def test_relevance_reads_the_score_features_alone():
    """`label_article` skips the words of an article it finds off topic: the shipped
    relevance model must give the same probability from the score features alone."""
    from triage.labeler import observe
    from triage.vocabulary import load_vocabulary
    model = load_model()
    assert not model.relevance_reads_text
    for row in ROWS:
        seen = observe(load_vocabulary(), row["title"], row["text"], row["published"], date_model=model.dates)
        assert model.relevance.probability(seen.score_features) == model.relevance.probability(seen.features())
    assert TriageModel(relevance=Linear({"r:sector": 1.0, "w:ehpad": 1.0})).relevance_reads_text
