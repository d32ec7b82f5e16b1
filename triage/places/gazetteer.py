"""Place-name index and matcher: turns a text into tokens and finds the names in it.

Names are matched on folded word sequences (`triage.text.fold`), longest first, so
"Seine-Saint-Denis" hides "Saint-Denis" and "Basse-Normandie" hides "Normandie".
Capitalisation is read from the original text: a commune only counts when written as
a proper noun.
"""
from __future__ import annotations

import operator
import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from itertools import accumulate, chain, compress, islice, repeat
from typing import Callable, Iterator, NamedTuple, Sequence
from urllib.parse import unquote

from domain.regions import REGIONS
from triage.text import fold, words

from . import names
from .data import PlaceData, load_places, paused_gc

TITLE, LEAD, BODY = 0, 1, 2
LEAD_CHARS = 400  # the first characters of the text count as its lead
MIN_HOST_CITY = 100_000   # cities this big are read anywhere in a domain name ("infosnantes")
MIN_HOST_TOWN = 20_000    # towns this big only where a part of the name starts ("niortagglo", "info-beaune")

# Kinds of entries.
REGION, ACRONYM, FORMER, GROUP, DEPT, COMMUNE, DEMONYM, NATIONWIDE, BLOCKER = (
    "region", "acronym", "former", "group", "dept", "commune", "demonym", "nationwide", "blocker")

_RAW_WORD = re.compile(r"[^\W_]+")
_SPLIT_WORDS = re.compile(r"([^\W_]+)")  # split keeping the words: gaps and words alternate
_FOLDED_WORD = re.compile(r"[a-z0-9]+")  # `triage.text.words` on text already folded
_SENTENCE_BREAK = re.compile(r"[.!?…|•«»\"“”\n]")
_ONLY_JOINERS = re.compile(r"[\s\-'’]*")
_SAINT = {"st": "saint", "ste": "sainte"}
_NORM, _JOINED = operator.attrgetter("norm"), operator.attrgetter("joined")


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
    if len(line) < 8 or _mostly_lower(line):  # quick exits
        return False
    letters = "".join(filter(str.isalpha, line))
    return len(letters) >= 8 and sum(map(str.isupper, letters)) >= 0.8 * len(letters)


def _mostly_lower(line: str) -> bool:
    """A quick proof that a line is not shouting: over a fifth of it (plus one) is
    lower-case letters, counting the most frequent ones only until there are enough."""
    seen, enough = 0, len(line) + 5
    for letter in "esainrtoul":
        seen += line.count(letter)
        if 5 * seen > enough:
            return True
    return False


def tokenize(field: str, zone: int) -> list[Token]:
    """Tokens of one field (title or text); `zone` is TITLE, or LEAD for a text (BODY after LEAD_CHARS)."""
    return tokenize_columns(field, zone).tokens


class Tokenized(NamedTuple):
    """A field's tokens, and two of their columns as lists."""
    tokens: list[Token]
    norms: Sequence[str]    # the tokens' `norm` and `joined`, for `Gazetteer.find`
    joined: list[bool]


