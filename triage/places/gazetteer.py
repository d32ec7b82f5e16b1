"""Place-name index and matcher: turns a text into tokens and finds the names in it.

Names are matched on folded word sequences (`triage.text.fold`), longest first, so
"Seine-Saint-Denis" hides "Saint-Denis" and "Basse-Normandie" hides "Normandie".
Capitalisation is read from the original text: a commune only counts when written as
a proper noun.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import NamedTuple

from domain.regions import REGIONS
from triage.text import fold, words

from . import names
from .data import PlaceData, load_places, paused_gc

TITLE, LEAD, BODY = 0, 1, 2
LEAD_CHARS = 400  # the first characters of the text count as its lead

# Kinds of entries.
REGION, ACRONYM, FORMER, GROUP, DEPT, COMMUNE, DEMONYM, NATIONWIDE, BLOCKER = (
    "region", "acronym", "former", "group", "dept", "commune", "demonym", "nationwide", "blocker")

_RAW_WORD = re.compile(r"[^\W_]+")
_FOLDED_WORD = re.compile(r"[a-z0-9]+")  # `triage.text.words` on text already folded
_SENTENCE_BREAK = re.compile(r"[.!?…|•«»\"“”\n]")
_ONLY_JOINERS = re.compile(r"[\s\-'’]*")
_SAINT = {"st": "saint", "ste": "sainte"}


class Token(NamedTuple):   # a tuple: built thousands of times per article
    norm: str       # folded word
    start: int      # offsets in the field it comes from
    end: int
    cap: bool       # starts with a capital letter
    upper: bool     # written in capitals (two letters or more)
    initial: bool   # capital not telling: first word of a sentence or line, or an all-caps line
    loud: bool      # in an all-caps line
    zone: int       # TITLE, LEAD or BODY
    joined: bool    # only spaces, hyphens or apostrophes since the previous token


@dataclass(slots=True)  # read-only by convention; not frozen to keep index building fast
class Entry:
    kind: str
    region: str             # ISO code, "FR" for nationwide cues, "" for blockers
    name: str
    dept: str = ""
    population: int = 0
    common_word: bool = False   # the name is also an ordinary word: needs its capital
    weight: float = 0.0         # nationwide cues only
    form: str = ""              # "", "short" (suffix dropped) or the dropped article


@dataclass(frozen=True, slots=True)
class Match:
    entries: tuple[Entry, ...]
    first: int      # token span [first, last)
    last: int


def _is_shouting(line: str) -> bool:
    letters = "".join(filter(str.isalpha, line))
    return len(letters) >= 8 and sum(map(str.isupper, letters)) >= 0.8 * len(letters)


def tokenize(field: str, zone: int) -> list[Token]:
    """Tokens of one field (title or text); `zone` is TITLE, or LEAD for a text (BODY after LEAD_CHARS)."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", field)]
    loud_lines = [_is_shouting(field[a:b]) for a, b in zip(line_starts, line_starts[1:] + [len(field)])]
    # Fold the field once; when folding kept every offset (no "œ" -> "oe"), each word's
    # folded form is cut from it instead of folding the words one by one.
    folded = fold(field)
    aligned = len(folded) == len(field)
    tokens: list[Token] = []
    append = tokens.append
    new_token = tuple.__new__     # a Token without the keyword handling of its __new__
    prev_end = 0
    line, last_line = 0, len(line_starts) - 1
    for m in _RAW_WORD.finditer(field):
        raw = m.group()
        start, end = m.span()
        while line < last_line and line_starts[line + 1] <= start:
            line += 1
        loud = loud_lines[line]
        gap = field[prev_end:start]
        if gap == " ":        # most gaps: no regex needed
            initial, joined = not tokens or loud, bool(tokens)
        else:
            initial = not tokens or loud or bool(_SENTENCE_BREAK.search(gap))
            joined = bool(tokens) and (not gap or _ONLY_JOINERS.fullmatch(gap) is not None)
        cap, upper = raw[0].isupper(), len(raw) > 1 and raw.isupper()
        token_zone = zone if zone == TITLE or start < LEAD_CHARS else BODY
        if aligned:
            part = folded[start:end]
            parts = [part] if part.isascii() and part.isalnum() else _FOLDED_WORD.findall(part)
        else:
            parts = words(raw)
        if len(parts) == 1:
            part = parts[0]
            if cap and part in _SAINT:
                part = _SAINT[part]
            append(new_token(Token, (part, start, end, cap, upper, initial, loud, token_zone, joined)))
        else:
            for k, part in enumerate(parts):
                if cap and part in _SAINT:
                    part = _SAINT[part]
                append(new_token(Token, (part, start, end, cap and k == 0, upper, initial and k == 0,
                                         loud, token_zone, joined or k > 0)))
        prev_end = end
    return tokens


