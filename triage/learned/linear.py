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
        scores = self.scores(features)
        top = max(scores.values())
        exp = {c: math.exp(s - top) for c, s in scores.items()}
        total = sum(exp.values())
        return {c: e / total for c, e in exp.items()}

    def to_json(self) -> dict:
        return {"classes": list(self.classes), "bias": self.bias,
                "weights": {c: _rounded(w) for c, w in self.weights.items()}}

    @classmethod
    def from_json(cls, raw: dict) -> "Softmax":
        return cls(tuple(raw["classes"]), {c: dict(w) for c, w in raw["weights"].items()},
                   {c: float(b) for c, b in raw["bias"].items()})


def _rounded(weights: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 5) for k, v in sorted(weights.items()) if abs(v) >= 1e-5}


@dataclass(frozen=True)
class LinearBank:
    """Several linear scorers over the same features, scored in one pass: each feature
    the article has is looked up once and adds its value times a row of weights (one per
    scorer). Features are taken in sorted order, so that a score is the same in every
    process whatever the order of the sets it came from."""
    rows: dict[str, tuple[float, ...]]     # feature -> its weight in each scorer (0.0: none)
    biases: tuple[float, ...]

    @classmethod
    def of(cls, scorers: list[tuple[dict[str, float], float]]) -> "LinearBank":
        """From (weights, bias) pairs, in the order scores are wanted."""
        rows: dict[str, list[float]] = {}
        for i, (weights, _) in enumerate(scorers):
            for k, w in weights.items():
                rows.setdefault(k, [0.0] * len(scorers))[i] = w
        return cls({k: tuple(v) for k, v in rows.items()}, tuple(b for _, b in scorers))

    def scores(self, features: Features) -> list[float]:
        rows = self.rows
        # Features of equal value (an article's words all weigh the same) are summed
        # column by column first, then multiplied once.
        by_value: dict[float, list[tuple[float, ...]]] = {}
        for k in sorted(features.keys() & rows.keys()):
            value = features[k]
            if value:
                by_value.setdefault(value, []).append(rows[k])
        total = list(self.biases)
        for value, group in by_value.items():
            sums = group[0] if len(group) == 1 else [math.fsum(column) for column in zip(*group)]
            total = [t + s * value for t, s in zip(total, sums)]
        return total
