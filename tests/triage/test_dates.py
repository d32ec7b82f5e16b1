"""Tests for triage.dates: event dates of French news articles and single date strings.

All sentences below are invented for the tests.
"""
import datetime as dt
import time

import pytest

from domain.french_calendar import MONTH_NUMBERS
from triage.dates import event_date, parse_french_date

TODAY = dt.date(2026, 11, 23)


def ev(title, text, published=None, url="", today=TODAY):
    return event_date(title, text, published, url, today=today)


# --------------------------------------------------------------------------- phrase kinds

@pytest.mark.parametrize("title,text,published,expected", [
    # "le 6 novembre prochain"
    ("Un forum de l'emploi à Vesoul",
     "La communauté de communes organise le 6 novembre prochain un forum des métiers du soin.",
     "2025-10-02", "2025-11-06"),
    # "prochain" across the new year
    ("Salon de l'apprentissage",
     "Le salon de l'apprentissage se tiendra le 14 janvier prochain au parc des expositions.",
     "2025-12-10", "2026-01-14"),
    # weekday + day + month, no year
    ("Recrutement",
     "Une réunion d'information aura lieu mardi 8 octobre à la maison de l'emploi de Lisieux.",
     "2024-09-25", "2024-10-08"),
    # range "du 19 au 23 janvier"
    ("Semaine des métiers du grand âge",
     "Du 19 au 23 janvier, les Ehpad du département ouvrent leurs portes aux demandeurs d'emploi.",
     "2026-01-05", "2026-01-19"),
    # full date with hours
    ("Job dating santé",
     "Le job dating se déroulera le jeudi 3 décembre 2026 de 9h à 17h à la salle des fêtes.",
     None, "2026-12-03"),
    # "les 12 et 13 mars"
    ("Portes ouvertes à l'IFSI",
     "L'institut de formation en soins infirmiers accueillera le public les 12 et 13 mars.",
     "2025-02-20", "2025-03-12"),
    # "ce mercredi"
    ("Un bus de l'emploi à Montbard",
     "Le bus de l'emploi fait étape ce mercredi sur la place du marché, de 10h à 16h.",
     "2024-05-13", "2024-05-15"),
    # "demain"
    ("Forum",
     "Demain, le forum des métiers de l'aide à domicile ouvrira ses portes à la halle aux grains.",
     "2024-04-09", "2024-04-10"),
    # "1er décembre"
    ("Signature d'une charte",
     "La charte pour l'attractivité des métiers du social sera signée le 1er décembre à la préfecture.",
     "2023-11-20", "2023-12-01"),
    # numeric date
    ("Rencontre employeurs",
     "Une rencontre entre employeurs et candidats aura lieu le 08/02/2023 à la mairie annexe.",
     None, "2023-02-08"),
    # "à partir du 15 mai"
    ("Campagne de recrutement",
     "La campagne d'affichage sera diffusée à partir du 15 mai dans les gares de la région.",
     "2025-05-02", "2025-05-15"),
    # weekday + day without month, resolved near the publication date
    ("Forum des métiers",
     "Rendez-vous samedi 12 au gymnase municipal pour le forum des métiers du territoire.",
     "2024-10-07", "2024-10-12"),
    # range across months with the year only on the last day
    ("Congrès",
     "Le congrès régional se tiendra du 30 septembre au 2 octobre 2027 à Besançon.",
     None, "2027-09-30"),
    # hyphenated list of days
    ("Assises",
     "Les assises du travail social auront lieu les 4-5-6 juin 2025 à Reims.",
     None, "2025-06-04"),
    # abbreviated month
    ("Atelier CV",
     "Atelier CV et simulation d'entretien : lundi 3 févr. 2025 de 14h à 16h au centre social.",
     None, "2025-02-03"),
])
def test_phrase_kinds(title, text, published, expected):
    assert ev(title, text, published) == expected


# --------------------------------------------------------------------------- year inference

def test_year_from_url():
    text = "Le centre hospitalier organise jeudi 16 février une matinée de recrutement."
    url = "https://www.journal-exemple.fr/2023/02/10/hopital-matinee-recrutement"
    assert ev("Matinée recrutement", text, None, url) == "2023-02-16"