def tokenize_columns(field: str, zone: int) -> Tokenized:
    """`tokenize`, with the columns `Gazetteer.find` reads.

    Built column by column with C-level passes (`re.split`, `map`, `accumulate`) rather
    than word by word: the field alternates gaps and words, and each token attribute is
    a function of its word, its gap, its offset or its line."""
    pieces = _SPLIT_WORDS.split(field)      # gap, word, gap, word, ..., gap
    gaps, raws = pieces[0:-1:2], pieces[1::2]
    if not raws:
        return Tokenized([], [], [])
    offsets = list(accumulate(map(len, pieces)))
    starts, ends = offsets[0:-1:2], offsets[1::2]
    louds = _loud_words(field, gaps)
    # A sentence break or a shouting line makes a capital uninformative; only spaces,
    # hyphens and apostrophes join a word to the previous one.
    distinct = set(gaps)
    breaks = {gap: _SENTENCE_BREAK.search(gap) is not None for gap in distinct}
    joins = {gap: _ONLY_JOINERS.fullmatch(gap) is not None for gap in distinct}
    initials = list(map(breaks.__getitem__, gaps))
    if louds is not None:
        initials = list(map(operator.or_, initials, louds))
    else:
        louds = [False] * len(raws)
    joined = list(map(joins.__getitem__, gaps))
    lead = bisect_left(starts, LEAD_CHARS) if zone != TITLE else len(raws)
    zones = [zone] * lead + [BODY] * (len(raws) - lead)
    norms, caps, uppers = zip(*map(_word, raws))
    parts: list[tuple[str, ...]] = []
    unfoldable = _unfoldable().search(field) is not None
    if None in norms or unfoldable:
        norms, parts = _fold_words(field, raws, starts, ends, unfoldable)
    columns = (starts, ends, caps, uppers, initials, louds, zones, joined)
    if norms is None:
        tokens = _expand(parts, columns)
        return Tokenized(tokens, list(map(_NORM, tokens)), list(map(_JOINED, tokens)))
    norms = _saints(norms, caps)
    initials[0], joined[0] = True, False
    return Tokenized(list(map(tuple.__new__, repeat(Token), zip(norms, *columns))), norms, joined)


def _loud_words(field: str, gaps: list[str]) -> list[bool] | None:
    """Per word, whether its line is written in capitals; None when no line is."""
    loud_lines = list(map(_is_shouting, field.split("\n")))
    if not any(loud_lines):
        return None
    lines = accumulate(map(str.count, gaps, repeat("\n")))  # newlines are never inside words
    return list(map(loud_lines.__getitem__, lines))


@lru_cache(maxsize=1 << 16)
def _word(raw: str) -> tuple[str | None, bool, bool]:
    """What a token takes from its word: its folded form when it is one part (else
    None), whether it starts with a capital, whether it is written in capitals.
    The folded form is the field's only when `_unfoldable` finds nothing in it."""
    parts = _fold_word(raw)
    return parts[0] if len(parts) == 1 else None, raw[0].isupper(), len(raw) > 1 and raw.isupper()


def _fold_words(field: str, raws: list[str], starts: list[int], ends: list[int],
                unfoldable: bool) -> tuple[list[str] | None, list[tuple[str, ...]]]:
    """(the folded form of each word, []) when every word folds to one part, else
    (None, the folded parts of each word: "Straße" -> "stra", "e"; "ß" -> none).
    `unfoldable`: `_unfoldable` found something in the field."""
    if not unfoldable:  # folding the words gives what folding the field would
        parts = list(map(_fold_word, raws))
    else:
        parts = _fold_field(field, raws, starts, ends)
    if set(map(len, parts)) == {1}:
        return list(map(operator.itemgetter(0), parts)), []
    return None, parts


def _fold_field(field: str, raws: list[str], starts: list[int], ends: list[int]) -> list[tuple[str, ...]]:
    """The folded parts of each word, for any field: the field is folded once; when
    folding kept every offset (no "œ" -> "oe"), each word's folded form is cut from it."""
    folded = fold(field)
    if len(folded) != len(field):
        return list(map(_fold_word, raws))
    cut = map(folded.__getitem__, map(slice, starts, ends))
    return [(part,) if part.isascii() and part.isalnum() else tuple(_FOLDED_WORD.findall(part)) for part in cut]


@lru_cache(maxsize=1 << 16)
def _fold_word(raw: str) -> tuple[str, ...]:
    """The folded parts of a word (`words`), most often one."""
    part = fold(raw)
    return (part,) if part.isascii() and part.isalnum() else tuple(_FOLDED_WORD.findall(part))


