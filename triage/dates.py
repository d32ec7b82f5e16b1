"""Dates in French news articles.

`event_date()` returns the first day of the event an article announces or reports
(job forum, job dating, information meeting, open day, signing, launch, conference...)
or None.  It is deterministic and regex based: every French date mention is extracted
("le 6 novembre prochain", "mardi 8 octobre", "du 19 au 23 janvier", "les 12 et 13 mars",
"le 08/02/2023", "ce mercredi", "demain"...), publication stamps, deadlines, law, birth and
"depuis" dates are dropped, missing years are resolved against a reference date
(publication date, date in the URL, "Publié le ..." stamp, other dates or years stated
in the text, weekday consistency; as a last resort "jeudi 11 septembre" alone takes the
latest year where that day is a Thursday), and the remaining mentions are scored by
nearness to event words, times of day, "ce <weekday>" and position in the article.
A year-less date with nothing to anchor it gives None.

`parse_french_date()` (from `domain.french_dates`, which holds the date patterns shared
with the scrapers) parses one date string, e.g. the publication date of a web page.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import NamedTuple

from domain.french_calendar import MONTH_NUMBERS, WEEKDAY_NUMBERS
from domain.french_dates import (DM_RE as _DM_RE, ISO_RE as _ISO_RE, NUM_RE as _NUM_RE, REL_RE as _REL_RE,
                                 RELATIVE, WD as _WD, YEAR as _YEAR, day_value as _day_value, mkdate as _mkdate,
                                 year4 as _year4)
from domain.french_dates import parse_french_date  # noqa: F401 -- re-exported: triage's date API
from domain.text import Folded
from triage.text import fold

Date = _dt.date

# --------------------------------------------------------------------------- vocabulary

_MONTHS = MONTH_NUMBERS
_WEEKDAYS = WEEKDAY_NUMBERS
_RELATIVE = RELATIVE


def _by_first_letter(words: str) -> str:
    """The alternation `words` ("forums?|salons?|signent|...", each alternative starting
    with a letter) regrouped by first letter ("f(?:orums?)|s(?:alons?|ignent)"...).  It
    matches where `words` does (though not always as far: for yes/no searches), 3x
    faster: `re` tries every alternative at every position, regrouped only the few
    starting with the letter there."""
    groups: dict[str, list[str]] = {}
    depth = start = 0
    for i, ch in enumerate(words + "|"):
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            word, start = words[start:i], i + 1
            assert word[:1].isalpha(), word
            groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items())


_WD_DAY_RE = re.compile(
    rf"\b(?P<wd>{_WD})\s+(?P<d>1\s?er|[0-3]?\d)(?![\w:,.]\d|\w|\s*(?:h\b|h\d|heures?\b|[/.:]\d))")
_WD_ONLY_RE = re.compile(
    rf"\b(?P<wd>{_WD})\b(?!\s*(?:,|et|ou|au|a)\s*{_WD})"
    r"(?:\s+(?:matin|midi|apres-midi|soir|en fin de journee|en fin de matinee))?"
    r"(?:\s+(?P<rel>dernier|prochain))?")
_WD_PREFIX_RE = re.compile(
    r"(?:\b(?P<pre>ce|cette|c'est|le|les|du|au|chaque|tous|toutes|de|d'|et|ou|ni|a|jusqu'au)|(?P<comma>,))\s*$")
# Cheap pre-checks: a sentence may hold a date only if it has a digit, a weekday or a
# relative day ("hier", "demain"...); each date pattern is only run where the words it
# needs occur (a pattern with no chance to match finds nothing: skipping it is exact).
_DIGIT_RE = re.compile(r"\d")
_ASCII_DIGIT_RE = re.compile(r"[0-9]")      # the same on ASCII text, and faster
# In every "08/10/2024", "2024-10-08".  Searched from the separator: `re` tries a pattern
# opening on \d, \b or a look-behind at every position, one opening on a character class
# or a literal only where it occurs.
_NUMERIC_DATE_RE = re.compile(r"[/.\-](?<=\d.)(?=\d)")
_REL_WORDS = ("hier", "demain", "aujourd'hui", "ce matin", "ce soir", "cet apres-midi")
# Month names holding no shorter one ("jan" for "janv", "janvier"): the same texts match.
_MONTH_WORD_RE = re.compile(_by_first_letter("|".join(
    m for m in _MONTHS if not any(other != m and other in m for other in _MONTHS))))
_WEEKDAY_HINT = "di"                        # in every weekday name: lundi ... dimanche
assert all(_WEEKDAY_HINT in w for w in _WEEKDAYS)


def _year_not_after(before: str) -> str:
    """`_YEAR` not preceded by a character of the class `before`, checked after the
    century ("19", "20"): a pattern opening on it is only tried where one occurs."""
    return rf"(?:19|20)(?<!{before}..)\d\d"


_YM_RE = re.compile("(?P<y>" + _year_not_after(r"[\d/\-]") + r")-(?P<m>0[1-9]|1[0-2])(?![\d\-])")
_BARE_YEAR_RE = re.compile("(?P<y>" + _year_not_after(r"[\d\-/.,°]") + r")(?![\d\-/]|\s*-\s*\d)")
_YEAR_EXCLUDED_BEFORE = re.compile(
    r"(?:depuis|d'ici|horizon|jusqu'en|loi|n°|avant|entre|de|des annees|fin|debut)\s*(?:l'an\s*)?$")


class _Guarded(NamedTuple):
    """A pattern with words one of which every match of it holds: text without any of
    them is not searched (most contexts hold none, and the search is the slow part)."""
    words: tuple[str, ...]
    rx: re.Pattern

    def search(self, text: str) -> re.Match | None:
        for word in self.words:
            if word in text:
                return self.rx.search(text)
        return None


# Context just before a mention (searched at the end of the preceding ~60 characters).
_STAMP_BEFORE = _Guarded(("publi", "mis", "maj", "modifi", "actualis", "redig", "par", "post", "cree", "fonde", "du"),
                         re.compile(
    r"(?:\b(?:publie|publiee|publication|mis a jour|mise a jour|maj|modifie|modifiee|"
    r"mis en ligne|mise en ligne|actualise|actualisee|redige|redigee|paru|parue|"
    r"date de publication|derniere modification)\b[^.\n]{0,14}"
    r"|\b(?:poste|postee|posted|cree|creee|fonde|fondee)\s+(?:le|on)\s*"
    r"|\bn\s*°?\s*\d+\s+du\s*"
    r"|\b(?:depeche|article|communique|newsletter|bulletin|numero|dossier de presse)\s+du\s*"
    r"|\bpar\b[^.\n]{2,40}[-|•,]\s*(?:le\s*)?)$"))
_PUBLISHED_WORK_BEFORE = re.compile(
    r"\b(?:rapport|etude|enquete|barometre|bilan|decret|arrete|texte|note|avis|livre blanc|"
    r"resultats?|chiffres|observatoire|circulaire|instruction)s?\b[^.\n]{0,30}$")
_DEADLINE_BEFORE = _Guarded(("jusqu'", "avant", "tard", "limite", "d'ici", "clotur", "deadline", "delai", "echeance",
                             "inscri"), re.compile(
    r"(?:jusqu'(?:au|a|en)?|\bavant\b(?: le| ce| cette)?|\bau plus tard(?: le| ce)?|\bdate limite\b[^.\n]{0,25}|"
    r"\bd'ici\b(?: le| au| a| la fin)?|\blimite\b[^.\n]{0,20}|\bclotur\w*[^.\n]{0,20}|\bdeadline\b[^.\n]{0,10}|"
    r"\bdelai\b[^.\n]{0,20}|\becheance\b[^.\n]{0,10}|\bfin des inscriptions\b[^.\n]{0,10}|"
    r"\binscri\w*\s+(?:avant|jusqu'au)\b[^.\n]{0,5})\s*:?\s*$"))
_LAW_BEFORE = _Guarded(("du",), re.compile(
    r"\b(?:loi|lois|decret|arrete|ordonnance|circulaire|instruction|directive|reglement|deliberation|"
    r"jurisprudence|arret|decision)\b[^.\n]{0,40}?\bdu\s*$"))
_AGREEMENT_BEFORE = _Guarded(("du",), re.compile(r"\b(?:accord|avenant|protocole)\b[^.\n]{0,40}?\bdu\s*$"))
_OTHER_BEFORE = _Guarded(("ne", "naissance", "decede", "depuis", "au", "du"), re.compile(
    r"(?:\b(?:ne|nee|nes|nees|naissance|decede|decedee|depuis)\b(?: le| la| ce| cette)?"
    r"|\bau\b|\b(?:en date|datee?s?) du)\s*:?\s*$"))
_RANGE_END_BEFORE = re.compile(r"(?:\bau|-|\bet|&|,)\s*$")
_BYLINE_AFTER = re.compile(r"^\s*(?:(?:a|-)\s*\d{1,2}\s*[h:]\s*\d{0,2}\s*)?(?:[,|•\-]\s*)?par\b")
_SEP_AFTER = re.compile(r"^\s*[|•]")
_NEXT_WORD = re.compile(r"^\s*,?\s*(?P<w>prochaine?|derniere?)\b")


class _AtWordStart:
    r"""Alternatives each opening on a word character, searched as `\b(?:alternatives)`
    but opening instead on the non-word character before the word, in the text with a
    space put first: `re` then only tries them after such a character, while a leading
    `\b` is tried at every position.  (`findall` finds as many matches, each with that
    character first.)"""
    __slots__ = ("rx",)

    def __init__(self, alternatives: str):
        self.rx = re.compile(r"\W(?:" + alternatives + ")")

    def search(self, text: str) -> re.Match | None:
        return self.rx.search(" " + text)

    def findall(self, text: str) -> list[str]:
        return self.rx.findall(" " + text)


_EVENT_WORDS = (
    r"forums?|salons?|job[\s-]?datings?|jobdatings?|datings?|speed[\s-]?(?:recruiting|meeting|dating)s?|"
    r"recrutement express|rencontres?|journees?|soirees?|matinees?|reunions?|portes?[\s-]ouvertes?|"
    r"signatures?|signee?s?|signent|signera|signeront|lancements?|lancee?s?|lancent|lancera|"
    r"se tiendr\w+|se tient|se tiennent|s'est tenue?|se sont tenue?s|tenue?s? le|aura lieu|auront lieu|"
    r"a eu lieu|ont eu lieu|a lieu|ont lieu|avait lieu|se deroul\w+|s'est deroulee?|"
    r"rendez-vous|rdv|conferences?|colloques?|congres|seminaires?|webinaires?|webinars?|ateliers?|"
    r"visites?|inaugur\w+|ceremonies?|remises? des?|concours|competitions?|olympiades?|bus|tournees?|"
    r"escales?|stands?|evenements?|manifestations?|"
    r"organis(?:e|ee|es|ees|ent|era|eront|ait|aient|ant)|accueill(?:e|era|eront|ent|i|ie|is|ies|ait|aient)|"
    r"ouvr\w* (?:ses|leurs|les|ces) portes|ouvrira|ouvriront|discours|allocution|assises|etats generaux|"
    r"conventions?|partenariats?|campagnes?|diffusee?s?|diffusion|demarre\w*|rentree|sessions?|"
    r"information collective|reunion d'information|hackathons?|tables? rondes?|debats?|"
    r"convie\w*|invite[es]?|festival|permanences?|prise de fonctions?|pris ses fonctions|"
    r"pose de la premiere pierre|nuit de l|semaines? (?:des|du|de l)|expositions?|"
    r"ouvre|ouvrent|presente\w*|devoile\w*|s'est reuni\w*|se reuni\w*|reunissait|reunira|"
    r"remis\w* (?:a|au|aux)|adopte\w* (?:en|par|lors)|vote\w* (?:en|par|lors)")
_EVENT_RE = _AtWordStart("(?:" + _by_first_letter(_EVENT_WORDS) + r")\b")
_HOURS_RE = re.compile(r"\b(?:[01]?\d|2[0-3])\s*(?:h|heures?)(?:\s*[0-5]\d)?\b|\b(?:0?[6-9]|1\d|2[0-3]):[0-5]\d\b")
_HOUR = r"(?:[01]?\d|2[0-3])\s*(?:h|heures?|:)\s*(?:[0-5]\d)?"
_HOUR_RANGE_RE = re.compile(rf"\b{_HOUR}\s*(?:-|a|au|jusqu'a)\s*{_HOUR}(?!\d)")
_TIME_RE = _AtWordStart(
    r"(?:[01]?\d|2[0-3])\s*(?:h|heures?)(?:\s*[0-5]\d)?\b|(?:[01]?\d|2[0-3]):[0-5]\d\b|"
    r"(?:matin|apres-midi|soir|soiree|toute la journee)\b")

# Tense markers run on the lower-cased original sentence (accents kept: "a" vs "à").
_PAST_RE = _AtWordStart(
    r"(?:a|ont|avait|avaient|s'est|se sont|s'était|s'étaient|fut|furent)\s+"
    r"(?:(?:déjà|bien|ainsi|notamment|également|aussi|été|pu|su|eu|\w{3,}ment)\s+){0,2}"
    r"(?!(?:lieu|besoin|du|un|plus|aussi|ainsi|tous|toutes?|deux|trois|peu|moins|envie|peur|droit|cours|"
    r"fort|mi|vécu)\b)\w*(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|it|its|ert|erte|eint|ris|rise|eu)\b"
    r"|(?!(?:fait|trait|attrait|portrait|souhait|lait|parfait|extrait|retrait|forfait|"
    r"bienfait|abstrait|distrait|satisfait|méfait)\b)\w{2,}(?:ait|aient)\b"
    r"|dernière?s?\b|hier\b|précédente?\b")
# Future endings "era", "ira", "dra", "ra", "eront"...: 2+ letters then "ra" or "ront" says
# the same, and `re` then backtracks only to each "r".
_FUTURE_RE = _AtWordStart(
    r"(?!(?:opéra|caméra|extra|ultra|intra|supra|contra|front|affront|cobra|ère|era|tiara|"
    r"mantra|sierra|véra|vera|clara|sara|lara|barbara|ra)\b)\w{2,}r(?:a|ont)\b"
    r"|prochaine?s?\b|demain\b|à venir\b|(?:va|vont)\s+(?:se\s+)?\w+(?:er|ir|re)\b")

_RELATED_RE = re.compile(
    r"\s*(?:a lire (?:aussi|egalement)|lire (?:aussi|egalement|la suite)|voir aussi|a voir aussi|"
    r"sur le meme (?:sujet|theme)|dans la meme rubrique|nos articles|articles? (?:lies|similaires|recommandes)|"
    r"les plus lus|a la une|derniers articles|vous aimerez aussi|related)\b\s*:?")
_EARLIER_BEFORE = _Guarded(("apres",), re.compile(r"\bapres\b[^.;:]{0,50}$"))
_EARLIER_AFTER = re.compile(r"^[^.;:]{0,40}\b(?:avait|avaient)\b")
_SENTENCE_END = re.compile(r"[.!?…](\s+)(?=[A-ZÀ-Ý«\"“])")  # group 1: the space between two sentences
_URL_YMD = (
    re.compile(rf"/(?P<y>{_YEAR})/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?:/|$|[^\d])"),
    re.compile("(?P<y>" + _year_not_after(r"\d") + r")[-_.](?P<m>[01]\d)[-_.](?P<d>[0-3]\d)(?!\d)"),
    re.compile("(?P<y>" + _year_not_after(r"\d") + r")(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
)
_URL_YM = re.compile(rf"/(?P<y>{_YEAR})/(?P<m>[01]?\d)(?:/|$)")

# Resolution / scoring constants.
_MAX_PAST_GAP = 300        # days: a past occurrence farther than this is not "reported"
_TODAY_LOOKAHEAD = 120     # days after today still allowed when only the weekday fixes the year
_TODAY_LOOKBACK_YEARS = 8  # how far back the weekday-only year inference may go
_THRESHOLD = 3.5
_MAX_PER_SENTENCE = 12     # bounds the work on pathological texts (tables, lists of numbers)
_MAX_MENTIONS = 200
_MAX_CHARS = 15000         # event dates are stated early; the tail of very long pages is ignored


class _Mention(NamedTuple):
    kind: str              # "full" (explicit year), "dm", "wdday", "wd", "rel"
    day: int | None
    month: int | None
    year: int | None
    weekday: int | None
    offset: int | None     # days for hier/demain
    direction: str         # "past", "future" or "" (dernier / prochain)
    this: bool             # "ce mardi ..."
    sent: int              # sentence index
    pos: int               # approximate character position in the article (title = 0)
    status: str            # "ok", "stamp", "standalone", "deadline", "law", "other",
                           # "follow" (end of a range / later day of a list), "earlier" (previous edition),
                           # "published" (a report or text published that day)


class _Sentence:
    """One sentence of the article.  Its cues (event words, tense, time of day) are read
    on first use: only the sentences around a date mention and the title need them."""
    __slots__ = ("text", "folded", "in_title", "pos", "line", "related", "digit", "dated",
                 "_event", "_tense", "_time", "_years")

    def __init__(self, text: str, folded: str, in_title: bool, pos: int, line: int, related: bool):
        self.text = text           # as written (the tense markers read accents)
        self.folded = folded
        self.in_title = in_title
        self.pos = pos
        self.line = line
        self.related = related     # "Lire aussi" block: links to other articles
        self.digit = _has_digit(folded)
        self.dated = self.digit or _has_weekday(folded) or _has_relative_day(folded)  # may hold a date
        self._event: bool | None = None
        self._tense: str | None = None
        self._time: bool | None = None
        self._years: list[int] | None = None

    @property
    def event(self) -> bool:
        if self._event is None:
            self._event = bool(_EVENT_RE.search(self.folded))
        return self._event

    @property
    def tense(self) -> str:
        """"past", "future" or "" (always "" for a sentence that cannot hold a date)."""
        if self._tense is None:
            low = self.text.lower().replace("’", "'").replace("\u00a0", " ")
            self._tense = _tense(low) if self.dated else ""
        return self._tense

    @property
    def time(self) -> bool:
        if self._time is None:
            self._time = self.dated and bool(_TIME_RE.search(self.folded))
        return self._time

    @property
    def years(self) -> list[int]:
        """Bare years that may date the article ("en 2023", "rentree 2024"), not "depuis 2019"."""
        if self._years is None:
            self._years = _bare_years(self.folded) if _may_hold_year(self.folded) else []
        return self._years


# --------------------------------------------------------------------------- helpers

def _has_digit(folded: str) -> bool:
    return bool((_ASCII_DIGIT_RE if folded.isascii() else _DIGIT_RE).search(folded))


def _has_weekday(folded: str) -> bool:
    if _WEEKDAY_HINT not in folded:
        return False
    for name in _WEEKDAYS:
        if name in folded:
            return True
    return False


def _has_relative_day(folded: str) -> bool:
    for word in _REL_WORDS:
        if word in folded:
            return True
    return False


def _may_hold_year(folded: str) -> bool:
    return "20" in folded or "19" in folded      # every year pattern starts with one of them


def _patterns(f: str, digit: bool) -> list[tuple[re.Pattern, str]]:
    """The date patterns that may match the folded sentence `f` (`digit`: it holds a
    digit), in the order they claim text."""
    out = []
    if digit and _NUMERIC_DATE_RE.search(f):
        if "-" in f:
            out.append((_ISO_RE, "iso"))
        out.append((_NUM_RE, "num"))
    if (digit or "premier" in f) and _MONTH_WORD_RE.search(f):
        out.append((_DM_RE, "dm"))
    if _has_weekday(f):
        if digit:
            out.append((_WD_DAY_RE, "wdday"))
        out.append((_WD_ONLY_RE, "wd"))
    if _has_relative_day(f):
        out.append((_REL_RE, "rel"))
    return out


def _parse_iso(value: str | None) -> Date | None:
    if not value:
        return None
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    return _mkdate(m.group(1), m.group(2), m.group(3)) if m else None


def _tense(sentence_lower: str) -> str:
    past = len(_PAST_RE.findall(sentence_lower))
    future = len(_FUTURE_RE.findall(sentence_lower))
    if past > future:
        return "past"
    if future > past:
        return "future"
    return ""


def _split_sentences(line: str) -> list[str]:
    """`line` cut at the spaces after ".", "!", "?" or "…" and before a capital or a quote
    (as `re.split` with a look-behind for the punctuation, which would be tried at every
    position)."""
    parts, start = [], 0
    for m in _SENTENCE_END.finditer(line):
        parts.append(line[start:m.start(1)])
        start = m.end(1)
    parts.append(line[start:])
    return parts


def _sentences(title: str, text: str, folds: "tuple[Folded, Folded] | None" = None) -> list[_Sentence]:
    """The sentences of the title and of each line of the text; `folds`: the folds of
    the title and the text (`Folded`), to cut the lines' folds from (unless `title` or
    `text` is only the beginning of theirs)."""
    out: list[_Sentence] = []
    pos = 0
    lines = [(title or "", True)] + [(ln, False) for ln in (text or "").split("\n")]
    folded_lines: list[str | None] = [None] * len(lines)
    if folds is not None and folds[0].text == (title or ""):
        folded_lines[0] = folds[0].folded
    if folds is not None and folds[1].text == (text or ""):
        folded_lines[1:] = folds[1].lines()
    after_header = False
    for li, (line, in_title) in enumerate(lines):
        if not line.strip():
            continue
        fline = folded_lines[li]
        if fline is None:
            fline = fold(line)
        header = _RELATED_RE.match(fline)
        related = bool(header) or after_header
        after_header = bool(header) and len(fline) - header.end() < 3
        same_length = len(fline) == len(line)
        start = 0
        for part in _split_sentences(line):
            start = line.find(part, start)
            if part.strip():
                f = fline[start:start + len(part)] if same_length else fold(part)
                out.append(_Sentence(part, f, in_title, 0 if in_title else pos, li, related))
            if not in_title:
                pos += len(part) + 1
    return out


def _context_status(f: str, start: int, end: int, line_text: str) -> str:
    before = f[max(0, start - 60):start]
    after = f[end:end + 40]
    stamp = _STAMP_BEFORE.search(before)
    if stamp and _PUBLISHED_WORK_BEFORE.search(before[:stamp.start() + 1]):
        return "published"   # "le rapport, publié le 12 mars": the act itself, not the page's stamp
    if stamp or _SEP_AFTER.match(after):
        return "stamp"
    if _BYLINE_AFTER.match(after) and (re.search(r"[,|•\-]\s*par\b", after[:12]) or not before.strip()):
        return "stamp"
    if _LAW_BEFORE.search(before) or (_AGREEMENT_BEFORE.search(before) and "sign" not in f):
        return "law"
    if _DEADLINE_BEFORE.search(before):
        return "deadline"
    if _OTHER_BEFORE.search(before):
        return "other"
    # A date alone on its line (page furniture: publication date, sidebar date).
    if len(line_text) > 80:
        return "ok"
    rest = re.sub(r"[^a-z]+", " ", line_text.replace(f[start:end], " ")).split()
    if len([w for w in rest if w not in ("le", "la", "du", "date", "a", "h")]) == 0 \
            and not _HOUR_RANGE_RE.search(line_text):
        return "standalone"
    return "ok"


def _extract(sentences: list[_Sentence], line_texts: dict[int, str]) -> list[_Mention]:
    mentions: list[_Mention] = []
    for si, s in enumerate(sentences):
        if len(mentions) >= _MAX_MENTIONS:
            break
        f = s.folded
        if not s.dated:
            continue
        taken: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        found: list[tuple[int, int, tuple]] = []
        for rx, kind in _patterns(f, s.digit):
            for m in rx.finditer(f):
                if len(taken) >= _MAX_PER_SENTENCE:
                    break
                a, b = m.span()
                if not free(a, b):
                    continue
                gd = m.groupdict()
                if kind in ("iso", "num"):
                    if kind == "num" and len(gd["y"]) == 2 and gd["sep"] != "/":
                        continue
                    d = _mkdate(_year4(gd["y"]), gd["m"], gd["d"])
                    if d is None:
                        continue
                    item = ("full", d.day, d.month, d.year, None, None, "", False)
                elif kind == "dm":
                    day = _day_value(gd["d"])
                    if not 1 <= day <= 31:
                        continue
                    wd = _WEEKDAYS[gd["wd"]] if gd["wd"] else None
                    y = int(gd["y"]) if gd["y"] else None
                    nxt = _NEXT_WORD.match(f[b:b + 20]) if y is None else None
                    direction = ("future" if nxt.group("w").startswith("prochain") else "past") if nxt else ""
                    item = ("full" if y else "dm", day, _MONTHS[gd["mon"]], y, wd, None, direction, False)
                elif kind == "wdday":
                    day = _day_value(gd["d"])
                    if not 1 <= day <= 31:
                        continue
                    item = ("wdday", day, None, None, _WEEKDAYS[gd["wd"]], None, "", False)
                elif kind == "wd":
                    pm = _WD_PREFIX_RE.search(f, max(0, a - 10), a)
                    pre = (pm.group("pre") or pm.group("comma")) if pm else None
                    if pre not in (None, "ce", "cette", "c'est") and not gd["rel"]:
                        continue  # "le mardi", "du lundi au vendredi", "chaque jeudi": not one day
                    direction = {"dernier": "past", "prochain": "future"}.get(gd["rel"] or "", "")
                    item = ("wd", None, None, None, _WEEKDAYS[gd["wd"]], None, direction,
                            pre in ("ce", "cette"))
                else:
                    before = f[max(0, a - 12):a]
                    if re.search(r"(?:\bde|\bdu|\bd'|jusqu'a|\bdepuis|\bpour|\bd'ici|\bqu'|\bdes)\s*$", before):
                        continue
                    if gd["rel"] == "aujourd'hui" and (not f[:a].strip() or f[b:b + 2].strip().startswith(",")
                                                        or f[:a].rstrip().endswith(",")):
                        continue  # "Aujourd'hui, ..." means "nowadays"
                    item = ("rel", None, None, None, None, _RELATIVE[gd["rel"]], "", False)
                taken.append((a, b))
                found.append((a, b, item))
        found.sort()
        prev_end = -1
        prev_idx = -1
        for a, b, item in found:
            kind, day, month, year, wd, off, direction, this = item
            if kind in ("dm", "full", "wdday") and wd is not None:
                this = bool(re.search(r"\b(?:ce|cette)\s+$", f[max(0, a - 8):a]))
            if prev_idx >= 0 and kind in ("dm", "full") and _RANGE_END_BEFORE.search(f[prev_end:a]) \
                    and len(f[prev_end:a].strip()) <= 3:
                # "du 30 septembre au 2 octobre 2024": this one follows the previous mention.
                status = "follow"
                p = mentions[prev_idx]
                if p.kind == "dm" and year is not None and p.month is not None:
                    py = year - 1 if p.month > (month or 0) else year
                    mentions[prev_idx] = p._replace(kind="full", year=py)
            elif s.related:
                status = "other"
            else:
                status = _context_status(f, a, b, line_texts.get(s.line, f))
                if status == "ok" and (_EARLIER_BEFORE.search(f[max(0, a - 60):a])
                                       or _EARLIER_AFTER.match(f[b:b + 50])):
                    status = "earlier"  # "apres un premier forum le 12 janvier qui avait ..."
            mentions.append(_Mention(kind, day, month, year, wd, off, direction, this, si,
                                     s.pos + a, status))
            prev_end, prev_idx = b, len(mentions) - 1
    return mentions


# --------------------------------------------------------------------------- references

class _Refs(NamedTuple):
    anchor: Date | None            # publication-level date (published, URL, stamp)
    text_dates: list[tuple[int, Date]]   # explicit dates stated in the text (pos, date)
    year_month: tuple[int, int] | None
    years: list[int]               # bare years stated in the text ("en 2023", "rentree 2024")


def _url_refs(url: str) -> tuple[Date | None, tuple[int, int] | None]:
    for rx in _URL_YMD:
        for m in rx.finditer(url or ""):
            d = _mkdate(m.group("y"), m.group("m"), m.group("d"))
            if d:
                return d, None
    m = _URL_YM.search(url or "")
    if m and 1 <= int(m.group("m")) <= 12:
        return None, (int(m.group("y")), int(m.group("m")))
    return None, None


def _references(published: str | None, url: str, mentions: list[_Mention],
                sentences: list[_Sentence], today: Date) -> _Refs:
    anchor = _parse_iso(published)
    url_date, year_month = _url_refs(url)
    anchor = anchor or url_date
    full = [(m.pos, _mkdate(m.year, m.month, m.day)) for m in mentions if m.kind == "full"]
    if anchor is None:
        dated = {m.sent for m in mentions}

        def undated_dateline(m: _Mention) -> bool:
            """A dateline whose event line states no date: it dates the event, not the page."""
            return _dateline(m, sentences) and m.sent + 1 not in dated

        stamps = [d for (p, d), m in zip(full, [m for m in mentions if m.kind == "full"])
                  if (m.status == "stamp" or (m.status == "standalone" and not undated_dateline(m)))
                  and d]
        anchor = stamps[0] if stamps else None
    text_dates = [(p, d) for (p, d), m in zip(full, [m for m in mentions if m.kind == "full"])
                  if d and m.status in ("ok", "follow", "deadline")]
    years: list[int] = []
    for s in sentences:
        if year_month is None and "-" in s.folded and _may_hold_year(s.folded):
            m = _YM_RE.search(s.folded)
            if m:
                year_month = (int(m.group("y")), int(m.group("m")))
        years.extend(_stated_years(s, today))
    return _Refs(anchor, text_dates, year_month, years)


def _stated_years(sentence: _Sentence, today: Date) -> list[int]:
    """The sentence's bare years (`_Sentence.years`) up to next year."""
    return [y for y in sentence.years if y <= today.year + 1]