def _key(name: str) -> tuple[str, ...]:
    return tuple(words(name))


class Gazetteer:
    """Index of folded name keys to the places (or cues) they may stand for."""

    def __init__(self, places: PlaceData):
        self.places = places
        self.index: dict[tuple[str, ...], list[Entry]] = {}
        self._add_regions()
        for dept in places.departements.values():
            self._add(dept.name, Entry(DEPT, dept.region, dept.name, dept.code,
                                       common_word=dept.common_word))
        self._add_communes()
        for phrase, weight in names.NATIONWIDE_CUES.items():
            self._add(phrase, Entry(NATIONWIDE, "FR", phrase, weight=weight))
        self._add_articles_to_areas()
        for phrase in names.NOT_PLACES:
            self.index[_key(phrase)] = [Entry(BLOCKER, "", phrase)]
        lengths: dict[str, set[int]] = {}
        for key in self.index:
            lengths.setdefault(key[0], set()).add(len(key))
        # first word -> the lengths of the keys it starts, longest first
        self.lengths: dict[str, tuple[int, ...]] = {w: tuple(sorted(n, reverse=True)) for w, n in lengths.items()}

    def _add(self, name: str, entry: Entry, key: tuple[str, ...] | None = None) -> None:
        self.index.setdefault(key or _key(name), []).append(entry)

    def _add_regions(self) -> None:
        for code, (_, name) in REGIONS.items():
            for variant in (name, *names.REGION_VARIANTS.get(code, ())):
                # "la réunion" is a meeting: La Réunion needs its capital.
                self._add(variant, Entry(REGION, code, variant, common_word=code == "FR-974"))
            for former in names.FORMER_REGIONS.get(code, ()):
                self._add(former, Entry(FORMER, code, former))
            singles = [f for d in names.DEMONYMS.get(code, ()) for f in names.inflect(d)]
            for form in (*singles, *names.DEMONYM_FORMS.get(code, ())):
                self._add(form, Entry(DEMONYM, code, form))
        self._add("Réunion", Entry(REGION, "FR-974", "Réunion", common_word=True))
        for acronym, code in names.REGION_ACRONYMS.items():
            self._add(acronym, Entry(ACRONYM, code, acronym))
        for group, codes in names.REGION_GROUPS.items():
            for code in codes:
                self._add(group, Entry(GROUP, code, group))

    def _add_articles_to_areas(self) -> None:
        """"La Creuse" is a hamlet but mostly the department: keys made of an article and
        a department or region name also get the department or region."""
        area_names = [name for _, name in REGIONS.values()]
        area_names += [d.name for d in self.places.departements.values()]
        for key in map(_key, area_names):
            areas = [e for e in self.index[key] if e.kind in (REGION, DEPT)]
            for article in ("la", "le", "les", "l"):
                longer = self.index.get((article, *key))
                if longer and all(e.kind == COMMUNE for e in longer):
                    longer.extend(areas)

    def _add_communes(self) -> None:
        communes = self.places.communes
        # `fold` works character by character: fold each distinct character once, turn
        # what is not a word character into a space, then translate all names in one go
        # (ten times faster than a `words()` call per name).
        blob = "\n".join(c.name for c in communes)
        table = {}
        for ch in set(blob) - {"\n"}:
            folded_ch = fold(ch)
            table[ord(ch)] = folded_ch if _FOLDED_WORD.fullmatch(folded_ch) else " "
        index = self.index
        for c, name in zip(communes, blob.translate(table).split("\n")):
            key = tuple(name.split())
            entry = Entry(COMMUNE, c.region, c.name, c.dept, c.population, c.common_word)
            index.setdefault(key, []).append(entry)
            if len(key) > 1 and key[0] in _ARTICLE_AFTER:
                # "au Mans", "aux Sables-d'Olonne": the article merges with the preposition.
                alias = Entry(COMMUNE, c.region, c.name, c.dept, c.population, c.common_bare, form=key[0])
                index.setdefault(key[1:], []).append(alias)
            elif c.population >= 10_000:
                cut = next((i for i, w in enumerate(key) if i and w in _SUFFIX_LINKS), None)
                if cut:  # "Saint-Dié" for "Saint-Dié-des-Vosges"
                    index.setdefault(key[:cut], []).append(replace(entry, form="short"))

    @cached_property
    def host_names(self) -> list[tuple[str, str]]:
        """(name, region) for regions, departments and big cities as written in domain
        names ("meurtheetmoselle"), longest first; common words left out."""
        found: dict[str, str] = {}
        candidates = [(name, code, False) for code, (_, name) in REGIONS.items()]
        candidates += [(f, code, False) for code, formers in names.FORMER_REGIONS.items() for f in formers]
        candidates += [(d.name, d.region, d.common_word) for d in self.places.departements.values()]
        candidates += [(c.name, c.region, c.common_word) for c in self.places.communes
                       if c.population >= 100_000]
        for name, region, common in candidates:
            compact = "".join(_key(name))
            if not common and len(compact) >= 5:
                found.setdefault(compact, region)
        return sorted(found.items(), key=lambda kv: -len(kv[0]))

    @cached_property
    def area_names(self) -> dict[str, str]:
        """`host_names` as a mapping, for url path segments."""
        return dict(self.host_names)

    def find(self, tokens: list[Token]) -> list[Match]:
        """Names found in `tokens`, longest first, left to right, without overlaps."""
        found: list[Match] = []
        n = len(tokens)
        norms = [t.norm for t in tokens]
        run = [1] * n       # run[i]: tokens from i on that a name may span (joined to the previous)
        for i in range(n - 2, -1, -1):
            if tokens[i + 1].joined:
                run[i] = run[i + 1] + 1
        i = 0
        lengths, index = self.lengths, self.index
        while i < n:
            for length in lengths.get(norms[i], ()):
                if length > run[i]:
                    continue
                entries = index.get(tuple(norms[i:i + length]))
                if entries:
                    valid = tuple(e for e in entries if _written_right(e, tokens, i, length))
                    if valid:
                        found.append(Match(valid, i, i + length))
                        i += length
                        break
            else:
                i += 1
        return found


