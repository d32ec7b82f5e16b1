"""What an article says that identifies the initiative it reports.

`extract()` turns a `StoryInput` into a `Features` record, computed once when the
article enters the index:

- `bag`: the distinctive content of the title and lead, as a set of keys -- content
  words (stop words and the sector's everyday vocabulary removed, plural/feminine
  endings trimmed), multi-word proper names ("n:chu de vesoul"), short quoted names
  ("q:cap sur le soin"), and numbers ("#350");
- `title`: the content words of the title alone;
- `entities`: the part of the bag that names things: proper words written with a
  capital inside a sentence, names, quoted names and numbers (region and department
  names left out: the region check covers them);
- `shingles`: hashes of the 5-word sequences of the title and text (first
  `SHINGLE_CHARS`), to recognise syndicated copies, reposts and shared quotations;
- `towns`: communes named in the title (from the place gazetteer of `triage.places`);
- `editions`: edition numbers ("3e édition") and years named in the title, which tell
  the yearly editions of one event apart;
- `written_dates`: the (day, month) dates written in the title and lead, to tell a copy
  from a press release template reused with another date;
- dates (`published`, `event_date`) as `datetime.date`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
import zlib
from array import array
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from domain.french_calendar import MONTHS
from domain.regions import REGIONS
from domain.text import char_class
from triage.places import names as place_names
from triage.places.context import inside_name, street_before
from triage.places.data import load_places
from triage.places.gazetteer import BLOCKER, COMMUNE, TITLE, gazetteer, tokenize_columns
from triage.text import fold, stem, words

LEAD_CHARS = 2000        # the part of the text whose words describe the initiative
SHINGLE_CHARS = 3000     # the part of the text compared for near-identical copies
SHINGLE_SIZE = 5         # words per shingle
EDITION_CHARS = 400      # edition numbers only count in the title and this much text
MAX_QUOTE_WORDS = 8      # longer quotations are citations, left to the shingles
MIN_NUMBER = 10          # 1..9 are too common to identify anything

# French function words and words of news writing.
_STOP = frozenset("""
a au aux avec ce ces cet cette ci comme dans de des du elle elles en entre et eux il ils
je la le les leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas
pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous y d l j m n s t
c qu est sont ete etre avoir ont fait faire etait sera seront peut peuvent doit doivent
aussi ainsi alors apres avant bien car cela celle celles celui ceux chaque chez contre
deja depuis donc dont encore entre ici jusqu lors lorsque moins notamment plus plusieurs
pendant peu puis quand quel quelle quelles quels sans selon si sous tous tout toute toutes
tres trop vers voici voila ans annee annees jour jours mois semaine semaines heure heures
hier demain aujourd hui matin soir fois lundi mardi mercredi jeudi vendredi samedi dimanche
janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
premier premiere deux trois quatre cinq six sept huit neuf dix cent cents mille
afin autre autres beaucoup cas certain certains certaines different differents
dit dire explique indique souligne precise ajoute estime rappelle affirme
nouveau nouvelle nouveaux nouvelles grand grande grands grandes petit petite
mieux tant toujours souvent vraiment enfin ensuite egalement dernier derniere prochain
prochaine partir lieu cours place etc via fin debut mise mis non oui ni soit ceci
photo video article lire aussi publie mise jour credit copyright abonne newsletter
""".split())

# The sector's everyday vocabulary: in nearly every article the watch keeps, so it
# says nothing about which initiative an article reports.
_SECTOR = frozenset("""
sante soin soins soignant soignante soignants soignantes sanitaire sanitaires social
sociale sociaux sociales medico medical medicale medicaux metier metiers emploi emplois
recrutement recrutements recruter recrute recrutent poste postes personnel personnels
professionnel professionnelle professionnels professionnelles profession professions
etablissement etablissements structure structures secteur secteurs formation formations
candidat candidats candidate candidates besoin besoins attractivite difficulte difficultes
travail travailler salarie salaries equipe equipes service services patient patients
personne personnes public publics acteur acteurs offre offres region regional regionale
departement departemental departementale territoire territoires ville commune
""".split())

# Capitalised words that begin sentences or names without being part of the name.
_NAME_SKIP = frozenset(
    "le la les l un une des du de d ce cet cette ces au aux a en et pour par sur dans avec "
    "son sa ses leur leurs notre nos votre vos mon ma mes selon depuis chez apres avant".split())
_NAME_LINKS = frozenset("de du des la le l d sur sous les aux".split())

_CAP_WORD = r"[A-ZÀ-ÖØ-Þ][\w’'\-]*"
_NAME_RE = re.compile(
    rf"{_CAP_WORD}(?:(?:[ \t]+|[ \t]*['’][ \t]*|-)"
    rf"(?:(?:de|du|des|la|le|les|l|d|sur|sous|aux)(?:[ \t]+|[ \t]*['’][ \t]*))?{_CAP_WORD})+")
# What ends a sentence before a word: the 3 characters before it (`^` is the start of
# the text) end with one of these, then blanks ("Lundi. Vesoul", "« Vesoul", " - Vesoul").
_SENTENCE_PUNCTUATION = r"[.!?:;|•…\n«»\"“”()\[\]]"
_SENTENCE_ENDS = ("^", r"^\s", r"^\s\s", r"\s\s\s", _SENTENCE_PUNCTUATION, _SENTENCE_PUNCTUATION + r"\s",
                  _SENTENCE_PUNCTUATION + r"\s\s", r"\s-", r"\s-\s")
_QUOTE_RE = re.compile(r"«\s*([^»]{2,80}?)\s*»|“([^”]{2,80}?)”|\"([^\"]{2,80}?)\"")
# The number and date regexes start with a digit, looked behind once matched: `re` then
# skips quickly from digit to digit (a regex starting with `\b` or a look-behind is tried
# at every position), e.g. `\d(?<![\w.,]\d)\d{0,2}` for `(?<![\w.,])\d{1,3}`.  It skips
# fastest to a class it looks up in a table, which `\d` is not: `_DIGIT` scans for the
# decimal digits of the Basic Multilingual Plane and all characters beyond it, then
# checks them as `\d`.
_BMP_DIGITS = char_class([ord(c) for c in filter(str.isdecimal, map(chr, range(0x10000)))])[1:-1]
_DIGIT = f"[{_BMP_DIGITS}\U00010000-\U0010ffff](?<=\\d)"
_NUMBER_RE = re.compile(rf"({_DIGIT}(?<![\w.,]\d)(?:\d{{0,2}}(?:[ \u00a0\u202f.]\d{{3}})+|\d*))"
                        r"(?:[.,]\d+)?(?![\w])")
_NOT_DIGIT = re.compile(r"\D")
_NOT_A_COUNT_AFTER = re.compile(
    r"\s*(?:h\b|h\d|heures?\b|mn\b|min\b|minutes?\b|er\b|e\b|eme\b|ans?\b|"
    r"(?:janv|fevr|mars|avril|avr|mai|juin|juil|aout|sept|oct|nov|dec)[a-z]*\b)")
_EDITION_RE = re.compile(
    r"\b(\d{1,3})\s*(?:e|eme|er|ere|ieme)\s+(?:edition|salon|forum|rencontres?|journees?|session)\b"
    r"|\bedition\s+(?:n\s*°?\s*)?(\d{1,3})\b")
_ORDINAL_WORDS = {"premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3, "quatrieme": 4,
                  "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8, "neuvieme": 9,
                  "dixieme": 10}
_ORDINAL_EDITION_RE = re.compile(r"\b(" + "|".join(_ORDINAL_WORDS) + r")\s+edition\b")
# Every edition number is written with one of these words ("edition" for ordinals);
# most texts have none and skip the edition regexes.
_EDITION_WORDS = ("edition", "salon", "forum", "rencontre", "journee", "session")
_MONTH_NUMBERS = {fold(m): n for n, m in enumerate(MONTHS, 1)}   # full names only: "8 avril"
# "8 avril", "1er mai", "08/04/2025": a day ("1er" or 1-2 digits starting a word, as
# `\b(1er|[0-3]?\d)`), then a month name, or "/" (after digits), a month number and a year.
_DAY_MONTH_RE = re.compile(rf"({_DIGIT}(?<!\w\d)(?:(?<=1)er|(?<=[0-3])\d)?)"
                           r"(?:\s+(" + "|".join(_MONTH_NUMBERS) + r")\b|(?<=\d)/([01]?\d)/(?:20)?\d\d\b)")
_YEAR_RE = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")
_FOLDED_WORD = re.compile(r"[a-z0-9]+")   # `triage.text.words` on text already folded
_WORD_ACROSS = re.compile(r"[a-z0-9]{2}")  # two characters of one folded word
CAPITALS_END = 0x20000   # no capital letter at or above this code point
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.", "www2.")


@dataclass(frozen=True, slots=True)
class Features:
    # Kept compact (an index holds thousands): sorted tuples of interned keys, and an
    # array of shingle hashes; `scoring.Probe` turns a new article's into sets.
    bag: tuple[str, ...]
    entities: tuple[str, ...]   # proper words, names, quoted names, numbers (all in `bag`)
    title: tuple[str, ...]
    shingles: array             # sorted unsigned 32-bit hashes
    towns: frozenset[str]
    editions: frozenset[str]
    written_dates: frozenset[tuple[int, int]]   # (day, month) written in the title and lead
    published: dt.date | None
    event_date: dt.date | None
    regions: frozenset[str]
    themes: frozenset[str]
    source: str
    url: str
    title_key: str              # folded title words, for "same title" reposts


def normalise_host(source: str, url: str = "") -> str:
    """Outlet host without "www."/"m."/"mobile." prefixes: mobile and desktop sites are one outlet."""
    if not source:
        try:
            source = urlsplit(url or "").hostname or ""
        except ValueError:  # malformed URL
            source = ""
    host = source.lower().strip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix):]
    return host


def normalise_url(url: str) -> str:
    """URL without scheme, "www." and trailing slash, for "same page" checks."""
    try:
        parts = urlsplit((url or "").strip())
        host = parts.hostname or ""
    except ValueError:  # malformed URL
        return (url or "").strip()
    query = f"?{parts.query}" if parts.query else ""
    return normalise_host(host) + parts.path.rstrip("/") + query


def parse_date(value: str | None) -> dt.date | None:
    """The date of an ISO date or datetime string, or None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _content(folded_words: list[str]) -> list[str]:
    return list(filter(None, map(_content_stem, folded_words)))