def _bare_years(folded: str) -> list[int]:
    """Bare years stated in `folded`, not after "depuis", "loi", "d'ici"... (any year)."""
    return [int(m.group("y")) for m in _BARE_YEAR_RE.finditer(folded)
            if not _YEAR_EXCLUDED_BEFORE.search(folded[max(0, m.start() - 25):m.start()])]


# --------------------------------------------------------------------------- resolution

def _pick(cands: list[Date], ref: Date, tense: str, direction: str) -> Date | None:
    """Choose among candidate occurrences around `ref` according to tense."""
    if not cands:
        return None
    future = [c for c in cands if c >= ref]
    past = [c for c in cands if c <= ref]
    f = min(future) if future else None
    p = max(past) if past else None
    mode = direction or tense
    if mode == "future":
        return f or p
    if mode == "past":
        if p is not None and (ref - p).days <= _MAX_PAST_GAP:
            return p
        return f or p
    if f is None or p is None:
        return f or p
    return f if (f - ref).days <= (ref - p).days else p


def _by_years(m: _Mention, years: list[int]) -> Date | None:
    """Year-less day+month resolved with years stated nearby (weekday must agree)."""
    for y in years:
        d = _mkdate(y, m.month, m.day)
        if d and (m.weekday is None or d.weekday() == m.weekday):
            return d
    return None


