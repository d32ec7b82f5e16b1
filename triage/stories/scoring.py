"""How strongly a new article looks like one more report of a story's initiative.

`similarity()` measures what the texts of two articles share; `context()` checks a new
article against a whole story (event dates, towns of the titles, editions of all its
members).  A `Match` adds them up with the named weights below, using the story's most
similar member; the article joins the best story scoring at least `JOIN_THRESHOLD`.

Text signals (`Similarity`):
- text: cosine of the two feature bags (title + lead words, names, numbers), each key
  weighted by its inverse document frequency in the index (a word few articles use says
  more);
- title: the same on title words only;
- entity: rarity mass of the proper names, quoted names and numbers both articles give
  (people quoted, the organiser, "350 places"), region and department names left out;
- passage: share of the smaller text's 5-word shingles found in the other (a shared
  quotation or press-release paragraph).
Copies: the same page joins its story.  A near-identical text (syndication, mobile
page) joins whatever else is said, unless the titles name other towns or editions or the
texts write other dates for a conflicting event date: then it is a press release
template reused for the next stop of a tour or the next edition, and its similarity
counts at most `TEMPLATE_CAP`.  A partial copy (most of the text, or the same outlet's
repost under the same title) is a template as soon as the story context conflicts.

Story context (`Context`):
- event dates: the same day is a plus (only when the texts already look alike: many
  events share a day); days further apart than `CLOSE_DAYS` are a strong minus (another
  edition of a series, another stop of a tour);
- towns named in the titles, none in common: a minus (another town, another hospital);
- edition numbers or years in the titles, none in common: a minus (another edition);
- no theme in common: a small minus (another kind of initiative by the same organiser).
Regions must overlap (or one side be nationwide or unknown) and the articles' dates
must lie within the index window, else the pair is not compared at all.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Callable, Iterable

from triage.text import stem

from .features import Features

# Weights of the text similarity.
W_TEXT = 1.0             # IDF-weighted cosine of title+lead feature bags
W_TITLE = 0.35           # IDF-weighted cosine of title words
W_ENTITY = 0.3           # shared rare names, proper words, quoted names and numbers
ENTITY_CAP = 2.0         # rarity mass of shared entities that counts in full
W_PASSAGE = 0.4          # shared passages (shingle containment, capped at PASSAGE_CAP)
PASSAGE_CAP = 0.5

# Story context.
DATE_SAME = 0.25         # the article's event date is one of the story's...
DATE_SUPPORT = 0.15      # ...counted only when the texts already look alike this much
DATE_DIFF = -0.8         # event dates further apart than CLOSE_DAYS: another edition or stop
CLOSE_DAYS = 2           # closer dates are neutral (date reading slips, multi-day events)
TOWN_DIFF = -1.0         # both titles name towns, none in common
EDITION_DIFF = -0.6      # both name edition numbers / years in the title, none in common
THEME_DIFF = -0.15       # no theme in common: another kind of initiative (a job dating, a plan)

JOIN_THRESHOLD = 0.42    # minimal match score to join a story

# Copies.
COPY_CONTAINMENT = 0.9        # near-identical text: same story whatever the context
PARTIAL_CONTAINMENT = 0.6     # most of the text copied: same story unless the context conflicts
MIN_COPY_SHINGLES = 12        # shorter texts are too short to call copies
SAME_TITLE_MIN_WORDS = 5      # same outlet, same long title: an updated repost
TEMPLATE_CAP = 0.6            # a partial copy with a conflicting context is a reused template:
                              # its text similarity counts at most this much

NO_COPY, PARTIAL_COPY, COPY, SAME_PAGE = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Similarity:
    """What the texts of two articles share."""
    text: float
    title: float
    entity: float
    passage: float
    copy: int = NO_COPY
    other_dates: bool = False   # the texts write different dates ("8 avril" / "6 mai")

    @property
    def score(self) -> float:
        return (W_TEXT * self.text + W_TITLE * self.title + W_ENTITY * self.entity
                + W_PASSAGE * min(self.passage, PASSAGE_CAP))

    def rank(self) -> tuple[int, float]:
        return (self.copy, self.score)


@dataclass(frozen=True, slots=True)
class Context:
    """How a new article fits a story's event dates, title towns and editions."""
    date: float
    town: float
    edition: float
    theme: float = 0.0

    @property
    def conflict(self) -> bool:
        """Another date, town or edition (a theme mismatch alone is not a conflict)."""
        return self.date < 0 or self.town < 0 or self.edition < 0