@lru_cache(maxsize=1 << 16)
def _content_stem(word: str) -> str | None:
    """The stem of a folded word if it can identify an initiative, else None."""
    if len(word) >= 3 and word not in _STOP and word not in _SECTOR and not word.isdigit():
        return stem(word)
    return None


@lru_cache(maxsize=1)
def area_words() -> frozenset[str]:
    """Stemmed words of region and department names ("loire", "haute", "normandi"):
    shared by every article about the area, they do not identify an initiative."""
    area_names = ["France", "Outre-mer", "Hexagone", "Métropole"]
    for code, (_, name) in REGIONS.items():
        area_names += [name, *place_names.REGION_VARIANTS.get(code, ()),
                       *place_names.FORMER_REGIONS.get(code, ())]
    area_names += [d.name for d in load_places().departements.values()]
    return frozenset(stem(w) for name in area_names for w in words(name)
                     if w not in _NAME_LINKS and len(w) >= 3)


def _trim_name(parts: list[str]) -> list[str]:
    """Name words without leading determiners and trailing link words."""
    start, end = 0, len(parts)
    while start < end and parts[start] in _NAME_SKIP:
        start += 1
    while end > start and parts[end - 1] in _NAME_LINKS:
        end -= 1
    return parts[start:end]


def _names(text: str) -> set[str]:
    """Multi-word proper names ("CHU de Vesoul", "Marie-Claire Dupont"), folded; a run
    of three capitalised words or more also gives its runs without the first or last
    word ("AFP Marie Dupont" -> "marie dupont").  Names made of region or department
    names only are left out."""
    return set().union(*map(_name_keys, _NAME_RE.findall(text)))


