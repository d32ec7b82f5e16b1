"""Evidence: the weighted place clues of an article.

Every clue (region, former region, department, department number, postal code,
commune, demonym, a hint in the domain name) gives a weight to one region, more in
the title and the lead than in the body. Ambiguous or weak commune names only count
when other clues point to their department or region. Nationwide cues ("ministère",
"partout en France") give weight to `FR`. `detect.py` turns the clues into codes.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from domain.regions import NATIONWIDE, REGION_CODES

from . import context, names
from .gazetteer import (ACRONYM, BLOCKER, BODY, COMMUNE, DEMONYM, DEPT, FORMER, GROUP, LEAD, LEAD_CHARS,
                        NATIONWIDE as CUE, REGION, TITLE, Entry, Gazetteer, Match, Token,
                        gazetteer, tokenize_columns)

KIND_WEIGHT = {REGION: 3.0, ACRONYM: 2.5, FORMER: 2.0, DEPT: 2.5, DEMONYM: 0.8}
GROUP_WEIGHT = 1.0          # "Antilles": each region of the group
ZONE_FACTOR = {TITLE: 3.0, LEAD: 2.0, BODY: 1.0}
INSTITUTION_FACTOR = 1.5    # "CHU de Caen", "ARS Normandie"
EXAMPLE_FACTOR = 0.3        # "comme à Lyon", "à Caen, par exemple": a town given as an example
CAPITAL_FACTOR = 0.4        # national events and bodies sit in Paris: it must be prominent
CODE_WEIGHT = 2.5           # "Saint-Lô (50)"; "(15)" after a lower-case word is no code
HOST_WEIGHT = 1.5           # "normandie.ars.sante.fr"
PATH_WEIGHT = 1.0           # "https://.../normandie/calvados/caen/article"
MIN_POPULATION_ALONE = 2000   # smaller communes need another clue for their department/region
MIN_COMMON_WORD_POPULATION = 20_000
CAPITAL_DEPT = "75"

_CODE = re.compile(r"(\w[\w'’.-]*)\s*\((\d{2,3}|2[AB])\)")
_CODE_HINT = re.compile(r"\((?:\d{2,3}|2[AB])\)")  # what every `_CODE` match contains
_POSTCODE = re.compile(r"\b(\d{5})\s+(?=[A-ZÀ-Ý])")
_POSTCODE_HINT = re.compile(r"\d\d\d\d\d")  # what every `_POSTCODE` match contains (\d{5} scans slower)
_HOST_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_DEPT_ARTICLES = frozenset({"la", "le", "les", "l", "du", "des", "au", "aux", "en"})
_TOWN_PREPOSITIONS = frozenset({"a", "de", "d"})
_UNDECIDED = Entry("undecided", "", "")
_OVERSEAS_TLD = {"re": "FR-974", "yt": "FR-976", "gp": "FR-971", "mq": "FR-972", "gf": "FR-973"}


@dataclass(frozen=True, slots=True)
class Clue:
    region: str     # ISO code, or "FR"
    key: str        # identity of the clue, for repeat damping
    weight: float   # zone factor included


@dataclass
class _Field:
    text: str
    tokens: list[Token]
    matches: list[Match]
    commune_matches: list[tuple[Match, list[Entry]]]  # those that may name a commune, with their communes

    @cached_property
    def token_at(self) -> dict[int, int]:
        """Offset -> index of the (last) token starting there; built on first use."""
        return {t.start: k for k, t in enumerate(self.tokens)}

    @cached_property
    def token_end(self) -> dict[int, int]:
        """Offset -> index of the (last) token ending there; built on first use."""
        return {t.end: k for k, t in enumerate(self.tokens)}


def _commune_matches(matches: list[Match]) -> list[tuple[Match, list[Entry]]]:
    """The matches that may name a commune (no blocker), with their commune entries."""
    found = []
    for match in matches:
        candidates = [e for e in match.entries if e.kind == COMMUNE]
        if candidates and not any(e.kind == BLOCKER for e in match.entries):
            found.append((match, candidates))
    return found


def _postcode_department(code: str) -> str:
    """The department of a five-digit postal code: "97150" -> "971", "20000" -> "2A"."""
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code < "20200" else "2B"
    return code[:2]


def _zone(zone: int, offset: int) -> int:
    return zone if zone == TITLE or offset < LEAD_CHARS else BODY


def _area_key(entry: Entry) -> str:
    return f"{entry.kind}:{entry.dept or entry.name}"


def _population_weight(population: int) -> float:
    return min(1.8, max(0.3, 0.6 + 0.45 * math.log10(max(population, 1) / 1000)))


class Scorer:
    """Collects the clues of one article."""

    def __init__(self, g: Gazetteer, default: str | None):
        self.g = g
        self.default = default if default in REGION_CODES else None
        self.clues: list[Clue] = []
        # "dept:14" / "region:FR-NOR" -> keys of the clues that point there
        self.anchors: dict[str, set[str]] = defaultdict(set)
        self.code_after: dict[tuple[int, int], str] = {}    # "Saint-Lô (50)": last token -> dept
        self.code_before: dict[tuple[int, int], str] = {}   # "50000 Saint-Lô": first token -> dept
        self.pending: list[tuple[Entry, float]] = []        # "Somme" opening a sentence
        self.undecided: set[tuple[int, int]] = set()        # "Vienne": department or town?

    def add(self, region: str, key: str, weight: float, dept: str = "", anchor: bool = True) -> None:
        if weight > 0:
            self.clues.append(Clue(region, key, weight))
        if anchor and region != NATIONWIDE:
            self.anchors[f"region:{region}"].add(key)
            if dept:
                self.anchors[f"dept:{dept}"].add(key)

    def _anchored(self, anchor: str, own_key: str) -> bool:
        """Some clue other than `own_key` points to `anchor`."""
        keys = self.anchors.get(anchor)
        return bool(keys) and (len(keys) > 1 or own_key not in keys)

    # -- clues that need no disambiguation ------------------------------------------
    def codes(self, fno: int, field: _Field, zone: int) -> None:
        """Department numbers "(54)"; postal codes "54000 Nancy" are kept for `communes`."""
        depts = self.g.places.departements
        # `_CODE` backtracks on every word: run it only when a "(54)" is there at all.
        for m in _CODE.finditer(field.text) if _CODE_HINT.search(field.text) else ():
            code = m.group(2)
            if code not in depts:
                continue
            if not m.group(1)[0].isupper():
                continue
            self.add(depts[code].region, f"dept:{code}", CODE_WEIGHT * ZONE_FACTOR[_zone(zone, m.start())], code)
            if m.end(1) in field.token_end:
                self.code_after[(fno, field.token_end[m.end(1)])] = code
        for m in _POSTCODE.finditer(field.text) if _POSTCODE_HINT.search(field.text) else ():
            dept = _postcode_department(m.group(1))
            if dept in depts and m.end() in field.token_at:
                self.code_before[(fno, field.token_at[m.end()])] = dept

    def named(self, fno: int, field: _Field) -> None:
        """Regions, former regions, departments, demonyms and nationwide cues."""
        for match in field.matches:
            kinds = {e.kind for e in match.entries}
            if BLOCKER in kinds:
                continue
            head = field.tokens[match.first]
            zone = ZONE_FACTOR[head.zone]
            cue = next((e for e in match.entries if e.kind == CUE), None) if CUE in kinds else None
            if cue:
                self.add(NATIONWIDE, f"cue:{cue.name}", cue.weight * zone)
                continue
            if GROUP in kinds:
                for e in match.entries:
                    self.add(e.region, f"group:{e.name}", GROUP_WEIGHT * zone)
                continue
            entry = self._area_entry(match, field.tokens)
            if entry is _UNDECIDED:
                self.undecided.add((fno, match.first))
            elif entry is not None:
                self._add_area(entry, field.tokens, match)

    def _add_area(self, entry: Entry, tokens: list[Token], match: Match) -> None:
        head = tokens[match.first]
        weight = KIND_WEIGHT[entry.kind] * ZONE_FACTOR[head.zone]
        if context.institution_before(tokens, match.first):
            weight *= INSTITUTION_FACTOR
        name_start = next((t for t in tokens[match.first: match.last] if t.norm not in names.LINK_WORDS), head)
        if entry.common_word and name_start.initial:
            self.pending.append((entry, weight))  # "Somme toute, ..." or the department?
            return
        self.add(entry.region, _area_key(entry), weight, entry.dept, anchor=entry.kind != DEMONYM)

    def confirm_pending(self) -> None:
        """Common-word area names opening a sentence count when other clues point there."""
        for entry, weight in self.pending:
            if self.anchors.get(f"region:{entry.region}"):
                self.add(entry.region, _area_key(entry), weight, entry.dept)

    def _area_entry(self, match: Match, tokens: list[Token], final: bool = False) -> Entry | None:
        """The region/department reading of a match, or None when it reads as a commune.

        A name shared by a department and a commune ("Vienne") is read from its article:
        departments take one ("la Vienne", "en Vienne"), towns do not ("à Vienne", "CH de
        Vienne"). Without either, the commune wins if other clues point to its department,
        which is only known once all clues are in (`final`)."""
        areas = [e for e in match.entries if e.kind in KIND_WEIGHT]
        if not areas:
            return None
        area = areas[0]
        if area.kind == DEPT and context.compass_in_name(tokens, match.first, match.last):
            return None  # "GHT Yvelines Nord": a name, not the department
        communes = [e for e in match.entries
                    if e.kind == COMMUNE and e.population >= MIN_POPULATION_ALONE]
        if area.kind != DEPT or not communes:
            return area  # region names win over the hamlets that share them
        if area.dept == CAPITAL_DEPT:
            return None  # Paris is a city first
        before = tokens[match.first - 1].norm if match.first else ""
        if before in _DEPT_ARTICLES:
            return area
        if before in _TOWN_PREPOSITIONS:
            return None
        if not final:
            return _UNDECIDED
        town = any(self._support(c, None) >= 3 for c in communes)
        return None if town else area

    # -- communes -------------------------------------------------------------------
    def communes(self, fno: int, field: _Field, solid_only: bool) -> None:
        """Commune clues; with `solid_only`, just the unambiguous ones, which become anchors."""
        tokens = field.tokens
        for match, candidates in field.commune_matches:
            i, head = match.first, tokens[match.first]
            area = self._area_entry(match, tokens, final=not solid_only)
            if area is not None:
                if not solid_only and (fno, i) in self.undecided:
                    self._add_area(area, tokens, match)  # a shared name read as the department
                continue
            if context.street_before(tokens, i):
                continue
            code = self.code_after.get((fno, match.last - 1)) or self.code_before.get((fno, i))
            support, best = self._best_reading(candidates, code)
            key = f"commune:{best.dept}:{best.name}"
            weak = (best.population < MIN_POPULATION_ALONE or best.form == "short"
                    or context.inside_name(tokens, i)
                    or (best.common_word and (head.initial or best.population < MIN_COMMON_WORD_POPULATION)))
            rivals = sum(c.population for c in candidates if c.region != best.region)
            if solid_only:
                if not weak and not rivals:
                    self.add(best.region, key, 0.0, best.dept)
                continue
            if weak and not support:
                continue
            weight = _population_weight(best.population) * ZONE_FACTOR[head.zone]
            if not support and rivals:
                weight *= best.population / (best.population + rivals)
            if code and code == best.dept:
                weight = max(weight, CODE_WEIGHT * ZONE_FACTOR[head.zone])
            if context.institution_before(tokens, i):
                weight *= INSTITUTION_FACTOR
            if best.dept == CAPITAL_DEPT:
                weight *= CAPITAL_FACTOR
            if context.example_around(tokens, i, match.last):
                weight *= EXAMPLE_FACTOR
                key = "example:" + key
            self.add(best.region, key, weight, best.dept)

    def _best_reading(self, candidates: list[Entry], code: str | None) -> tuple[int, Entry]:
        """The best-supported commune of a name, the most populous among equals, and its support."""
        if len(candidates) == 1:
            return self._support(candidates[0], code), candidates[0]
        ranked = sorted(((self._support(c, code), c.population, n) for n, c in enumerate(candidates)),
                        reverse=True)
        support, _, n = ranked[0]
        return support, candidates[n]

    def _support(self, commune: Entry, code: str | None) -> int:
        """How strongly other clues back this reading of a commune name (0: not at all)."""
        if code:
            return 4 if commune.dept == code else 0
        key = f"commune:{commune.dept}:{commune.name}"
        if self._anchored(f"dept:{commune.dept}", key):
            return 3
        if self._anchored(f"region:{commune.region}", key):
            return 2
        return 1 if commune.region == self.default else 0

    # -- url ------------------------------------------------------------------------
    def _host_town(self, labels: list[str]) -> str | None:
        """The region of a town that starts a part of a domain name ("niortagglo")."""
        for label in labels:
            for piece in label.split("-"):
                region = self.g.host_town_region(piece)
                if region:
                    return region
        return None

    def _host_postcode(self, labels: list[str]) -> str | None:
        """The region of a postal code in a domain name ("le97150" is Saint-Martin's)."""
        for label in labels:
            m = _HOST_POSTCODE.search(label)
            known = self.g.places.departements.get(_postcode_department(m.group(1))) if m else None
            if known:
                return known.region
        return None

    def url(self, url: str, source: str) -> None:
        """A region in the domain name ("normandie.ars.sante.fr"), an overseas TLD (".re"),
        or a path segment that is a place name ("/normandie/calvados/caen/...")."""
        try:
            parts = urlsplit(url) if url else None
        except ValueError:  # malformed url
            parts = None
        host = (parts.hostname if parts else None) or source.lower()
        labels = [label for label in host.split(".") if label]
        if labels and labels[-1] in _OVERSEAS_TLD:
            self.add(_OVERSEAS_TLD[labels[-1]], "host", HOST_WEIGHT)
        elif labels:
            named = labels[:-1]     # the top-level domain names no place here
            compact = "".join(named)
            compact = compact[3:] if compact.startswith("www") else compact
            region = self.g.host_region(compact) or self._host_town(named) or self._host_postcode(named)
            if region:
                self.add(region, "host", HOST_WEIGHT)
        for segment in (parts.path if parts else "").split("/"):
            region = self.g.path_region(segment)
            if region:
                self.add(region, "path", PATH_WEIGHT)


def collect(title: str, text: str, default: str | None = None, url: str = "",
            source: str = "") -> list[Clue]:
    """All clues of an article (exposed for debugging and tests)."""
    g = gazetteer()
    scorer = Scorer(g, default)
    fields = []
    for zone, raw in ((TITLE, title or ""), (LEAD, text or "")):
        tokens, norms, joined = tokenize_columns(raw, zone)
        matches = g.find(tokens, norms, joined)
        fields.append((zone, _Field(raw, tokens, matches, _commune_matches(matches))))
    for fno, (zone, field) in enumerate(fields):
        scorer.codes(fno, field, zone)
        scorer.named(fno, field)
    scorer.url(url, source)
    scorer.confirm_pending()
    for solid_only in (True, False):
        for fno, (_, field) in enumerate(fields):
            scorer.communes(fno, field, solid_only)
    return scorer.clues