_SUFFIX_LINKS = frozenset({"sur", "sous", "en", "les", "lez", "de", "des", "du", "d", "la", "le", "aux"})
_ARTICLE_AFTER = {"le": {"au", "du"}, "les": {"aux", "des"}, "la": {"la"}, "l": {"l"}}


def _written_right(entry: Entry, tokens: list[Token], i: int, length: int) -> bool:
    """Surface checks: capitals where a name needs them, merged articles, acronyms."""
    head = tokens[i]
    if entry.kind == ACRONYM:
        return head.upper
    if entry.kind == COMMUNE:
        if head.upper and not head.loud and len(head.norm) <= 4:
            return False  # an acronym such as "ARS"
        if entry.form in _ARTICLE_AFTER and not (
                i > 0 and tokens[i - 1].norm in _ARTICLE_AFTER[entry.form] and head.joined):
            return False
        return _capitals_kept(entry, tokens[i: i + length])
    if entry.common_word:  # "la Somme", not "la somme"; "VAR" in capitals is an acronym
        return _capitals_kept(entry, tokens[i: i + length], names.LINK_WORDS) and (head.loud or not head.upper)
    return True


def _capitals_kept(entry: Entry, span: list[Token], free=()) -> bool:
    """The words capitalised in the name are capitalised in the text, except words in
    `free`: "l'hôpital" is not L'Hôpital, "à la Réunion" is La Réunion."""
    caps = [w[0].isupper() for w in _RAW_WORD.findall(entry.name)]
    if entry.form in _ARTICLE_AFTER:
        caps = caps[1:]
    return all(t.cap for t, cap in zip(span, caps) if cap and t.norm not in free)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer built from the shipped place data, once per process."""
    places = load_places()
    with paused_gc():
        return Gazetteer(places)