def _resolve(m: _Mention, refs: _Refs, tense: str, near_years: list[int], today: Date) -> Date | None:
    if m.kind == "full":
        return _mkdate(m.year, m.month, m.day)
    ref = refs.anchor
    approx = False
    if ref is None and refs.text_dates and m.kind != "rel":
        ref = min(refs.text_dates, key=lambda pd: abs(pd[0] - m.pos))[1]
        approx = True
    if ref is None and refs.year_month and m.kind == "dm":
        ref = Date(refs.year_month[0], refs.year_month[1], 15)
        approx = True
    if m.kind == "rel":
        return ref + _dt.timedelta(days=m.offset) if ref else None  # type: ignore[operator]
    if m.kind == "wd":
        if ref is None:
            return None
        back = (ref.weekday() - m.weekday) % 7  # type: ignore[operator]
        fwd = (m.weekday - ref.weekday()) % 7  # type: ignore[operator]
        p, f = ref - _dt.timedelta(days=back), ref + _dt.timedelta(days=fwd)
        if m.direction == "past":
            return p if back else ref - _dt.timedelta(days=7)
        if m.direction == "future":
            return f if fwd else ref + _dt.timedelta(days=7)
        return _pick([p, f], ref, tense, "")
    if m.kind == "wdday":
        if ref is None:
            return None
        cands = []
        for dm in range(-2, 3):
            mm = ref.month + dm
            y, mm = ref.year + (mm - 1) // 12, (mm - 1) % 12 + 1
            d = _mkdate(y, mm, m.day)
            if d and d.weekday() == m.weekday:
                cands.append(d)
        return _pick(cands, ref, tense, "")
    # day + month without year
    if ref is not None:
        cands = [d for d in (_mkdate(ref.year + k, m.month, m.day) for k in (-1, 0, 1)) if d]
        if m.weekday is not None:
            agree = [d for d in cands if d.weekday() == m.weekday]
            cands = agree or cands
        return _pick(cands, ref, "" if approx and not m.direction else tense, m.direction)
    if near_years:
        d = _by_years(m, near_years)
        if d:
            return d
    if m.weekday is not None:
        hint = sorted(set(refs.years), reverse=True)
        if hint:
            top = hint[0]
            return _by_years(m, [top, top + 1, top - 1])
        # Only the weekday fixes the year: latest matching year not too far from today.
        limit = today + _dt.timedelta(days=_TODAY_LOOKAHEAD)
        for y in range(limit.year, limit.year - _TODAY_LOOKBACK_YEARS, -1):
            d = _mkdate(y, m.month, m.day)
            if d and d <= limit and d.weekday() == m.weekday:
                return d
    return None