@lru_cache(maxsize=1 << 14)
def _name_keys(name: str) -> frozenset[str]:
    """The keys `_names` makes of one run of capitalised words (names recur: cached)."""
    parts = _trim_name(words(name))
    caps = sum(p not in _NAME_LINKS for p in parts)
    if caps < 2 or all(p in _NAME_LINKS or stem(p) in area_words() for p in parts):
        return frozenset()
    variants = [parts]
    if caps >= 3:
        variants += [_trim_name(parts[1:]), _trim_name(parts[:-1])]
    return frozenset("n:" + " ".join(v) for v in variants if sum(p not in _NAME_LINKS for p in v) >= 2)


def _proper_words(text: str) -> set[str]:
    """Content words written with a capital inside a sentence: names of people, places,
    organisations ("Dupont", "Vesoul", "Croix-Rouge")."""
    return set().union(*map(_proper_stems, _capitalised_words(text)))


def _capitalised_words(text: str) -> set[str]:
    """The words (runs of letters, digits, "_" and "-" from their first letter) that
    start with a capital and do not start a sentence."""
    after_other, after_digits = _capitalised_word_res()
    return {*after_other.findall(text), *after_digits.findall(text)}


@lru_cache(maxsize=1)
def _capitalised_word_res() -> tuple[re.Pattern, re.Pattern]:
    """The regexes of `_capitalised_words`: one for words right after a character that
    is not part of a word, one for those after digits, "_" or "-" ("3M", "-Vesoul").

    Python's `re` has no class of capital letters: it is built from the character
    database (once per process).  Each regex starts with a character class, which `re`
    scans for quickly, and checks what comes before a capital by looking behind it."""
    is_letter = re.compile(r"[^\W\d_]").fullmatch
    # Every capital is below U+20000 (the last, in Adlam, is U+1E921; a test checks the
    # rest of the code space): scanning 8 % of it keeps a worker's start ~40 ms shorter.
    codes = [ord(c) for c in filter(str.isupper, map(chr, range(CAPITALS_END))) if is_letter(c)]
    capitals = char_class(codes)
    # Capitals beyond the Basic Multilingual Plane are rare: the class scanned for takes
    # them all as one range (a long list of ranges would be tried on every character),
    # then the capital is checked.
    scanned = "[" + char_class([c for c in codes if c <= 0xFFFF])[1:-1] + "\U00010000-\U0010ffff]"
    not_sentence_start = "".join(f"(?<!{end}.)" for end in _SENTENCE_ENDS)   # `.`: the capital
    after_other = re.compile(rf"{scanned}(?<={capitals})(?<![\w\-].)"
                             rf"{not_sentence_start}[\w\-]*")
    after_digits = re.compile(rf"[{_BMP_DIGITS}_\-\U00010000-\U0010ffff](?<=[\d_\-])(?<![\w\-].)"
                              rf"[\d_\-]*+({capitals}{not_sentence_start}[\w\-]*)")
    return after_other, after_digits