@lru_cache(maxsize=1)
def _unfoldable() -> re.Pattern:
    """Characters whose folding may depend on their neighbours ("Σ") or shrink the
    text (combining accents), and those of rare scripts, not checked.

    In a field without them, folding is character by character and never shortens
    the text: either it keeps every offset, and cutting a word from the folded field
    gives `_fold_word(word)`, or it lengthens the field, and `_fold_field` folds the
    words one by one. Either way, folding the words alone gives the same parts."""
    checked = chain(range(0x530), range(0x1E00, 0x1F00), range(0x2000, 0x2190), range(0xFB00, 0xFB07))
    known = [chr(c) for c in checked if chr(c) != "\u03a3" and len(fold(chr(c))) >= 1]
    return re.compile("[^" + "".join(map(re.escape, known)) + "]")


def _saints(norms: Sequence[str], caps: Sequence[bool]) -> Sequence[str]:
    """"St-Malo", "Ste-Maxime": capitalised "st" and "ste" read as "saint" and "sainte"."""
    if _SAINT.keys().isdisjoint(norms):
        return norms
    return [_SAINT[norm] if cap and norm in _SAINT else norm for norm, cap in zip(norms, caps)]


def _expand(parts: list[tuple[str, ...]], columns: tuple[Sequence, ...]) -> list[Token]:
    """Tokens when some word folds to several parts or to none: each part is a token."""
    tokens: list[Token] = []
    for word_parts, (start, end, cap, upper, initial, loud, zone, joined) in zip(parts, zip(*columns)):
        initial, joined = initial or not tokens, joined and bool(tokens)
        for k, part in enumerate(word_parts):
            if cap and part in _SAINT:
                part = _SAINT[part]
            tokens.append(Token(part, start, end, cap and k == 0, upper, initial and k == 0,
                                loud, zone, joined or k > 0))
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
        # What `find` looks up before building a key: the one-word keys, and for longer
        # keys their first two words -> their lengths.
        self.singles = frozenset(key[0] for key in self.index if len(key) == 1)
        pairs: dict[tuple[str, str], set[int]] = {}
        for key in self.index:
            if len(key) > 1:
                pairs.setdefault(key[:2], set()).add(len(key))
        self.pairs = {pair: tuple(sorted(n, reverse=True)) for pair, n in pairs.items()}  # longest first

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
                       if c.population >= MIN_HOST_CITY]
        for name, region, common in candidates:
            compact = "".join(_key(name))
            if not common and len(compact) >= 5:
                found.setdefault(compact, region)
        return sorted(found.items(), key=lambda kv: -len(kv[0]))

    @cached_property
    def host_region(self) -> Callable[[str], str | None]:
        """A domain name without dots -> the region of the first of `host_names` in it
        (the longest), or None; memoised, as the same outlets come back again and again."""
        host_names = self.host_names

        @lru_cache(maxsize=4096)
        def region(compact: str) -> str | None:
            return next((r for name, r in host_names if name in compact), None)
        return region

    @cached_property
    def host_town_names(self) -> list[tuple[str, str]]:
        """(name, region) for the towns of `MIN_HOST_TOWN` inhabitants or more that
        `host_names` leaves out, longest first; common words left out."""
        found: dict[str, str] = {}
        for c in self.places.communes:
            compact = "".join(_key(c.name))
            if (MIN_HOST_TOWN <= c.population < MIN_HOST_CITY and not c.common_word
                    and len(compact) >= 5 and compact not in self.area_names):
                found.setdefault(compact, c.region)
        return sorted(found.items(), key=lambda kv: -len(kv[0]))

    @cached_property
    def host_town_region(self) -> Callable[[str], str | None]:
        """A part of a domain name between dots or hyphens -> the region of the first
        of `host_town_names` it starts with ("niortagglo", not "charles" for Arles), or
        None; memoised."""
        town_names = self.host_town_names

        @lru_cache(maxsize=4096)
        def region(piece: str) -> str | None:
            return next((r for name, r in town_names if piece.startswith(name)), None)
        return region

    @cached_property
    def path_region(self) -> Callable[[str], str | None]:
        """A segment of a url path ("haute-normandie", "meurthe-et-moselle") -> the region
        it names, by `area_names`, or None; memoised, as the same sections come back."""
        area_names = self.area_names

        @lru_cache(maxsize=4096)
        def region(segment: str) -> str | None:
            return area_names.get("".join(words(unquote(segment))))
        return region

    @cached_property
    def area_names(self) -> dict[str, str]:
        """`host_names` as a mapping, for url path segments."""
        return dict(self.host_names)

    def find(self, tokens: list[Token], norms: Sequence[str] | None = None,
             joined: list[bool] | None = None) -> list[Match]:
        """Names found in `tokens`, longest first, left to right, without overlaps;
        `norms` and `joined`, the tokens' columns, when the caller has them already."""
        found: list[Match] = []
        norms = list(map(_NORM, tokens)) if norms is None else norms
        joined = list(map(_JOINED, tokens)) if joined is None else joined
        index = self.index
        free = 0        # tokens before `free` are part of a name found already
        for i in compress(range(len(tokens)), self._may_start(norms)):
            if i < free:
                continue
            for length in self._lengths(norms, joined, i):
                entries = index.get(tuple(norms[i:i + length]))
                if entries:
                    valid = tuple(e for e in entries if _written_right(e, tokens, i, length))
                    if valid:
                        found.append(Match(valid, i, i + length))
                        free = i + length
                        break
        return found

    def _may_start(self, norms: Sequence[str]) -> Iterator[bool]:
        """Per token, whether a key may start there: a one-word key, or the first two
        words of a longer one (one pass in C over the tokens)."""
        singles = map(self.singles.__contains__, norms)
        pairs = chain(map(self.pairs.__contains__, zip(norms, islice(norms, 1, None))), (False,))
        return map(operator.or_, singles, pairs)

    def _lengths(self, norms: Sequence[str], joined: list[bool], i: int) -> list[int]:
        """Lengths of the keys that may start at token i, longest first: a name spans
        tokens joined to the previous one only."""
        lengths = []
        if i + 1 < len(norms) and joined[i + 1]:
            for length in self.pairs.get((norms[i], norms[i + 1]), ()):
                if i + length <= len(norms) and all(joined[i + 2:i + length]):
                    lengths.append(length)
        if norms[i] in self.singles:
            lengths.append(1)
        return lengths