def _score(m: _Mention, d: Date, sentences: list[_Sentence], refs: _Refs) -> float:
    s = sentences[m.sent]
    score = {"full": 3.0, "dm": 2.5, "wdday": 2.0, "wd": 1.5, "rel": 1.0}[m.kind]
    if m.kind == "rel" and m.offset == 0:
        score -= 0.5
    if m.weekday is not None and m.kind in ("full", "dm") and d.weekday() == m.weekday:
        score += 1.0
    if m.this:
        score += 1.5
    if m.direction:
        score += 0.5
    if s.event:
        score += 2.0
    elif any(0 <= j < len(sentences) and sentences[j].event and sentences[j].line == s.line
             for j in (m.sent - 1, m.sent + 1)):
        score += 1.0
    if s.time:
        score += 1.0
    if s.in_title:
        score += 1.5
    elif m.pos < 600:
        score += 1.0
    score -= min(max(m.pos - 600, 0), 6000) / 3000.0
    if m.status == "standalone":
        score -= 3.0
    elif m.status == "follow":
        score -= 1.0
    elif m.status == "earlier":
        score -= 2.0
    if refs.anchor is not None:
        gap = (d - refs.anchor).days
        if gap < -400:
            score -= 3.0
        elif gap > 730:
            score -= 2.0
    return score