@lru_cache(maxsize=1 << 16)
def _proper_stems(word: str) -> frozenset[str]:
    """The stems a capitalised word gives `_proper_words`."""
    areas = area_words()
    return frozenset(s for s in map(_content_stem, words(word)) if s and s not in areas)


def _quotes(text: str) -> set[str]:
    """Short quoted names: « Cap sur le soin », "Printemps de l'emploi"."""
    found = set()
    for m in _QUOTE_RE.finditer(text):
        inner = words(next(g for g in m.groups() if g))
        if 2 <= len(inner) <= MAX_QUOTE_WORDS:
            found.add("q:" + " ".join(inner))
    return found


def _numbers(text: str) -> set[str]:
    """Numbers written in the text ("18 110", "1.800" and "1800" alike); times, dates,
    ages, ordinals and bare years ("2024", not "2 024") left out."""
    found = set()
    for m in _NUMBER_RE.finditer(text):
        digits = _NOT_DIGIT.sub("", m.group(1))
        if not digits or digits.startswith("0"):
            continue
        value = int(digits)
        if value < MIN_NUMBER or (1990 <= value <= 2040 and digits == m.group(1)):
            continue
        if _NOT_A_COUNT_AFTER.match(fold(text[m.end():m.end() + 12])):
            continue
        found.add("#" + digits)
    return found


def _shingles(ws: list[str]) -> array:
    grams = zip(*(ws[i:] for i in range(SHINGLE_SIZE)))   # the 5-word sequences, as tuples
    return array("I", sorted(set(map(zlib.crc32, map(str.encode, map(" ".join, grams))))))


def _keys(keys: set[str]) -> tuple[str, ...]:
    return tuple(sorted(map(sys.intern, keys)))


def interned(f: Features) -> Features:
    """`f` with its keys interned again (features made in another process arrive as new
    strings: thousands of indexed articles would each hold their own copy of a word)."""
    return dataclasses.replace(f, bag=tuple(map(sys.intern, f.bag)), entities=tuple(map(sys.intern, f.entities)),
                               title=tuple(map(sys.intern, f.title)))


TOWN_MIN_POPULATION_INITIAL = 20_000   # a capitalised first word must be a real town to count