def test_year_from_compact_url_date():
    text = "Le forum aura lieu le 3 avril à la salle polyvalente."
    url = "https://www.exemple.fr/actualite/20240315-forum-emploi-sante"
    assert ev("Forum emploi santé", text, None, url) == "2024-04-03"


def test_year_from_publication_stamp_in_text():
    text = ("Publié le 8 octobre 2024 à 18h30\n"
            "Le salon régional de la formation sanitaire aura lieu le 17 octobre au Zénith.")
    assert ev("Salon de la formation", text, None) == "2024-10-17"


def test_year_from_other_full_date_in_text():
    text = ("La directrice a été nommée le 10 janvier 2024 en conseil des ministres. "
            "Elle a pris ses fonctions ce lundi 5 février au siège de l'agence.")
    assert ev("Nouvelle directrice", text, None) == "2024-02-05"


def test_year_from_weekday_and_stated_year():
    # Only 2026 makes "vendredi 13 mars" a Friday among the years around "2025".
    text = ("En 2025, plus de 800 visiteurs étaient venus. "
            "La nuit des métiers aura lieu vendredi 13 mars au centre des congrès.")
    assert ev("La nuit des métiers", text, None) == "2026-03-13"


def test_year_from_weekday_alone_uses_today():
    text = "Le job dating de l'hôpital s'est tenu ce mardi 14 octobre dans le hall principal."
    assert ev("Job dating", text, None, today=dt.date(2026, 11, 23)) == "2025-10-14"


def test_no_year_at_all_gives_none():
    text = "Le forum des métiers du soin aura lieu le 14 mars à la salle des fêtes."
    assert ev("Forum des métiers", text, None) is None


# --------------------------------------------------------------------------- past vs future

def test_past_event_reported_shortly_after():
    text = "Le 27 avril, le foyer a accueilli plus de 150 lycéens pour sa journée portes ouvertes."
    assert ev("Portes ouvertes", text, "2025-05-05") == "2025-04-27"


def test_past_tense_picks_previous_year():
    text = "La convention de partenariat avait été signée le 20 octobre dernier par les deux écoles."
    assert ev("Partenariat", text, "2024-06-01") == "2023-10-20"


def test_future_tense_picks_next_year():
    text = "La prochaine édition du salon se tiendra le 5 mars à Dijon."
    assert ev("Salon", text, "2024-11-20") == "2025-03-05"


def test_past_tense_with_adverbs_outweighs_a_later_deadline():
    # "a officiellement lancé" is past; "juin prochain" is a deadline, not the event
    text = ("L'ouverture, ce 4 mars, de la Maison des métiers du soin à Blois a officiellement "
            "lancé une expérimentation prévue jusqu'en juin prochain.")
    assert ev("Maison des métiers", text, "2025-03-10") == "2025-03-04"


def test_weekday_reported_yesterday():
    text = "Hier, une cinquantaine de candidats ont participé au job dating organisé à la mairie."
    assert ev("Job dating", text, "2024-03-14") == "2024-03-13"


# --------------------------------------------------------------------------- dates that are not the event

def test_publication_stamp_ignored():
    text = ("Publié le 12 septembre 2024 à 08h15, mis à jour le 13 septembre 2024\n"
            "Le département lance une campagne pour recruter des assistants familiaux. "
            "Une réunion d'information est prévue le 26 septembre à l'hôtel du département.")
    assert ev("Assistants familiaux", text, None) == "2024-09-26"


def test_deadline_ignored():
    text = ("Les candidatures sont ouvertes jusqu'au 10 mars 2025. "
            "Les entretiens auront lieu lors du job dating du 14 mars 2025 à la mission locale.")
    assert ev("Job dating", text, None) == "2025-03-14"


def test_deadline_only_gives_none():
    text = "Les dossiers de candidature doivent être déposés avant le 30 avril 2025 sur le site."
    assert ev("Appel à candidatures pour la formation d'aide-soignant", text, "2025-04-01") is None


def test_law_and_birth_dates_ignored():
    text = ("Née le 3 mai 1975, elle dirige la fédération depuis 2019. Selon la loi du 24 juillet 2019, "
            "les établissements doivent former leurs agents. Le colloque annuel aura lieu le 9 juin 2025.")
    assert ev("Colloque", text, None) == "2025-06-09"


