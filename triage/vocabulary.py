"""The triage vocabulary (`vocabulary.toml`) compiled into matchers.

A `TermSet` finds the terms of one list in folded text; `zone_score` weighs matches by
where they occur (title, lead, body) and damps repeats of the same term.  `Starts` finds
in one pass where the terms of every list may start, and tries each list there only,
instead of scanning the whole text once per list.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from bisect import bisect_right
from typing import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import zip_longest
from pathlib import Path

from domain.themes import THEME_CODES
from domain.text import fold

DEFAULT_PATH = Path(__file__).with_name("vocabulary.toml")
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 1.5
LEAD_CHARS = 600
REPEAT_DECAY = 0.5
_SEPARATOR = r"[\s'\-]+"


class VocabularyError(Exception):
    pass


_PLURAL = r"(?:s|x|es)?"
_WILDCARD = r"[a-z0-9]*"


@lru_cache(maxsize=8192)   # a vocabulary's terms are read several times as it is compiled
def term_atoms(term: str) -> tuple[str, ...]:
    """The regex pieces of one vocabulary term (folded text), one per character, plural
    ending, '*' wildcard or separator (joined, they are the term's regex)."""
    words = [w for w in re.split(r"[\s'\-]+", fold(term).strip()) if w]
    if not words:
        raise VocabularyError(f"empty term {term!r}")
    atoms: list[str] = []
    for n, word in enumerate(words):
        if n:
            atoms.append(_SEPARATOR)
        if word.endswith("*"):
            atoms += [re.escape(c) for c in word[:-1]] + [_WILDCARD]
        elif word[-1].isalnum():
            atoms += [re.escape(c) for c in word] + [_PLURAL]
        else:
            atoms += [re.escape(c) for c in word]
    return tuple(atoms)


def trie_pattern(terms: list[str]) -> str:
    """One regex for all `terms`, their common prefixes factored out (Python's `re`
    tries alternatives one by one: hundreds of terms in a flat alternation cost a
    comparison each at every position). Longer continuations are tried first, as the
    flat alternation sorted longest first did."""
    return _trie_regex(map(term_atoms, terms)) or r"(?!x)x"


def _trie_regex(sequences: Iterable[Sequence[str]], guards: Iterable[str] = ()) -> str:
    """A regex for sequences of regex atoms, as a trie: the longest continuation that
    matches is taken ("" for no sequence).  `guards`, one per sequence ("" for none): a
    look-ahead a match ending with that sequence must pass, tried after the longer
    continuations."""
    END = ""
    root: dict = {}
    for atoms, guard in zip_longest(sequences, guards, fillvalue=""):
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[END] = guard

    depths: dict[int, int] = {}

    def depth(node: dict) -> int:
        if id(node) not in depths:
            depths[id(node)] = 1 + max((depth(child) for atom, child in node.items() if atom != END), default=0)
        return depths[id(node)]

    def emit(node: dict) -> str:
        children = sorted((atom for atom in node if atom != END), key=lambda a: (-depth(node[a]), a))
        alternatives = [atom + emit(node[atom]) for atom in children]
        if node.get(END):       # a guarded end: the longer continuations first, then the guard
            alternatives.append(node[END])
            return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if END in node else body

    return emit(root)


def first_literal(term: str) -> str:
    """The letters every match of `term` starts with: its first word, up to a '*'."""
    return _first_words(term)[0]


_TERM_END = r"(?![a-z0-9])"


def _first_words(term: str) -> tuple[str, tuple[str, ...] | None]:
    """`first_literal(term)`, and the regex atoms of what follows it in every match of
    the term: the plural ending, then the end of the term, or a separator and the
    letters the second word starts with (None when the literal stops at a '*')."""
    atoms = term_atoms(term)

    def letters(k: int) -> int:
        while k < len(atoms) and atoms[k] not in (_PLURAL, _WILDCARD, _SEPARATOR):
            k += 1
        return k

    end = letters(0)
    literal = "".join(atom[-1] for atom in atoms[:end])     # escaped characters
    if end < len(atoms) and atoms[end] == _WILDCARD:
        return literal, None
    k = end + 1 if end < len(atoms) and atoms[end] == _PLURAL else end
    if k == len(atoms):
        return literal, (*atoms[end:k], _TERM_END)
    return literal, atoms[end:letters(k + 1)]       # atoms[k] is the separator


@dataclass(frozen=True)
class Starts:
    """Where the terms of a whole vocabulary may start, found in one pass over a text.

    Why: scanning the text once per term set (twenty of them) was a fifth of labelling.
    How: every match of a term starts, at a word start, with the first word of the term
    (its literal); one regex finds the longest literal at each word start, and each
    literal says which sets have a literal that is a prefix of it (`sets_of`).  A set's
    regex is then tried at those positions only, in the same pass.  A literal that is
    the whole first word of each of its terms, none a single word, is found only where
    what follows it in one of them follows ("de" of "de 9h", "de 14h": not in "depuis",
    nor "de la"), as no set could match elsewhere (`_guards`)."""
    regex: re.Pattern       # a literal (group 1) after the character before it, in " " + text
    sets_of: dict[str, tuple[int, ...]]
    set_regexes: tuple[re.Pattern, ...]      # each set's regex, in the order of `sets_of`'s indices

    @classmethod
    def build(cls, sets: "list[TermSet]") -> "Starts":
        literal_sets = [terms.literals() for terms in sets]
        literals = sorted(set().union(*literal_sets))
        sets_of = {}
        for literal in literals:
            sets_of[literal] = tuple(i for i, own in enumerate(literal_sets)
                                     if any(literal.startswith(x) for x in own))
        pattern = _trie_regex([[re.escape(c) for c in literal] for literal in literals], _guards(sets, literals))
        # opened on the character before the word, not on a look-behind: `re` then looks
        # for a literal only after a character that is no letter or digit, instead of at
        # every position (a fifth fewer instructions for the scan)
        return cls(re.compile(r"[^a-z0-9](?=(" + pattern + "))"), sets_of, tuple(terms.regex for terms in sets))

    def matches(self, text: str, zone_ends: list[int]) -> list[list[tuple[int, str]]]:
        """For each term set, (zone, matched text) of the matches of its regex in `text`,
        as `finditer` would find them: tried where one of its terms may start, past its
        previous match.  A match's zone is the number of `zone_ends` at or before it."""
        found: list[list[tuple[int, str]]] = [[] for _ in self.set_regexes]
        ends = [0] * len(self.set_regexes)
        sets_of, regexes = self.sets_of, self.set_regexes
        after = 0       # literals do not overlap: one is looked for only past the previous one
        for start in self.regex.finditer(" " + text):
            position = start.start()    # the literal's, in `text` (one character to the left)
            literal = start.group(1)
            if position < after:
                continue
            after = position + len(literal)
            zone = -1
            for i in sets_of[literal]:
                if position >= ends[i]:
                    m = regexes[i].match(text, position)
                    if m is not None:
                        if zone < 0:
                            zone = bisect_right(zone_ends, position)
                        found[i].append((zone, m.group()))
                        ends[i] = m.end()
        return found


def _guards(sets: "list[TermSet]", literals: list[str]) -> list[str]:
    """Per literal, the look-ahead `Starts` finds it with: what follows it in one of
    its terms (`_first_words`), or "" (none) when it stops at a '*' or is a whole term
    in one of them (a check that a word ends there saves few tries, and compiling it
    for hundreds of literals costs a label worker's start more than it saves).
    (A literal not found where a longer one would be lets no start inside the longer
    one go unseen, as no word starts inside a literal: every character of every literal
    but its last is a letter or digit.  Were it not so, none is guarded.)"""
    follows: dict[str, set[tuple[str, ...]] | None] = {}
    for terms in sets:
        for term in terms.terms:
            literal, after = _first_words(term)
            known = follows.setdefault(literal, set())
            alone = after is None or after[-1] == _TERM_END     # a '*', or a word that is a term
            follows[literal] = None if known is None or alone else known | {after}
    if not all(re.fullmatch(r"[a-z0-9]*.", literal) for literal in literals):
        return [""] * len(literals)
    # each literal's continuations as a trie: their common plural and separator once
    return ["" if follows[x] is None else "(?=" + _trie_regex(sorted(follows[x])) + ")" for x in literals]


@dataclass(frozen=True)
class TermSet:
    terms: tuple[str, ...]
    regex: re.Pattern
    slot: int | None = None       # its index among the vocabulary's sets, if `Starts` finds its starts

    @classmethod
    def build(cls, terms: list[str], slot: int | None = None) -> "TermSet":
        regex = re.compile(r"(?<![a-z0-9])(?:" + trie_pattern(terms) + r")(?![a-z0-9])")
        return cls(tuple(terms), regex, slot)

    def literals(self) -> frozenset[str]:
        return frozenset(first_literal(t) for t in self.terms)

    def selective(self) -> bool:
        """Every term starts with a fixed character, so `Starts` can find where it may
        start (even one-letter starts like "d'ici" are cheaper to try than a scan)."""
        return bool(self.terms) and all(self.literals())

    def hits(self, folded: str) -> list[str]:
        return [m.group(0) for m in self.regex.finditer(folded)]


TITLE, LEAD, BODY = 0, 1, 2
ZONE_WEIGHTS = (TITLE_WEIGHT, LEAD_WEIGHT, 1.0)


@dataclass(frozen=True)
class Zones:
    """An article's folded text, split where matches weigh differently.  Each term set
    is searched once over the whole article and its hits kept (`hits`), so that every
    score asking for the same list reuses them."""
    title: str
    lead: str
    body: str
    _found: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, title: str, text: str) -> "Zones":
        return cls.of_folds(fold(title or ""), fold(text or ""))

    @classmethod
    def of_folds(cls, folded_title: str, folded_text: str) -> "Zones":
        """The zones of an article whose title and text are folded already."""
        return cls(folded_title, folded_text[:LEAD_CHARS], folded_text[LEAD_CHARS:])

    def hits(self, terms: TermSet, vocabulary: "Vocabulary | None" = None) -> list[tuple[int, str]]:
        """(zone, matched text) of every match of `terms`, in order; with the `vocabulary`
        `terms` belongs to, only where its `Starts` says a term may start."""
        found = self._found.get(id(terms))
        if found is None:
            if vocabulary is not None and terms.slot is not None:
                found = self._slot_hits(vocabulary)[terms.slot]
            else:
                whole, zone_ends = self._whole()
                found = [(bisect_right(zone_ends, m.start()), m.group()) for m in terms.regex.finditer(whole)]
            self._found[id(terms)] = found
        return found

    def _whole(self) -> tuple[str, list[int]]:
        """The zones as one text, and where TITLE and LEAD end in it (BODY after)."""
        return f"{self.title}\x00{self.lead}{self.body}", [len(self.title), len(self.title) + 1 + len(self.lead)]

    def _slot_hits(self, vocabulary: "Vocabulary") -> list[list[tuple[int, str]]]:
        """The hits of every set `vocabulary.starts` serves, found in one pass."""
        hits = self._found.get(id(vocabulary))
        if hits is None:
            hits = self._found[id(vocabulary)] = vocabulary.starts.matches(*self._whole())
        return hits


