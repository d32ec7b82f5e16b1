"""Relevance and theme decisions on invented French articles."""
import pytest

from triage.labeler import label_article
from triage.vocabulary import TermSet, VocabularyError, load_vocabulary

V = load_vocabulary()


def label(title, text, published="2026-11-17"):
    return label_article(V, title, text, published)


@pytest.mark.parametrize("term, text, matches", [
    ("infirmi*", "Les INFIRMIÈRES du service", True),
    ("aide* a domicile", "des aides à domicile", True),
    ("job dating*", "un job-dating", True),
    ("metier* du grand age", "les métiers du grand âge", True),
    ("ehpad", "les Ehpad du département", True),
    ("cfa", "la cfao", False),
    ("forum*", "informations", False),
])
def test_terms_match_plural_gender_accents_and_word_boundaries(term, text, matches):
    from domain.text import fold
    assert bool(TermSet.build([term]).hits(fold(text))) is matches


def test_terms_found_from_the_shared_starts_are_those_of_a_whole_scan():
    """`Starts` finds where any set's terms may begin in one pass; each set tried there
    must find exactly what scanning the text for it would (inside words, overlaps
    between sets, plurals, wildcards, separators, several zones)."""
    from triage.vocabulary import Zones
    texts = [("Infirmières : un forum-emploi à l'EHPAD", "Les aides-soignantes de l'hôpital. Un job-dating "
              "le 3 mars, des formations d'aides-soignants ; l'ARS, la CFAO et Mars. Recrutements, "
              "recrute, postes à pourvoir, infirmièreS, conditions de travail et qualité de vie au travail."),
             ("", "aide a domicile aide-a-domicile aides à domiciles métiers du grand âge sanitaire & social"),
             ("Sans rapport", "Le match de football de dimanche, 3 buts à 1."), ("", ""),
             ("Le forum se tiendra de 9 h à 12h", "D'ici 2030, 45 % des postes ; 50% ailleurs. L'ARS "
              "s'engage, s'engagent et se tiendront de 10h. Des dates : de 14h, de9h, desde 9 h.")]
    selective = [terms for terms in (V.sector, V.workforce, V.sector_workforce, V.negative,
                                     *(t for pair in V.themes.values() for t in pair)) if terms.slot is not None]
    assert len(selective) == 20      # every list of the shipped vocabulary
    for title, text in texts:
        shared, alone = Zones.of(title, text), Zones.of(title, text)
        for terms in selective:
            assert shared.hits(terms, V) == alone.hits(terms), terms.terms[:3]
    assert any(Zones.of(*texts[0]).hits(terms, V) for terms in selective)


def test_starts_guarded_by_what_follows_miss_no_match():
    """`Starts` looks for a whole-word literal only where what follows it in one of its
    terms follows: random texts made of the vocabulary's own words, plurals and
    separators must give each set the hits a whole scan gives."""
    import random
    import re
    from triage.vocabulary import Zones
    sets = [terms for terms in (V.sector, V.workforce, V.sector_workforce, V.negative,
                                *(t for pair in V.themes.values() for t in pair)) if terms.slot is not None]
    all_terms = sorted(term for terms in sets for term in terms.terms)
    words = sorted({w for term in all_terms for w in re.split(r"[\s'\-*]+", term) if w})
    words += ["de", "des", "la", "le", "depuis", "d", "s", "ici", "9", "h", "14h", "2030", "x", "es", "%"]
    rng = random.Random(3)

    def piece() -> str:
        """A word, or a term written out ('*' as a few letters or none), or a term cut short."""
        if rng.random() < 0.5:
            return rng.choice(words)
        term = re.sub(r"\*", lambda _: rng.choice(["", "s", "ees", "ation"]), rng.choice(all_terms))
        term = re.sub(r"[\s'\-]+", lambda _: rng.choice([" ", "'", "-", "  ", " - "]), term)
        return term[:rng.randint(1, len(term))] if rng.random() < 0.2 else term

    for _ in range(400):
        text = "".join(piece() + rng.choice([" ", " ", "'", "-", "s ", "x ", "es ", ". ", "", "  "])
                       for _ in range(rng.randint(1, 40)))
        shared, alone = Zones.of(text[:30], text), Zones.of(text[:30], text)
        for terms in sets:
            assert shared.hits(terms, V) == alone.hits(terms), (text, terms.terms[:3])


