"""Linear models read from JSON: a binary scorer and a multi-class softmax.

Why: the triage models are fitted offline with scikit-learn (`triage.learned.fit`), but
labelling must not depend on scikit-learn's pickles or pay for numpy per article.  A
linear model is a dict of weights; scoring a sparse feature dict is a few lookups.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

Features = dict[str, float]


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Linear:
    """P(yes) = sigmoid(bias + sum(weight[f] * value)); `threshold` decides yes."""
    weights: dict[str, float]
    bias: float = 0.0
    threshold: float = 0.5

    def logit(self, features: Features) -> float:
        # fsum: exact, so the same in every process whatever the order of the sets
        w = self.weights
        return self.bias + math.fsum([w[k] * features[k] for k in features.keys() & w.keys()])

    def probability(self, features: Features) -> float:
        return sigmoid(self.logit(features))

    def decide(self, features: Features) -> bool:
        return self.probability(features) >= self.threshold

    def to_json(self) -> dict:
        return {"bias": self.bias, "threshold": self.threshold, "weights": _rounded(self.weights)}

    @classmethod
    def from_json(cls, raw: dict) -> "Linear":
        return cls(dict(raw["weights"]), float(raw["bias"]), float(raw.get("threshold", 0.5)))


@dataclass(frozen=True)
class Softmax:
    """One linear scorer per class; the class with the highest score wins."""
    classes: tuple[str, ...]
    weights: dict[str, dict[str, float]]     # class -> feature -> weight
    bias: dict[str, float] = field(default_factory=dict)

    def scores(self, features: Features) -> dict[str, float]:
        return dict(zip(self.classes, self._bank.scores(features)))

    @cached_property
    def _bank(self) -> "LinearBank":
        return LinearBank.of([(self.weights[c], self.bias.get(c, 0.0)) for c in self.classes])

    def probabilities(self, features: Features) -> dict[str, float]:
        return softmax(self.scores(features))

    def to_json(self) -> dict:
        return {"classes": list(self.classes), "bias": self.bias,
                "weights": {c: _rounded(w) for c, w in self.weights.items()}}

    @classmethod
    def from_json(cls, raw: dict) -> "Softmax":
        return cls(tuple(raw["classes"]), {c: dict(w) for c, w in raw["weights"].items()},
                   {c: float(b) for c, b in raw["bias"].items()})


def softmax(scores: dict[str, float]) -> dict[str, float]:
    """Each class's probability from the classes' scores."""
    top = max(scores.values())
    exp = {c: math.exp(s - top) for c, s in scores.items()}
    total = sum(exp.values())
    return {c: e / total for c, e in exp.items()}


def _rounded(weights: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 5) for k, v in sorted(weights.items()) if abs(v) >= 1e-5}


@dataclass(frozen=True)
class LinearBank:
    """Several linear scorers over the same features, scored in one pass: each feature
    the article has is looked up once and adds its value times a row of weights (one per
    scorer).

    Features of equal value (an article's words all weigh the same) have their rows
    summed column by column first, exactly (as `math.fsum` would), then multiplied once;
    the groups are then added in the order of their first feature, sorted, so that a
    score is the same in every process whatever the order of the sets it came from.

    The exact column sums are integer sums: every weight is a whole multiple of
    1/`scale` (floats are binary fractions), and a row's weights times `scale`, shifted
    up by `offset` to be positive, are packed side by side, `width` bits each, in one
    integer (`packed`).  One addition of Python integers then sums all the columns of two
    rows at once, exactly; a field is wide enough for the sum of every row.  Rows are
    packed when first summed: a label worker starts at every fetch cycle, and packing
    the whole model up front cost it more (75 ms) than a small cycle's articles gain."""
    rows: dict[str, tuple[float, ...]]     # feature -> its weight in each scorer (0.0: none)
    biases: tuple[float, ...]
    scale: int
    offset: int
    width: int
    packed: dict[str, int] = field(init=False, repr=False, compare=False)   # feature -> its row, packed

    @classmethod
    def of(cls, scorers: list[tuple[dict[str, float], float]]) -> "LinearBank":
        """From (weights, bias) pairs, in the order scores are wanted."""
        rows: dict[str, list[float]] = {}
        for i, (weights, _) in enumerate(scorers):
            for k, w in weights.items():
                rows.setdefault(k, [0.0] * len(scorers))[i] = w
        weights = [w for row in rows.values() for w in row if w]
        # A float is a 53-bit whole number times 2 ** (its exponent - 53): times
        # 2 ** `bits`, every weight is a whole number.
        bits = max((_MANTISSA_BITS - math.frexp(w)[1] for w in weights), default=0)
        offset = math.ceil(math.ldexp(max(map(abs, weights), default=0.0), bits))
        width = (2 * offset * max(len(rows), 1)).bit_length() + 1
        return cls({k: tuple(v) for k, v in rows.items()}, tuple(b for _, b in scorers), 2 ** bits, offset, width)

    def __post_init__(self):
        object.__setattr__(self, "packed", _PackedRows(self))

    def scores(self, features: Features) -> list[float]:
        rows = self.rows
        by_value: dict[float, list[str]] = {}
        for k in features.keys() & rows.keys():
            value = features[k]
            if value:
                by_value.setdefault(value, []).append(k)
        total = list(self.biases)
        # each group in the order of its least feature (its first, were the features sorted)
        for value, group in sorted(by_value.items(), key=lambda vg: min(vg[1])):
            sums = rows[group[0]] if len(group) == 1 else self.column_sums(group)
            total = [t + s * value for t, s in zip(total, sums)]
        return total

    def column_sums(self, keys: list[str]) -> list[float]:
        """The rows of `keys` summed column by column, each sum correctly rounded (the
        same float as `math.fsum` of the column)."""
        packed = sum(map(self.packed.__getitem__, keys))
        mask = (1 << self.width) - 1
        shift = len(keys) * self.offset
        # int / int is correctly rounded in Python
        return [(((packed >> (i * self.width)) & mask) - shift) / self.scale for i in range(len(self.biases))]


_MANTISSA_BITS = 53


class _PackedRows(dict):
    """A `LinearBank`'s rows packed as `LinearBank` says, each on first use."""

    def __init__(self, bank: LinearBank):
        super().__init__()
        self.bank = bank

    def __missing__(self, key: str) -> int:
        bank = self.bank
        bits = bank.scale.bit_length() - 1
        packed = 0
        for i, w in enumerate(bank.rows[key]):
            # w * 2 ** bits is a whole number, exactly computed in floating point
            packed |= (int(math.ldexp(w, bits)) + bank.offset) << (i * bank.width)
        self[key] = packed
        return packed