def test_historical_date_not_the_event():
    text = ("L'opérateur de compétences a été créé le 1er avril 2019. Aujourd'hui il finance "
            "des milliers de contrats d'apprentissage dans le secteur.")
    assert ev("Interview du directeur", text, "2023-05-10") is None


def test_statistics_date_ignored():
    text = "Au 1er janvier 2024, la région comptait 12 000 infirmiers libéraux, selon l'étude."
    assert ev("Démographie infirmière", text, "2024-06-02") is None


def test_no_event_gives_none():
    text = ("Selon une étude publiée en 2023, 40 % des aides-soignants envisagent de quitter le métier. "
            "Les établissements peinent à recruter, notamment la nuit et le week-end.")
    assert ev("Les difficultés de recrutement persistent", text, "2024-01-15") is None


def test_standalone_date_line_is_not_the_event():
    text = ("Lundi 9 juin 2025\n"
            "Le 2 juin, l'Ehpad a accueilli une centaine de collégiens pour une journée découverte.")
    assert ev("Une journée découverte des métiers", text, None) == "2025-06-02"


def test_byline_date_is_not_the_event():
    text = ("Par Jeanne Martin - Le 4 février 2025\n"
            "Le forum santé-social se tiendra le 20 février au lycée professionnel.")
    assert ev("Forum santé-social", text, None) == "2025-02-20"


def test_first_day_when_several_sessions():
    text = ("Deux sessions de recrutement sont organisées : le 5 mars à Laval puis le 12 mars "
            "à Mayenne, de 9h à 12h.")
    assert ev("Sessions de recrutement", text, "2025-02-25") == "2025-03-05"


def test_event_in_title():
    assert ev("Job dating le 18 novembre au CHU", "Venez avec votre CV.", "2025-11-02") == "2025-11-18"


def test_related_articles_block_ignored():
    text = ("À lire aussi\n"
            "Le salon de l'étudiant se tiendra le 3 février à Rennes\n"
            "Les centres de santé peinent toujours à recruter des médecins, selon une enquête régionale.")
    assert ev("Les centres de santé peinent à recruter", text, "2026-01-15") is None


def test_previous_edition_not_the_event():
    text = ("Après un premier forum le 14 janvier qui avait attiré 300 visiteurs, l'hôpital organise "
            "une nouvelle édition le 22 avril, de 9h à 13h.")
    assert ev("Nouveau forum à l'hôpital", text, "2025-04-01") == "2025-04-22"


def test_signed_agreement_is_the_event_but_cited_agreement_is_not():
    signed = "La signature de l'accord du 12 mars a eu lieu au conseil départemental."
    assert ev("Accord signé", signed, "2024-03-15") == "2024-03-12"
    cited = "En application de l'accord du 9 juillet 2021, les salariés percevront une revalorisation."
    assert ev("Revalorisation", cited, "2024-03-15") is None


def test_event_listing_with_date_line_and_hours():
    text = "Agenda\nMercredi 18 mars 2026\n9h - 17h\nGymnase municipal"
    assert ev("Forum des métiers de l'aide à domicile", text, None) == "2026-03-18"


def test_two_digit_year_and_update_stamp():
    text = "Mis à jour le 08/10/24 à 10:30\nLa matinée de recrutement se tiendra le 15 octobre."
    assert ev("Matinée de recrutement", text, None) == "2024-10-15"


def test_nowadays_is_not_a_date():
    text = "Aujourd'hui, les forums de l'emploi se multiplient dans les hôpitaux du pays."
    assert ev("Tendance", text, "2024-05-02") is None


def test_empty_inputs():
    assert ev("", "", None) is None


def test_speed():
    text = ("Publié le 3 mars 2025\n" + "Le secteur médico-social recrute dans tout le département. " * 30
            + "Un forum aura lieu le 20 mars de 9h à 17h.")
    start = time.perf_counter()
    for _ in range(50):
        ev("Forum", text, None)
    assert (time.perf_counter() - start) / 50 < 0.02


# --------------------------------------------------------------------------- parse_french_date

REF = dt.date(2024, 12, 1)