def zone_score(terms: TermSet, zones: Zones, weight: float = 1.0,
               only: tuple[int, ...] = (TITLE, LEAD, BODY),
               vocabulary: "Vocabulary | None" = None) -> tuple[float, dict[str, list[float]]]:
    """Weighted, repeat-damped score of `terms` over the zones (or `only` some of them),
    and the matches by term (`vocabulary`: the one `terms` belongs to, see `Zones.hits`)."""
    found: dict[str, list[float]] = {}
    hits = zones.hits(terms, vocabulary)
    if not hits:            # most sets, in most articles
        return 0.0, found
    for zone, hit in hits:
        if zone in only:
            found.setdefault(hit, []).append(ZONE_WEIGHTS[zone] * weight)
    return damped(found), found


def damped(found: dict[str, list[float]]) -> float:
    total = 0.0
    for weights in found.values():
        for n, w in enumerate(sorted(weights, reverse=True)):
            total += w * REPEAT_DECAY ** n
    return total


@dataclass(frozen=True)
class Vocabulary:
    sector: TermSet
    workforce: TermSet
    sector_workforce: TermSet
    negative: TermSet
    themes: dict[str, tuple[TermSet, TermSet]]   # theme -> (strong, weak)
    starts: Starts | None = None                 # finds the matches of the sets that have a slot


