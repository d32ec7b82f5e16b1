"""The story index: recent articles, their stories, and a blocking index to find the few
articles worth comparing with a new one.

Each article is filed under its blocking keys: its title words, proper names, quoted
names, numbers, the rarest words of its lead, its event date, the towns of its title,
and a few min-hashes of its shingles (so that copies meet even when they share no rare
word).  A new article is compared only with the articles sharing its keys whose lists
are short (`MAX_POSTINGS`): common keys are skipped, so the cost of placing an article
depends on how many articles share its rare features, not on the size of the history.

The index keeps a time window: its clock is the latest publication date seen (event
dates when no article has a publication date), and articles whose reference date
(publication, else event date, else the clock when they were added) falls more than
`window_days` before the clock are pruned.
"""
from __future__ import annotations

import datetime as dt
import heapq
import math
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from . import scoring
from .features import Features, extract, interned, parse_date

LEAD_KEYS = 40          # rarest lead words used as blocking keys (besides title words, names...)
MIN_HASHES = 4          # smallest shingle hashes used as blocking keys
MAX_POSTINGS = 300      # keys shared by more indexed articles are too common to block on
MAX_CANDIDATES = 20     # articles fully compared with a new one, best blocking scores first (60 gave
                        # the same stories on the 405 labelled articles, three times slower)
MAX_PER_STORY = 5       # of those, members of one story: its best-keyed members speak for it (same
                        # stories on the labelled articles; a story of hundreds costs 5 comparisons, not 20)
BRIDGE_P = 0.6          # a new article joining a story merges into it any other story it joins
                        # with this probability too (learned model only; best of 0.45-0.75 by CV)
MIN_CORPUS = 50         # word rarity is judged as if among at least this many articles


@dataclass
class StoryInput:
    id: str
    title: str
    text: str                 # body or summary, plain text
    source: str               # outlet host, e.g. "actu.fr"
    url: str
    published: str | None     # ISO date or datetime, may be None
    event_date: str | None    # ISO date from triage.dates.event_date, may be None
    regions: list[str]        # from triage.places.detect_regions
    themes: list[str]
    story: str | None = None  # set for articles already stored (existing stories)


@dataclass(slots=True)
class _Doc:
    seq: int
    id: str
    story: str
    features: Features
    ref: dt.date | None
    keys: tuple[str, ...] = ()


@dataclass
class _State:
    docs: dict[int, _Doc] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)
    stories: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    traits: dict[str, scoring.StoryTraits] = field(default_factory=dict)   # story -> pooled traits (cache)
    # key -> the articles filed under it: a set while it can block (`MAX_POSTINGS` at
    # most), an array once too common to (kept only to be a set again if it shrinks).
    postings: dict[str, set[int] | array] = field(default_factory=dict)
    df: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    counted: int = 0                   # articles whose bags are in `df`
    by_ref: list[tuple[dt.date, int]] = field(default_factory=list)   # heap for pruning
    undated: list[int] = field(default_factory=list)                  # added before any date
    next_seq: int = 0


class _IdfTable(dict):
    """key -> idf, computed on first use from the document frequencies."""

    def __init__(self, df: dict[str, int], top: float):
        super().__init__()
        self.df, self.top = df, top

    def __missing__(self, key: str) -> float:
        value = self[key] = self.top - math.log(self.df.get(key, 0) + 0.5)
        return value


def _better(a: scoring.Match, b: scoring.Match) -> bool:
    return (a.score, a.best.rank()) > (b.score, b.best.rank())


def _order(item: StoryInput) -> tuple:
    """Stable processing order: publication date (undated last), then id."""
    published = parse_date(item.published)
    return (published is None, published or dt.date.min, item.id)


def _clock_dates(items: Iterable[StoryInput]) -> tuple[dt.date | None, dt.date | None]:
    published = event = None
    for item in items:
        p, e = parse_date(item.published), parse_date(item.event_date)
        if p and (published is None or p > published):
            published = p
        if e and (event is None or e > event):
            event = e
    return published, event