def _has_cue(m: _Mention, sentences: list[_Sentence], title_event: bool) -> bool:
    s = sentences[m.sent]
    near = any(0 <= j < len(sentences) and sentences[j].event and sentences[j].line == s.line
               for j in (m.sent - 1, m.sent + 1))
    if m.day is None:  # "ce vendredi", "demain": only with event words around
        return s.event or near
    return s.event or near or title_event or s.time or m.this


# --------------------------------------------------------------------------- public API

def _mentions(title: str, text: str, published: str | None, url: str, today: Date,
              folds: "tuple[Folded, Folded] | None" = None):
    if folds is not None and (folds[0].text != (title or "") or folds[1].text != (text or "")):
        raise ValueError("folds: not those of this title and text")
    sentences = _sentences((title or "")[:_MAX_CHARS], (text or "")[:_MAX_CHARS], folds)
    line_texts: dict[int, str] = {}
    for s in sentences:
        line_texts[s.line] = (line_texts.get(s.line, "") + " " + s.folded).strip()
    mentions = _extract(sentences, line_texts)
    refs = _references(published, url, mentions, sentences, today) if mentions else None
    return sentences, mentions, refs


def _resolved(m: _Mention, sentences: list[_Sentence], refs: _Refs, today: Date) -> tuple[_Mention, Date | None]:
    s = sentences[m.sent]
    near_years = [y for j in (m.sent, m.sent - 1)
                  if 0 <= j < len(sentences) and sentences[j].line == s.line
                  for y in _stated_years(sentences[j], today)]
    if _dateline(m, sentences):
        m = m._replace(status="ok")
    return m, _resolve(m, refs, s.tense, near_years, today)