@dataclass(frozen=True, slots=True)
class Match:
    """A new article against one story: its most similar member and the story context."""
    story: str
    best: Similarity
    context: Context

    @property
    def score(self) -> float:
        ctx, best, text = self.context, self.best, self.best.score
        if best.copy == SAME_PAGE:
            return math.inf
        template = series_apart(ctx) or (ctx.date < 0 and best.other_dates)
        if best.copy == COPY and not template:
            return math.inf     # a copy; a date conflict then comes from reading "mercredi"
        if best.copy == PARTIAL_COPY and not ctx.conflict:
            return math.inf
        if best.copy != NO_COPY:
            text = min(text, TEMPLATE_CAP)  # a template reused for another town or date
        date = ctx.date if ctx.date <= 0 or text >= DATE_SUPPORT else 0.0
        return text + date + ctx.town + ctx.edition + ctx.theme

    @property
    def joins(self) -> bool:
        return self.score >= JOIN_THRESHOLD

    def explain(self) -> str:
        """One line saying how the score was made, e.g. for logs."""
        b, c = self.best, self.context
        copy = ["", "partial copy, ", "copy, ", "same page, "][b.copy]
        if b.copy != NO_COPY and self.score != math.inf:
            copy = f"template (text counted up to {TEMPLATE_CAP:.2f}), "
        return (f"{self.story}: {self.score:.2f} = {copy}text {W_TEXT * b.text:.2f} "
                f"+ title {W_TITLE * b.title:.2f} + entities {W_ENTITY * b.entity:.2f} "
                f"+ passages {W_PASSAGE * min(b.passage, PASSAGE_CAP):.2f} | date {c.date:+.2f} "
                f"town {c.town:+.2f} edition {c.edition:+.2f} theme {c.theme:+.2f}"
                f"{'' if self.joins else ' (below ' + format(JOIN_THRESHOLD, '.2f') + ')'}")


# --------------------------------------------------------------------------- text signals

@dataclass(frozen=True, slots=True)
class Probe:
    """A new article ready to be compared with many: its keys as sets, and its norms
    under the word weights of the placement."""
    features: Features
    bag: frozenset[str]
    title: frozenset[str]
    entities: frozenset[str]
    shingles: frozenset[int]
    bag_norm: float
    title_norm: float


def probe(f: Features, idf: Callable[[str], float]) -> Probe:
    return Probe(f, frozenset(f.bag), frozenset(f.title), frozenset(f.entities),
                 frozenset(f.shingles), _norm(f.bag, idf), _norm(f.title, idf))


def _norm(keys, idf: Callable[[str], float]) -> float:
    # math.fsum is exact: sums do not depend on the order keys come in.
    return math.fsum([idf(k) ** 2 for k in keys])


def weighted_cosine(a: frozenset[str], a_norm: float, b: tuple[str, ...],
                    idf: Callable[[str], float], b_norm: float | None = None) -> float:
    """Cosine of two key sets, each key weighted by its idf (`a_norm`, `b_norm`: their
    squared norms; b's computed when not given)."""
    if not a_norm or not b:
        return 0.0
    shared = math.fsum([idf(k) ** 2 for k in a.intersection(b)])   # b's keys are distinct
    if not shared:
        return 0.0
    return shared / math.sqrt(a_norm * (_norm(b, idf) if b_norm is None else b_norm))


def norms(f: Features, idf: Callable[[str], float]) -> tuple[float, float]:
    """Squared norms of an article's bag and title under `idf` (for `similarity`)."""
    return _norm(f.bag, idf), _norm(f.title, idf)