def title_towns(title: str) -> frozenset[str]:
    """Communes named in the title (folded names), e.g. {"vesoul"}; ordinary words that
    are also commune names ("Job", "Plan") only count where they cannot be read otherwise."""
    found = set()
    tokens, norms, joined = tokenize_columns(title or "", TITLE)
    for match in gazetteer().find(tokens, norms, joined):
        if any(e.kind == BLOCKER for e in match.entries):
            continue
        communes = [e for e in match.entries if e.kind == COMMUNE and e.form != "short"]
        if not communes or len(communes) != len(match.entries):
            continue
        head = tokens[match.first]
        best = max(communes, key=lambda e: e.population)
        if head.initial and best.population < TOWN_MIN_POPULATION_INITIAL:
            continue
        if best.common_word and (head.initial or best.population < TOWN_MIN_POPULATION_INITIAL):
            continue
        if street_before(tokens, match.first) or inside_name(tokens, match.first):
            continue
        found.add(" ".join(words(best.name)))
    return frozenset(found)


def _editions(folded_title: str, folded_head: str) -> frozenset[str]:
    """Edition numbers in the title and first lines, years in the title (folded texts)."""
    found = set()
    if any(word in folded_head for word in _EDITION_WORDS):
        for m in _EDITION_RE.finditer(folded_head):
            found.add("e:" + str(int(m.group(1) or m.group(2))))
    if "edition" in folded_head:
        for m in _ORDINAL_EDITION_RE.finditer(folded_head):
            found.add("e:" + str(_ORDINAL_WORDS[m.group(1)]))
    for m in _YEAR_RE.finditer(folded_title):
        found.add("y:" + m.group(1))
    return frozenset(found)


def _written_dates(folded: str) -> frozenset[tuple[int, int]]:
    """(day, month) of the dates written as such ("8 avril", "08/04/2025") in a folded text."""
    found = set()
    for m in _DAY_MONTH_RE.finditer(folded):
        if m.group(2):
            day, month = (1 if m.group(1) == "1er" else int(m.group(1))), _MONTH_NUMBERS[m.group(2)]
        else:
            day, month = int(m.group(1)), int(m.group(3))
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.add((day, month))
    return frozenset(found)


def _lead_and_text_words(folded_text: str) -> tuple[list[str], list[str]]:
    """The words of the first `LEAD_CHARS` characters and of the whole folded text, in one
    pass: the lead's words, then the rest's, a word cut by the lead's end made whole."""
    lead_words = _FOLDED_WORD.findall(folded_text, 0, LEAD_CHARS)
    text_words = lead_words + _FOLDED_WORD.findall(folded_text, LEAD_CHARS)
    if _WORD_ACROSS.match(folded_text, LEAD_CHARS - 1):
        cut = len(lead_words)
        text_words[cut - 1:cut + 1] = [text_words[cut - 1] + text_words[cut]]
    return lead_words, text_words


def extract(item) -> Features:
    """Features of one `StoryInput`."""
    title = " ".join((item.title or "").split())
    text = item.text or ""
    both = f"{title}\n{text[:LEAD_CHARS]}"
    # Fold once (the slow part); word lists are cut from the folded text.
    folded_title, _, folded_text = fold(f"{title}\n{text[:SHINGLE_CHARS]}").partition("\n")
    title_words = _FOLDED_WORD.findall(folded_title)
    lead_words, text_words = _lead_and_text_words(folded_text)
    entities = _proper_words(both) | _names(both) | _quotes(both) | _numbers(both)
    title_content = set(_content(title_words))
    bag = _keys(title_content.union(_content(lead_words), entities))
    return Features(
        bag=bag,
        entities=tuple(filter(entities.__contains__, bag)),   # sorted and interned with the bag
        title=_keys(title_content),
        shingles=_shingles(title_words + text_words),
        towns=title_towns(title),
        editions=_editions(folded_title, f"{folded_title}\n{folded_text[:EDITION_CHARS]}"),
        written_dates=_written_dates(f"{folded_title}\n{folded_text[:LEAD_CHARS]}"),
        published=parse_date(item.published),
        event_date=parse_date(item.event_date),
        regions=frozenset(item.regions or ()),
        themes=frozenset(item.themes or ()),
        source=normalise_host(item.source, item.url),
        url=normalise_url(item.url),
        title_key=" ".join(title_words),
    )
