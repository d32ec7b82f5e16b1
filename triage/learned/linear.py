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
        terms: list[list[float]] = [[] for _ in self.classes]
        by_feature = self._by_feature
        for k in features.keys() & by_feature.keys():
            value = features[k]
            for i, weight in by_feature[k]:
                terms[i].append(weight * value)
        # fsum: exact, so the same in every process whatever the order of the sets
        return {c: self.bias.get(c, 0.0) + math.fsum(t) for c, t in zip(self.classes, terms)}

    @cached_property
    def _by_feature(self) -> dict[str, tuple[tuple[int, float], ...]]:
        """feature -> (class index, weight) for the classes that weigh it: one pass over
        an article's features instead of one per class."""
        found: dict[str, list[tuple[int, float]]] = {}
        for i, c in enumerate(self.classes):
            for k, w in self.weights[c].items():
                found.setdefault(k, []).append((i, w))
        return {k: tuple(v) for k, v in found.items()}

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