def shared_entities(a: frozenset[str], b: tuple[str, ...], rarity: Callable[[str], float]) -> float:
    """Rarity mass of the entities both articles name, in [0, 1].  A name counts once:
    its words, and shorter names inside it ("n:marie dupont" in "n:dr marie dupont"),
    do not count again."""
    shared = a.intersection(b)      # fsum below: the order keys come in does not matter
    if not shared:
        return 0.0
    names: list[str] = []
    for key in sorted((k for k in shared if k.startswith("n:")), key=lambda k: (-len(k), k)):
        if not any(f" {key[2:]} " in f" {longer[2:]} " for longer in names):
            names.append(key)
    in_names = {stem(w) for k in names for w in k[2:].split()}
    kept = [k for k in shared if not k.startswith("n:") and k not in in_names] + names
    return min(1.0, math.fsum([rarity(k) ** 2 for k in kept]) / ENTITY_CAP)


def containment(a: frozenset[int], b) -> float:
    """Share of the smaller shingle set found in the other."""
    smaller = min(len(a), len(b))
    if not smaller:
        return 0.0
    return len(a.intersection(b)) / smaller      # b's hashes are distinct


def copy_level(a: Features, b: Features, passage: float) -> int:
    """SAME_PAGE for the same URL, COPY for a near-identical text, PARTIAL_COPY for most
    of the text or the same outlet's repost under the same title, else NO_COPY."""
    if a.url and a.url == b.url:
        return SAME_PAGE
    if min(len(a.shingles), len(b.shingles)) >= MIN_COPY_SHINGLES:
        if passage >= COPY_CONTAINMENT:
            return COPY
        if passage >= PARTIAL_CONTAINMENT:
            return PARTIAL_COPY
    if a.source == b.source and a.title_key == b.title_key \
            and len(a.title_key.split()) >= SAME_TITLE_MIN_WORDS:
        return PARTIAL_COPY
    return NO_COPY


def similarity(a: Probe | Features, b: Features, idf: Callable[[str], float],
               rarity: Callable[[str], float], b_norms: tuple[float, float] | None = None) -> Similarity:
    """What a new article (`a`, best given as a `Probe`) shares with an indexed one
    (`b_norms`: `norms(b, idf)`, when known)."""
    p = a if isinstance(a, Probe) else probe(a, idf)
    f = p.features
    passage = containment(p.shingles, b.shingles)
    bag_norm, title_norm = b_norms if b_norms is not None else (None, None)
    return Similarity(
        text=weighted_cosine(p.bag, p.bag_norm, b.bag, idf, bag_norm),
        title=weighted_cosine(p.title, p.title_norm, b.title, idf, title_norm),
        entity=shared_entities(p.entities, b.entities, rarity),
        passage=passage,
        copy=copy_level(f, b, passage),
        other_dates=bool(f.written_dates and b.written_dates and f.written_dates != b.written_dates),
    )


# --------------------------------------------------------------------------- comparable at all

def regions_compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """Regions overlap, or one side is nationwide or unknown."""
    return not a or not b or "FR" in a or "FR" in b or bool(a & b)


def dates_of(f: Features) -> list[dt.date]:
    return [d for d in (f.published, f.event_date) if d]


def within_window(a: Features, b: Features, window_days: int) -> bool:
    """Some date of one article lies within the window of some date of the other;
    an article without any date is never excluded."""
    da, db = dates_of(a), dates_of(b)
    if not da or not db:
        return True
    return min(abs((x - y).days) for x in da for y in db) <= window_days


# --------------------------------------------------------------------------- story context

def date_signal(a: dt.date | None, dates: set[dt.date]) -> float:
    """Event date of the new article against the event dates of a story."""
    if a is None or not dates:
        return 0.0
    gap = min(abs((a - d).days) for d in dates)
    if gap == 0:
        return DATE_SAME
    return 0.0 if gap <= CLOSE_DAYS else DATE_DIFF


def town_signal(a: frozenset[str], towns: frozenset[str]) -> float:
    return TOWN_DIFF if a and towns and not a & towns else 0.0


def edition_signal(a: frozenset[str], b: frozenset[str]) -> float:
    for kind in ("e:", "y:"):
        xa = {x for x in a if x.startswith(kind)}
        xb = {x for x in b if x.startswith(kind)}
        if xa and xb and not xa & xb:
            return EDITION_DIFF
    return 0.0