def _dateline(m: _Mention, sentences: list[_Sentence]) -> bool:
    """A date alone on its line with the event (or its hours) on the next line: the
    event's date, not the page's."""
    after = m.sent + 1
    return (m.status == "standalone" and after < len(sentences) and not sentences[after].in_title
            and bool(_HOURS_RE.search(sentences[after].folded) or sentences[after].event))


def event_date(title: str, text: str, published: str | None, url: str = "", *,
               today: Date | None = None, model=None, folds: "tuple[Folded, Folded] | None" = None) -> str | None:
    """ISO date of the (first) day of the event the article announces or reports, else None.

    `published` is an ISO date/datetime or None; `url` may carry the publication date.
    `today` only matters when nothing but a weekday fixes the year ("jeudi 11 septembre"
    with no year anywhere): the latest such date not far after `today` is taken.
    `model` (a `triage.learned` linear model over `candidate_features`) picks among the
    candidate dates instead of the hand-set scores below.
    `folds`: `Folded.of(title or "")` and `Folded.of(text or "")`, when the caller has
    folded the article already (the lines' folds are then cut from them).
    """
    today = today or Date.today()
    if model is not None:
        best_date, best_p = scored_event_date(title, text, published, url, model, today=today, folds=folds)
        return best_date if best_p >= model.threshold else None
    sentences, mentions, refs = _mentions(title, text, published, url, today, folds)
    if not mentions:
        return None
    title_event = any(s.event for s in sentences if s.in_title)
    best: tuple[float, int, Date] | None = None
    for m in mentions:
        if m.status not in ("ok", "standalone", "follow", "earlier"):
            continue
        if not _has_cue(m, sentences, title_event):
            continue
        m, d = _resolved(m, sentences, refs, today)
        if d is None:
            continue
        sc = _score(m, d, sentences, refs)
        if best is None or sc > best[0]:
            best = (sc, m.pos, d)
    if best is None or best[0] < _THRESHOLD:
        return None
    return best[2].isoformat()