@lru_cache(maxsize=4)
def load_vocabulary(path: str | Path = DEFAULT_PATH) -> Vocabulary:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: {exc}") from None
    relevance = raw.get("relevance", {})
    for key in ("sector", "workforce", "sector_workforce", "negative"):
        if not isinstance(relevance.get(key, []), list):
            raise VocabularyError(f"{path}: [relevance] {key} must be a list of strings")
    for theme in raw.get("themes", {}):
        if theme not in THEME_CODES:
            raise VocabularyError(f"{path}: unknown theme [themes.{theme}] (themes: {', '.join(THEME_CODES)})")
    missing = [t for t in THEME_CODES if t not in raw.get("themes", {})]
    if missing:
        raise VocabularyError(f"{path}: no vocabulary for theme(s) {', '.join(missing)}")
    slotted: list[TermSet] = []

    def term_set(terms: list[str]) -> TermSet:
        plain = TermSet.build(terms)
        if not plain.selective():
            return plain
        slotted.append(dataclasses.replace(plain, slot=len(slotted)))
        return slotted[-1]

    lists = {key: term_set(relevance.get(key, [])) for key in ("sector", "workforce", "sector_workforce", "negative")}
    themes = {theme: (term_set(table.get("strong", [])), term_set(table.get("weak", [])))
              for theme, table in raw["themes"].items()}
    starts = Starts.build(slotted) if slotted else None
    return Vocabulary(**lists, themes=themes, starts=starts)