@pytest.mark.parametrize("s,expected", [
    ("Publié le 8 octobre 2024", dt.date(2024, 10, 8)),
    ("8 oct. 2024", dt.date(2024, 10, 8)),
    ("08/10/2024", dt.date(2024, 10, 8)),
    ("2024-10-08", dt.date(2024, 10, 8)),
    ("2024-10-08T18:30:00+02:00", dt.date(2024, 10, 8)),
    ("mardi 8 octobre 2024 à 18h30", dt.date(2024, 10, 8)),
    ("Mis à jour le 1er décembre 2023", dt.date(2023, 12, 1)),
    ("12 novembre", dt.date(2024, 11, 12)),
    ("25 décembre", dt.date(2023, 12, 25)),
    ("08.10.2024", dt.date(2024, 10, 8)),
    ("2024/10/08 18:30", dt.date(2024, 10, 8)),
    ("Le 02 février 2024.", dt.date(2024, 2, 2)),
    ("hier à 18h", dt.date(2024, 11, 30)),
    ("il y a 3 jours", dt.date(2024, 11, 28)),
    ("pas de date ici", None),
    ("", None),
])
def test_parse_french_date(s, expected):
    assert parse_french_date(s, REF) == expected


def test_a_report_published_on_a_day_is_not_a_page_stamp():
    from triage.dates import date_candidates
    text = "Le rapport de la Fédération, publié le 12 mars 2025, montre que les hôpitaux manquent de soignants."
    statuses = {d.isoformat(): [k for k in f if k.startswith("status:")] for d, f in date_candidates("Étude", text, None)}
    assert statuses["2025-03-12"] == ["status:published"]
    stamp = "Publié le 12 mars 2025\nLa Fédération présente son étude sur les soignants."
    statuses = {d.isoformat(): [k for k in f if k.startswith("status:")] for d, f in date_candidates("Étude", stamp, None)}
    assert statuses["2025-03-12"] == ["status:stamp"]


def test_more_event_cues_reports_presented_and_openings():
    from triage.dates import event_date
    from triage.learned import load_model
    model = load_model().dates
    text = "La nouvelle maison des métiers du soin ouvre ce lundi 9 mars à Rennes pour accueillir les candidats."
    assert event_date("Rennes : une maison des métiers du soin", text, "2026-03-06", model=model) == "2026-03-09"
    text = "L'observatoire régional a présenté jeudi 5 mars 2026 son étude sur les métiers du grand âge."
    assert event_date("Une étude sur les métiers du grand âge", text, None, model=model) == "2026-03-05"


def test_a_dateline_on_its_own_line_dates_the_event_on_the_next():
    from triage.dates import event_date
    from triage.learned import load_model
    text = "CAEN\nMardi 4 mars 2025\nForum des métiers du soin au parc des expositions."
    assert event_date("Forum des métiers du soin", text, None) == "2025-03-04"
    assert event_date("Forum des métiers du soin", text, None, model=load_model().dates) == "2025-03-04"


@pytest.mark.parametrize("name,before", [
    ("_STAMP_BEFORE", "publie le"), ("_STAMP_BEFORE", "mis a jour le"), ("_STAMP_BEFORE", "maj :"),
    ("_STAMP_BEFORE", "modifie le"), ("_STAMP_BEFORE", "mise en ligne le"), ("_STAMP_BEFORE", "actualise le"),
    ("_STAMP_BEFORE", "redige le"), ("_STAMP_BEFORE", "paru le"), ("_STAMP_BEFORE", "date de publication :"),
    ("_STAMP_BEFORE", "derniere modification :"), ("_STAMP_BEFORE", "poste le"), ("_STAMP_BEFORE", "posted on"),
    ("_STAMP_BEFORE", "creee le"), ("_STAMP_BEFORE", "fondee le"), ("_STAMP_BEFORE", "n° 12 du"),
    ("_STAMP_BEFORE", "depeche du"), ("_STAMP_BEFORE", "dossier de presse du"),
    ("_STAMP_BEFORE", "par jean dupont - le "),
    ("_DEADLINE_BEFORE", "jusqu'au"), ("_DEADLINE_BEFORE", "avant le"), ("_DEADLINE_BEFORE", "au plus tard le"),
    ("_DEADLINE_BEFORE", "date limite de depot :"), ("_DEADLINE_BEFORE", "d'ici le"), ("_DEADLINE_BEFORE", "limite :"),
    ("_DEADLINE_BEFORE", "cloture des candidatures le"), ("_DEADLINE_BEFORE", "deadline :"),
    ("_DEADLINE_BEFORE", "delai de reponse :"), ("_DEADLINE_BEFORE", "echeance :"),
    ("_DEADLINE_BEFORE", "fin des inscriptions :"), ("_DEADLINE_BEFORE", "inscriptions avant"),
    ("_LAW_BEFORE", "la loi n° 2018-771 du"), ("_AGREEMENT_BEFORE", "l'accord national du"),
    ("_OTHER_BEFORE", "ne le"), ("_OTHER_BEFORE", "nees le"), ("_OTHER_BEFORE", "naissance :"),
    ("_OTHER_BEFORE", "decedee le"), ("_OTHER_BEFORE", "depuis le"), ("_OTHER_BEFORE", "au"),
    ("_OTHER_BEFORE", "en date du"), ("_OTHER_BEFORE", "datee du"),
    ("_EARLIER_BEFORE", "apres un premier forum le"),
])
def test_context_guard_words_let_every_kind_of_context_through(name, before):
    """The words guarding a context pattern must be in every text it matches."""
    import triage.dates as dates
    guarded = getattr(dates, name)
    assert guarded.rx.search(before)
    assert guarded.search(before)
    assert guarded.search("la signature de la convention " + before)