_SUFFIX_LINKS = frozenset({"sur", "sous", "en", "les", "lez", "de", "des", "du", "d", "la", "le", "aux"})
_ARTICLE_AFTER = {"le": {"au", "du"}, "les": {"aux", "des"}, "la": {"la"}, "l": {"l"}}


def _written_right(entry: Entry, tokens: list[Token], i: int, length: int) -> bool:
    """Surface checks: capitals where a name needs them, merged articles, acronyms."""
    head = tokens[i]
    if entry.kind == ACRONYM:
        return head.upper
    if entry.kind == COMMUNE:
        caps = _name_capitals(entry)
        if caps and caps[0] and not head.cap:
            return False  # most often a lower-case word, checked first
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
    for token, cap in zip(span, _name_capitals(entry)):
        if cap and not token.cap and token.norm not in free:
            return False
    return True


def _name_capitals(entry: Entry) -> tuple[bool, ...]:
    """Whether each word of the name as matched starts with a capital (without the
    article merged with a preposition: "au Mans")."""
    caps = _capitalised(entry.name)
    return caps[1:] if entry.form in _ARTICLE_AFTER else caps


@lru_cache(maxsize=1 << 16)
def _capitalised(name: str) -> tuple[bool, ...]:
    """Whether each word of a place name starts with a capital."""
    return tuple(w[0].isupper() for w in _RAW_WORD.findall(name))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer built from the shipped place data, once per process."""
    places = load_places()
    with paused_gc():
        return Gazetteer(places)