def test_only_a_set_with_a_term_of_no_fixed_start_is_scanned_whole():
    assert TermSet.build(["de 9 h", "d'ici 20*", "%", "forum*"]).selective() is True
    assert TermSet.build(["*", "forum*"]).selective() is False


def test_unknown_theme_in_vocabulary_is_an_error(tmp_path):
    bad = tmp_path / "v.toml"
    bad.write_text("[themes.sport]\nstrong = ['match']\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="unknown theme"):
        load_vocabulary(bad)


def test_job_dating_at_a_hospital_is_a_relevant_event():
    labels = label("Job dating au centre hospitalier de Vierzon le 3 décembre",
                   "Le centre hospitalier organise un job dating le jeudi 3 décembre de 9h à 16h. "
                   "Infirmiers, aides-soignants et agents de service hospitalier rencontreront les "
                   "recruteurs. Une trentaine de postes sont à pourvoir en CDI.")
    assert labels.relevant and labels.themes[0] == "event" and "recruitment" in labels.themes
    assert labels.event_date == "2026-12-03"


def test_regional_charter_is_filed_under_charter():
    labels = label("Une charte régionale pour l'attractivité des métiers du grand âge",
                   "La Région, l'ARS et les fédérations d'employeurs ont signé une charte d'engagement "
                   "pour améliorer l'attractivité des métiers du grand âge : accueil des nouveaux "
                   "salariés, tutorat, qualité de vie au travail dans les Ehpad.")
    assert labels.relevant and labels.themes[0] == "charter"


def test_campaign_and_apprenticeship_and_training_and_study():
    campaign = label("« Prendre soin, c'est mon métier » : une campagne pour changer le regard",
                     "Affiches, clips vidéo et podcasts : le Département lance une campagne de "
                     "promotion des métiers de l'aide à domicile pour susciter des vocations.")
    apprentice = label("Des aides-soignants formés en apprentissage au CFA de Laval",
                       "Le CFA ouvre une formation d'aide-soignant en apprentissage : les apprentis "
                       "alternent cours à l'institut de formation et travail en Ehpad.")
    training = label("120 places supplémentaires en IFSI à la rentrée",
                     "La Région finance 120 places supplémentaires de formation en soins infirmiers "
                     "dans les instituts de formation (IFSI) pour répondre à la pénurie d'infirmières.")
    study = label("Une étude chiffre les postes vacants dans les Ehpad",
                  "Selon une enquête de l'observatoire régional de l'emploi, 9 % des postes de soignants "
                  "en Ehpad sont vacants. L'étude recense les difficultés de recrutement par métier.")
    assert campaign.relevant and campaign.themes[0] == "campaign"
    assert apprentice.relevant and apprentice.themes[0] == "apprenticeship"
    assert training.relevant and training.themes[0] == "training"
    assert study.relevant and study.themes[0] == "study"


def test_retention_plan():
    labels = label("Un plan pour fidéliser les infirmières du CHU",
                   "Plannings stabilisés, crèche aux horaires décalés et logements : le CHU présente "
                   "son plan de fidélisation pour améliorer les conditions de travail des soignants.")
    assert labels.relevant and labels.themes[0] == "retention"


@pytest.mark.parametrize("title, text", [
    ("Grippe : les hôpitaux déclenchent le plan blanc",
     "Face à l'épidémie de grippe, une vingtaine d'hôpitaux ont déclenché le plan blanc ; "
     "des soignants ont été rappelés sur leurs congés."),
    ("Un nouvel IRM au centre hospitalier",
     "Le centre hospitalier s'équipe d'un deuxième IRM pour réduire les délais d'examen des patients."),
    ("Forum des métiers du bâtiment au Mans",
     "Les entreprises du BTP recrutent : maçons, électriciens et plombiers sont attendus au forum de l'emploi."),
    ("Don du sang : l'EFS appelle aux dons",
     "L'Établissement français du sang lance un appel urgent aux donneurs : les réserves sont basses."),
    ("Job dating pour les saisonniers",
     "Hôtellerie et restauration recrutent des saisonniers pour l'été lors d'un job dating."),
    ("Pénurie de médicaments : les hôpitaux s'inquiètent",
     "Amoxicilline, paracétamol : les pharmacies et les hôpitaux manquent de plusieurs médicaments."),
])
def test_near_misses_are_not_relevant(title, text):
    labels = label(title, text)
    assert not labels.relevant and labels.themes == [] and labels.regions == []


@pytest.mark.parametrize("title, relevant", [
    ("Job dating au CHU de Rennes le 12 décembre", True),
    ("L'hôpital de Vannes recrute 30 infirmiers", True),
    ("Une charte pour fidéliser les soignants en Bretagne", True),
    ("Les urgences de Lannion fermées la nuit faute de médecins", True),
    ("Grippe : l'hôpital de Vannes déclenche le plan blanc", False),
    ("Le CHU inaugure un nouveau scanner", False),
])
def test_a_title_alone_is_enough_evidence(title, relevant):
    assert label(title, "").relevant is relevant


@pytest.mark.parametrize("title,text", [
    ("Le SAMU recrute des ambulanciers", "Le centre hospitalier cherche six ambulanciers pour renforcer son "
                                         "transport sanitaire et organise une session de recrutement."),
    ("Les manipulateurs radio manquent à l'hôpital", "Le service d'imagerie médicale peine à recruter des "
                                                      "manipulateurs en radiologie et ouvre des places de formation."),
])
def test_the_sector_edges_are_on_topic(title, text):
    assert label(title, text).relevant


@pytest.mark.parametrize("title,text", [
    ("Fiche métier infirmier : missions et salaire", "Découvrez la fiche métier : conditions d'accès, "
                                                      "salaire moyen, missions de l'infirmier et formation."),
    ("Admission en IFSI : conditions d'admission", "Modalités d'admission, dossier d'inscription et frais "
                                                    "de scolarité de l'institut de formation en soins infirmiers."),
])
def test_evergreen_pages_are_off_topic(title, text):
    assert not label(title, text).relevant


@pytest.mark.parametrize("title,text", [
    ("Des médecins en renfort à l'hôpital de Saint-Laurent",
     "Faute de spécialistes, l'ARS fait venir une dizaine de médecins en renfort pour renforcer les équipes "
     "du service de pédiatrie cet été."),
    ("La réserve sanitaire appelle des volontaires",
     "Le ministère lance un appel à volontaires : infirmiers et médecins de la réserve sanitaire sont attendus "
     "pour épauler l'hôpital après la tempête."),
    ("Démographie médicale : le Département veut attirer des médecins",
     "Dans les zones sous-denses, le Département forme des maîtres de stage et loge les internes pour attirer "
     "les médecins généralistes."),
    ("Cent logements pour les soignants de la métropole",
     "La préfecture et l'ARS financent le logement des soignants près des hôpitaux : loyers modérés pour les "
     "infirmières et les aides-soignantes qui arrivent."),
])
def test_staffing_needs_worded_indirectly_are_on_topic(title, text):
    assert label(title, text).relevant


def test_a_pay_agreement_between_unions_and_employers_is_a_charter_about_retention():
    agreement = label("Un accord salarial signé pour les aides à domicile",
                      "Les fédérations d'employeurs et les syndicats ont signé un accord de branche : les "
                      "salaires des aides à domicile seront revalorisés dès janvier.")
    assert agreement.relevant and agreement.themes[0] == "charter" and "retention" in agreement.themes


def test_a_gathering_held_is_among_the_themes():
    held = label("Attirer et fidéliser les soignants : les acteurs se sont réunis à Dole",
                 "Le 7 novembre, plus de 150 professionnels se sont réunies à Dole pour un séminaire sur "
                 "l'attractivité des métiers du soin et la fidélisation des équipes.")
    assert held.relevant and "event" in held.themes