def theme_signal(a: frozenset[str], themes: frozenset[str]) -> float:
    return THEME_DIFF if a and themes and not a & themes else 0.0


@dataclass(frozen=True, slots=True)
class StoryTraits:
    """What `context` reads of a whole story: its members' event dates, title towns,
    editions and themes, pooled (kept per story by the index, updated as members join)."""
    dates: frozenset = frozenset()
    towns: frozenset[str] = frozenset()
    editions: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()

    def adding(self, m: Features) -> "StoryTraits":
        """These traits with one more member's."""
        return StoryTraits(self.dates | {m.event_date} if m.event_date and m.event_date not in self.dates
                           else self.dates,
                           self.towns | m.towns if not m.towns <= self.towns else self.towns,
                           self.editions | m.editions if not m.editions <= self.editions else self.editions,
                           self.themes | m.themes if not m.themes <= self.themes else self.themes)


def story_traits(members: Iterable[Features]) -> StoryTraits:
    traits = StoryTraits()
    for m in members:
        traits = traits.adding(m)
    return traits


def context(a: Features, t: StoryTraits) -> Context:
    """Event dates, title towns, editions and themes of a new article against a whole
    story's (`story_traits` of its members: an undated member may be the most similar
    while its story is dated)."""
    return Context(date_signal(a.event_date, t.dates), town_signal(a.towns, t.towns),
                   edition_signal(a.editions, t.editions), theme_signal(a.themes, t.themes))


# --------------------------------------------------------------------------- learned decision

def pair_features(sim: Similarity, ctx: Context, a: Features, b: Features) -> dict[str, float]:
    """The signals above as features of the learned pair model (`triage.learned`):
    a new article `a` against a story whose most similar member is `b`."""
    gap = None
    if a.published and b.published:
        gap = abs((a.published - b.published).days)
    f = {
        "text": sim.text, "title": sim.title, "entity": sim.entity,
        "passage": min(sim.passage, 1.0),
        "text_x_title": sim.text * sim.title,
        "text_sqrt": math.sqrt(sim.text),
        "copy": 1.0 if sim.copy == COPY else 0.0,
        "partial_copy": 1.0 if sim.copy == PARTIAL_COPY else 0.0,
        "other_dates": 1.0 if sim.other_dates else 0.0,
        "date_same": 1.0 if ctx.date > 0 else 0.0,
        "date_far": 1.0 if ctx.date < 0 else 0.0,
        "town_diff": 1.0 if ctx.town < 0 else 0.0,
        "edition_diff": 1.0 if ctx.edition < 0 else 0.0,
        "theme_diff": 1.0 if ctx.theme < 0 else 0.0,
        "region_diff": 0.0 if regions_compatible(a.regions, b.regions) else 1.0,
        "same_source": 1.0 if a.source and a.source == b.source else 0.0,
        "pub_gap": math.log1p(gap) / 3 if gap is not None else 0.0,
        "pub_unknown": 1.0 if gap is None else 0.0,
    }
    return f


def learned_score(model, sim: Similarity, ctx: Context, a: Features, b: Features) -> float:
    """P(same initiative) from the learned pair model; the same page always joins, and
    an article whose title names another town or edition (`series_apart`) never does."""
    if sim.copy == SAME_PAGE:
        return math.inf
    if series_apart(ctx):
        return 0.0
    return model.probability(pair_features(sim, ctx, a, b))


def series_apart(ctx: Context) -> bool:
    """The titles name another town or another edition than the story's: another stop of
    a tour or another edition of a series, which the labelling guide keeps apart however
    alike the texts (a near-identical copy is then a template, as in `Match.score`).
    Why a rule: no labelled pair of one story has such a conflict, but the labelled
    series also differ in wording, so the pair model never saw alike texts with one and
    weighs it too little to part them.  A date conflict alone is left to the model: event
    dates are misread now and then, and vetoing on them lost labelled pairs."""
    return ctx.town < 0 or ctx.edition < 0