@pytest.mark.parametrize("text", [
    "le forum", "les forums de l'emploi", "un salon", "salonnier", "abus", "bus", "autobus", "le job-dating",
    "jobdatings", "speed recruiting", "se tiendra", "s'est tenue", "tenues le", "aura lieu", "a lieu",
    "a eu lieu", "il ouvre ses portes", "ouvrira", "organisee", "organisateur", "accueillies",
    "semaine des metiers", "semaines du", "nuit de l'orientation", "remise des prix", "votee par",
    "pre-forum", "forum_x", "forum2", "2forum", "visite", "revisite", "invitees", "invitation", "", "rien ici",
])
def test_event_words_regrouped_by_first_letter_match_as_the_plain_alternation(text):
    import re

    import triage.dates as dates
    plain = re.compile(r"\b(?:" + dates._EVENT_WORDS + r")\b")
    assert bool(dates._EVENT_RE.search(text)) == bool(plain.search(text))
    assert bool(dates._EVENT_RE.search("x " + text + " y")) == bool(plain.search("x " + text + " y"))


TRICKY = ["", "2019", "a2019", "-2019", "/2019", ".2019", ",2019", "°2019", "n°2019", "12019", "20199", "2019-",
          "2019/", "2019 - 3", "2019-05", "2019-13", "2019-05-", "/2019-05", "1920 2020", "x 19 20", "0201",
          "le 08/10/2024", "1.5", "1-", "-1", "a.b", "٣/٤", "3/4", "2/3.", "mars", "marseille", "jan", "juil.",
          "aout", "sep", "dec", "decembre", "Janvier", "septembre 2024 a 2023", "19 et 20 mars 2020-2021"]