class StoryIndex:
    """Holds recent articles (a time window) with a blocking index; cost per new article
    depends on the number of candidates sharing rare features, not on the history size."""

    def __init__(self, window_days: int = 45, model=None):
        self.window_days = window_days
        self.model = model
        self.renamed: dict[str, str] = {}   # stories merged into another by a bridging article
        self._s = _State()
        self._published_clock: dt.date | None = None
        self._event_clock: dt.date | None = None

    # ------------------------------------------------------------------ public API

    def __len__(self) -> int:
        return len(self._s.docs)

    @property
    def clock(self) -> dt.date | None:
        """Latest publication date seen (latest event date if none has one)."""
        return self._published_clock or self._event_clock

    def story_of(self, article_id: str) -> str | None:
        seq = self._s.by_id.get(article_id)
        return self._s.docs[seq].story if seq is not None else None

    def add_existing(self, items: Iterable[StoryInput]) -> None:
        """Index articles already filed under a story (`item.story`); those older than
        the window are skipped."""
        items = sorted((i for i in items if i.id not in self._s.by_id), key=_order)
        self._advance_clock(items)
        oldest = self._oldest_kept()
        for item in items:
            if oldest and (ref := self._ref_of(item)) and ref < oldest:
                continue
            features = extract(item)
            self._count(features)
            self._insert(item.id, item.story or f"s-{item.id}", features, self._blocking_keys(features))
        self._prune_window()

    def assign(self, items: list[StoryInput], features: dict[str, Features] | None = None) -> dict[str, str]:
        """Story id of each new article; each joins the index, so later articles of the
        batch can join its story. `features` (id -> `extract(item)`, computed elsewhere,
        e.g. in a labelling worker) saves extracting them here."""
        features = features or {}
        result: dict[str, str] = {}
        fresh: list[tuple[StoryInput, Features]] = []
        for item in sorted(items, key=_order):
            if item.id in result:
                continue
            known = self.story_of(item.id)
            if known is not None:
                result[item.id] = known
                continue
            result[item.id] = ""
            given = features.get(item.id)
            fresh.append((item, interned(given) if given is not None else extract(item)))
        self._advance_clock([item for item, _ in fresh])
        for _, features in fresh:      # the batch counts in the word rarity it is judged by
            self._count(features)
        # The counts stay as they are while the batch is placed: one table of word
        # weights, and the norms of the indexed articles computed once, serve it all.
        weights = self._weights()
        norms: dict[int, tuple[float, float]] = {}
        for item, features in fresh:
            keys = self._blocking_keys(features)
            match, bridged = self._best_match(features, keys, weights, norms)
            story = match.story if match else f"s-{item.id}"
            for other in bridged:
                if other in self._s.stories:      # not merged away by an earlier bridge
                    self._merge(story, other)
            self._insert(item.id, story, features, keys)
            result[item.id] = story
        for item_id in result:
            result[item_id] = self.story_of(item_id) or result[item_id]
        self._prune_window()           # after placing: the batch's own dates move the clock
        return result

    def prune(self, before_date: dt.date | str) -> int:
        """Drop articles whose reference date is before `before_date`; returns how many."""
        if isinstance(before_date, str):
            before_date = parse_date(before_date)
        if before_date is None:
            return 0
        s, dropped = self._s, 0
        while s.by_ref and s.by_ref[0][0] < before_date:
            _, seq = heapq.heappop(s.by_ref)
            if seq in s.docs:
                self._remove(seq)
                dropped += 1
        return dropped

    def best_match(self, item: StoryInput) -> scoring.Match | None:
        """The story `item` would join, with the signals that decided it (None: a new
        story); the index is left unchanged.  For explaining decisions."""
        features = extract(item)
        self._count(features)
        try:
            return self._best_match(features, self._blocking_keys(features))[0]
        finally:
            self._uncount(features)

    def count_words(self, f: Features) -> None:
        """Count an article's words in the rarity table without indexing it (training)."""
        self._count(f)

    def word_weights(self):
        """(`idf`, `rarity`) functions under the current counts, memoised."""
        return self._weights()

    def idf(self, key: str) -> float:
        """Inverse document frequency of a bag key among the counted articles."""
        return math.log((self._corpus() + 1) / (self._s.df.get(key, 0) + 0.5))

    def rarity(self, key: str) -> float:
        """`idf` scaled to [0, 1]: 1 for a key no other counted article has."""
        return min(1.0, self.idf(key) / math.log(self._corpus() + 1))

    # ------------------------------------------------------------------ internals

    def _best_match(self, f: Features, keys: tuple[str, ...], weights=None,
                    norms: dict[int, tuple[float, float]] | None = None
                    ) -> tuple[scoring.Match | None, list[str]]:
        """The best story a new article (counted, not inserted yet) joins, if any, and the
        other stories it surely reports too (P >= BRIDGE_P, learned model only).
        `weights` (`_weights()`) and `norms` (indexed article -> norms under them) may be
        shared by placements under unchanged counts."""
        s = self._s
        idf, rarity = weights or self._weights()
        norms = {} if norms is None else norms
        probe = scoring.probe(f, idf)
        best_by_story: dict[str, tuple[scoring.Similarity, Features]] = {}
        for seq in self._candidates(keys, idf):
            doc = s.docs[seq]
            g = doc.features
            if not scoring.within_window(f, g, self.window_days):
                continue
            if self.model is None and not scoring.regions_compatible(f.regions, g.regions):
                continue
            b_norms = norms.get(seq)
            if b_norms is None:
                b_norms = norms[seq] = scoring.norms(g, idf)
            sim = scoring.similarity(probe, g, idf, rarity, b_norms)
            held = best_by_story.get(doc.story)
            if held is None or sim.rank() > held[0].rank():
                best_by_story[doc.story] = (sim, g)
        best: scoring.Match | None = None
        best_p = -1.0
        joined: list[tuple[float, str]] = []
        for story in sorted(best_by_story):
            sim, g = best_by_story[story]
            match = scoring.Match(story, sim, scoring.context(f, self._traits(story)))
            if self.model is None:
                if match.joins and (best is None or _better(match, best)):
                    best = match
                continue
            p = scoring.learned_score(self.model, sim, match.context, f, g)
            if p >= self.model.threshold:
                joined.append((p, story))
                if p > best_p:
                    best, best_p = match, p
        bridged = [story for p, story in joined if p >= BRIDGE_P and best is not None and story != best.story]
        return best, bridged

    def _weights(self):
        """`idf` and `rarity` functions memoised for one placement (the counts do not
        change while one article is compared with its candidates)."""
        idf_table = _IdfTable(self._s.df, math.log(self._corpus() + 1))
        top = idf_table.top
        return idf_table.__getitem__, lambda key: min(1.0, idf_table[key] / top)

    def _corpus(self) -> int:
        """Articles the rarity of words is judged among: a small batch is taken as part of
        a larger stream of unrelated articles, so that a word two of its articles share
        still counts as rare."""
        return max(self._s.counted, MIN_CORPUS)

    def _advance_clock(self, items: list[StoryInput]) -> None:
        published, event = _clock_dates(items)
        if published and (self._published_clock is None or published > self._published_clock):
            self._published_clock = published
        if event and (self._event_clock is None or event > self._event_clock):
            self._event_clock = event
        clock = self.clock
        if clock and self._s.undated:
            for seq in self._s.undated:
                doc = self._s.docs.get(seq)
                if doc is not None and doc.ref is None:
                    doc.ref = clock
                    heapq.heappush(self._s.by_ref, (clock, seq))
            self._s.undated.clear()

    def _oldest_kept(self) -> dt.date | None:
        clock = self.clock
        if clock is None or (clock - dt.date.min).days <= self.window_days:
            return None
        return clock - dt.timedelta(days=self.window_days)

    def _prune_window(self) -> None:
        oldest = self._oldest_kept()
        if oldest:
            self.prune(oldest)

    def _ref_of(self, item: StoryInput) -> dt.date | None:
        return parse_date(item.published) or parse_date(item.event_date)

    def _count(self, f: Features) -> None:
        df = self._s.df
        for key in f.bag:
            df[key] += 1
        self._s.counted += 1

    def _uncount(self, f: Features) -> None:
        df = self._s.df
        for key in f.bag:
            left = df[key] - 1
            if left > 0:
                df[key] = left
            else:
                del df[key]
        self._s.counted -= 1

    def _blocking_keys(self, f: Features) -> tuple[str, ...]:
        """Title words, names, quoted names, numbers, the rarest lead words, event date,
        title towns, min-hashes and the URL of an article."""
        keys = set(f.title)
        keys.update(k for k in f.bag if k[1:2] == ":" or k[0] == "#")
        plain = sorted((k for k in f.bag if k not in keys),
                       key=lambda k: (self._s.df.get(k, 0), -len(k), k))
        keys.update(plain[:LEAD_KEYS])
        if f.event_date:
            keys.add(f"d:{f.event_date.isoformat()}")
        keys.update(f"t:{t}" for t in f.towns)
        keys.update(f"h:{h}" for h in f.shingles[:MIN_HASHES])  # sorted: the smallest
        if f.url:
            keys.add(f"u:{f.url}")
        return tuple(sorted(keys))

    def _candidates(self, keys: tuple[str, ...], idf) -> list[int]:
        """Indexed articles sharing the most (and rarest) uncommon keys, best first, at most
        `MAX_PER_STORY` of one story."""
        s = self._s
        votes: dict[int, float] = defaultdict(float)
        for key in keys:
            posting = s.postings.get(key)
            if not posting or len(posting) > MAX_POSTINGS:
                continue
            weight = idf(key) if key in s.df else 1.0
            for seq in posting:
                votes[seq] += weight
        items = votes.items()
        if len(votes) > MAX_CANDIDATES:   # only those reaching the k-th best vote can be among the k best
            bar = heapq.nlargest(MAX_CANDIDATES, votes.values())[-1]
            items = [kv for kv in items if kv[1] >= bar]
        ranked = sorted(items, key=lambda kv: (-kv[1], kv[0]))
        chosen, per_story = [], Counter()
        for seq, _ in ranked[:MAX_CANDIDATES]:
            story = s.docs[seq].story
            if per_story[story] < MAX_PER_STORY:
                per_story[story] += 1
                chosen.append(seq)
        return chosen

    def _traits(self, story: str) -> scoring.StoryTraits:
        """The story's pooled traits: kept up to date as members join, recomputed after
        one left or stories merged."""
        s = self._s
        traits = s.traits.get(story)
        if traits is None:
            traits = s.traits[story] = scoring.story_traits(s.docs[m].features for m in s.stories[story])
        return traits

    def _insert(self, article_id: str, story: str, f: Features, keys: tuple[str, ...]) -> None:
        s = self._s
        held = s.traits.get(story)
        if held is not None:
            s.traits[story] = held.adding(f)
        seq = s.next_seq
        s.next_seq += 1
        ref = f.published or f.event_date or self.clock
        doc = _Doc(seq, article_id, story, f, ref, keys)
        s.docs[seq] = doc
        s.by_id[article_id] = seq
        s.stories[story].add(seq)
        postings = s.postings
        for key in doc.keys:
            posting = postings.get(key)
            if posting is None:
                postings[key] = {seq}
            elif type(posting) is set:
                posting.add(seq)
                if len(posting) > MAX_POSTINGS:
                    # Common keys hold most of the index's entries (16 of 20 MiB for 7,000
                    # articles as sets): as arrays of 8-byte numbers they take 2.
                    postings[key] = array("q", posting)
            else:
                posting.append(seq)
        if ref is None:
            s.undated.append(seq)
        else:
            heapq.heappush(s.by_ref, (ref, seq))

    def _merge(self, into: str, other: str) -> None:
        """File the articles of story `other` under `into` (a new article reports both)."""
        s = self._s
        s.traits.pop(into, None)
        s.traits.pop(other, None)
        for seq in s.stories.pop(other, set()):
            s.docs[seq].story = into
            s.stories[into].add(seq)
        self.renamed[other] = into

    def _remove(self, seq: int) -> None:
        s = self._s
        doc = s.docs.pop(seq)
        if s.by_id.get(doc.id) == seq:
            del s.by_id[doc.id]
        s.traits.pop(doc.story, None)
        members = s.stories.get(doc.story)
        if members is not None:
            members.discard(seq)
            if not members:
                del s.stories[doc.story]
        for key in doc.keys:
            posting = s.postings.get(key)
            if posting is None:
                continue
            if type(posting) is set:
                posting.discard(seq)
                if not posting:
                    del s.postings[key]
            else:
                posting.remove(seq)
                if len(posting) <= MAX_POSTINGS:    # it can block again
                    s.postings[key] = set(posting)
        self._uncount(doc.features)


def cluster(items: list[StoryInput], model=None) -> dict[str, str]:
    """Story id of each article, all placed into an empty index (`model`: the learned
    pair model of `triage.learned`, else the hand-set weights of `scoring`)."""
    return StoryIndex(model=model).assign(items)