def scored_event_date(title: str, text: str, published: str | None, url: str, model, *,
                      today: Date | None = None,
                      folds: "tuple[Folded, Folded] | None" = None) -> tuple[str | None, float]:
    """The candidate date the learned `model` finds most likely the event's, and that
    probability (0.0 when the article states no date): `event_date` keeps it above the
    model's threshold; the theme models read the probability as "an event is dated"
    (`folds`: as for `event_date`)."""
    best_p, best_date = 0.0, None
    for d, features in date_candidates(title, text, published, url, today=today, folds=folds):
        p = model.probability(features)
        if best_date is None or p > best_p:
            best_p, best_date = p, d
    return (best_date.isoformat() if best_date else None), best_p


def date_candidates(title: str, text: str, published: str | None, url: str = "", *,
                    today: Date | None = None,
                    folds: "tuple[Folded, Folded] | None" = None) -> list[tuple[Date, dict[str, float]]]:
    """Every date the article states that could be its event's, once each (the first
    mention, with what the other mentions of the same day add), with the features the
    learned date model weighs: kind of mention, context status (stamp, deadline, law,
    end of a range...), event words and times around it, tense, place in the article,
    distance from the publication date, the hand-set score (`folds`: as for `event_date`)."""
    today = today or Date.today()
    sentences, mentions, refs = _mentions(title, text, published, url, today, folds)
    if not mentions:
        return []
    title_event = any(s.event for s in sentences if s.in_title)
    by_date: dict[Date, dict[str, float]] = {}
    for m in mentions:
        dateline = m.status == "standalone"
        m, d = _resolved(m, sentences, refs, today)
        if d is None:
            continue
        s = sentences[m.sent]
        dateline = dateline and m.status == "ok"    # its event (or hours) on the next line
        near_event = dateline or any(0 <= j < len(sentences) and sentences[j].event and sentences[j].line == s.line
                                     for j in (m.sent - 1, m.sent + 1))
        f = {"kind:" + m.kind: 1.0, "status:" + m.status: 1.0, "tense:" + (s.tense or "none"): 1.0,
             "this": float(m.this), "direction": float(bool(m.direction)), "event": float(s.event),
             "near_event": float(near_event), "time": float(s.time), "title": float(s.in_title),
             "title_event": float(title_event), "lead": float(m.pos < 600), "related": float(s.related),
             "late": min(max(m.pos - 600, 0), 6000) / 3000.0, "cue": float(_has_cue(m, sentences, title_event)),
             "rule": _score(m, d, sentences, refs) / 5.0,
             "weekday_ok": float(m.weekday is not None and d.weekday() == m.weekday)}
        if refs.anchor is None:
            f["anchor:none"] = 1.0
        else:
            gap = (d - refs.anchor).days
            f["anchor:" + ("same" if gap == 0 else "days_before" if -7 <= gap < 0 else "before" if -60 <= gap < 0
                           else "long_before" if gap < 0 else "days_after" if gap <= 7 else "after" if gap <= 120
                           else "long_after")] = 1.0
        held = by_date.get(d)
        if held is None:
            f["mentions"] = 0.0
            by_date[d] = f
        else:
            held["mentions"] = min(held["mentions"] + 0.5, 2.0)
            for key in ("event", "near_event", "time", "title", "cue", "this"):
                held[key] = max(held[key], f[key])
            held["rule"] = max(held["rule"], f["rule"])
    return list(by_date.items())