@pytest.mark.parametrize("name,plain", [
    ("_NUMERIC_DATE_RE", r"\d[/.\-]\d"),
    ("_MONTH_WORD_RE", "|".join(MONTH_NUMBERS)),
    ("_YM_RE", r"(?<![\d/\-])(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])(?![\d\-])"),
    ("_BARE_YEAR_RE", r"(?<![\d\-/.,°])(?P<y>(?:19|20)\d\d)(?![\d\-/]|\s*-\s*\d)"),
    ("_URL_YMD1", r"(?<!\d)(?P<y>(?:19|20)\d\d)[-_.](?P<m>[01]\d)[-_.](?P<d>[0-3]\d)(?!\d)"),
    ("_URL_YMD2", r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
])
def test_patterns_rewritten_for_speed_match_as_the_plain_ones(name, plain):
    import re

    import triage.dates as dates
    fast = dates._URL_YMD[int(name[-1])] if name.startswith("_URL_YMD") else getattr(dates, name)
    plain = re.compile(plain)
    urls = ["/2024-10-08", "x2024-10-08", "12024-10-08", "/20241008/", "120241008", "2024_10_08a", "a20241008"]
    for text in TRICKY + urls + [" ".join(TRICKY + urls), "".join(TRICKY + urls)]:
        if "YEAR" in name or "YM" in name:
            assert [m.groupdict() for m in fast.finditer(text)] == [m.groupdict() for m in plain.finditer(text)]
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
        else:
            assert bool(fast.search(text)) == bool(plain.search(text)), text


def test_future_endings_match_as_the_plain_list():
    import re

    import triage.dates as dates
    plain = re.compile(dates._FUTURE_RE.rx.pattern.replace(r"\w{2,}r(?:a|ont)\b",
                                                           r"\w{2,}(?:era|eront|ira|iront|dra|dront|ra|ront)\b"))
    assert plain.pattern != dates._FUTURE_RE.rx.pattern
    words = ("sera seront pourra pourront dira diront prendra viendront ra ront era ira dra rra ara ora mra tra "
             "opéra caméras extra sierra clara barbara aura auront fera feront verra ét2ra a_ra vont partir demain")
    for text in words.split() + [words, words.replace(" ", "")]:
        assert dates._FUTURE_RE.findall(text) == plain.findall(" " + text)


@pytest.mark.parametrize("line", ["", "Un. Deux", "un. deux", "Fin.  Début! Là? «Oui» … Non…  Ah", "x.\u00a0Y",
                                  ". A", "a. . B", "a.\tB", "1.5 M. Dupont", "a ! B ? C", "Fin.", "x... “Y",
                                  "a.b. C."])
def test_sentence_split_as_re_split_after_punctuation(line):
    import re

    from triage.dates import _split_sentences
    assert _split_sentences(line) == re.split(r"(?<=[.!?…])\s+(?=[A-ZÀ-Ý«\"“])", line)


@pytest.mark.parametrize("name", ["_EVENT_RE", "_TIME_RE", "_PAST_RE", "_FUTURE_RE"])
def test_patterns_opening_before_a_word_find_as_many_as_with_a_word_boundary(name):
    import re

    import triage.dates as dates
    fast = getattr(dates, name)
    assert fast.rx.pattern.startswith("\\W(?:")
    plain = re.compile(r"\b" + fast.rx.pattern[2:])
    texts = ["", "a", "a été vu", "il a été vu, ils ont dit: elle avait fini.", "l'équipe a signé",
             "«hier» demain", "9h30 le matin", "19h", "a9h", "_9h", "x-9h", "à venir",
             "on va se lancer, ils vont partir",
             "Le forum aura lieu le 3 mars", "la rencontre-débat", "prérencontre", "forums_2", "it's 10:30",
             "ils faisaient, il parfait, pourra, pourront, prochaines, précédente, dernières", "a a a été été"]
    for text in texts + [" ".join(texts), "".join(texts)]:
        assert len(fast.findall(text)) == len(plain.findall(text)), text
        assert bool(fast.search(text)) == bool(plain.search(text)), text


def test_given_folds_give_the_same_dates_as_folding_line_by_line():
    """`observe` passes the folds it made for the vocabulary; the lines' folds cut from
    them must be those folded one by one, with or without aligned offsets."""
    from domain.text import Folded
    from triage.dates import date_candidates
    articles = [("Forum de l'emploi le 3 mars", "Le forum se tiendra le mardi 3 mars 2026.\nÀ Caen, de 9 h à 12 h."),
                ("Œuvre : journée portes ouvertes", "Cœur de métier : le 12 février prochain.\n\nÉté 2025."),
                ("Signature", "La conve\u0301ntion est signe\u0301e le 4 avril. ΑΣ Ϲ\nDemain, 😀 le 5 mai."),
                ("Cœur de métier", "Œuvre : forum le 3 mai.\nLe 4 mai, à Saint-Lô. " * 900),
                ("", ""), ("Titre seul le 2 juin", "")]
    for title, text in articles:
        folds = Folded.of(title), Folded.of(text)
        assert date_candidates(title, text, "2026-01-10", today=TODAY, folds=folds) == \
            date_candidates(title, text, "2026-01-10", today=TODAY)
        assert event_date(title, text, None, today=TODAY, folds=folds) == ev(title, text)
    with pytest.raises(ValueError):
        event_date("a", "b", None, today=TODAY, folds=(Folded.of("a"), Folded.of("c")))
