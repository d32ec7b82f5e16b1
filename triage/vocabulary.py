"""The triage vocabulary (`vocabulary.toml`) compiled into matchers.

A `TermSet` finds the terms of one list in folded text; `zone_score` weighs matches by
where they occur (title, lead, body) and damps repeats of the same term.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
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
    END = ""
    root: dict = {}
    for term in terms:
        node = root
        for atom in term_atoms(term):
            node = node.setdefault(atom, {})
        node[END] = {}

    depths: dict[int, int] = {}

    def depth(node: dict) -> int:
        if id(node) not in depths:
            depths[id(node)] = 1 + max((depth(child) for atom, child in node.items() if atom != END), default=0)
        return depths[id(node)]

    def emit(node: dict) -> str:
        children = sorted((atom for atom in node if atom != END), key=lambda a: (-depth(node[a]), a))
        alternatives = [atom + emit(node[atom]) for atom in children]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if END in node else body

    return emit(root) if root else r"(?!x)x"


@dataclass(frozen=True)
class TermSet:
    terms: tuple[str, ...]
    regex: re.Pattern

    @classmethod
    def build(cls, terms: list[str]) -> "TermSet":
        return cls(tuple(terms), re.compile(r"(?<![a-z0-9])(?:" + trie_pattern(terms) + r")(?![a-z0-9])"))

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
        folded = fold(text or "")
        return cls(fold(title or ""), folded[:LEAD_CHARS], folded[LEAD_CHARS:])

    def hits(self, terms: TermSet) -> list[tuple[int, str]]:
        """(zone, matched text) of every match of `terms`, in order."""
        found = self._found.get(id(terms))
        if found is None:
            whole = f"{self.title}\x00{self.lead}{self.body}"
            lead_end = len(self.title) + 1 + len(self.lead)
            found = [(TITLE if m.start() < len(self.title) else LEAD if m.start() < lead_end else BODY, m.group(0))
                     for m in terms.regex.finditer(whole)]
            self._found[id(terms)] = found
        return found


def zone_score(terms: TermSet, zones: Zones, weight: float = 1.0,
               only: tuple[int, ...] = (TITLE, LEAD, BODY)) -> tuple[float, dict[str, list[float]]]:
    """Weighted, repeat-damped score of `terms` over the zones (or `only` some of them),
    and the matches by term."""
    found: dict[str, list[float]] = {}
    for zone, hit in zones.hits(terms):
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
    themes = {}
    for theme, table in raw.get("themes", {}).items():
        if theme not in THEME_CODES:
            raise VocabularyError(f"{path}: unknown theme [themes.{theme}] (themes: {', '.join(THEME_CODES)})")
        themes[theme] = (TermSet.build(table.get("strong", [])), TermSet.build(table.get("weak", [])))
    missing = [t for t in THEME_CODES if t not in themes]
    if missing:
        raise VocabularyError(f"{path}: no vocabulary for theme(s) {', '.join(missing)}")
    return Vocabulary(
        sector=TermSet.build(relevance.get("sector", [])),
        workforce=TermSet.build(relevance.get("workforce", [])),
        sector_workforce=TermSet.build(relevance.get("sector_workforce", [])),
        negative=TermSet.build(relevance.get("negative", [])),
        themes=themes,
    )
