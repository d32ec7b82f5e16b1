"""Learned triage models: relevance, themes, regions, event dates and story pairs, fitted on labelled articles.

What: `TriageModel` bundles the linear models triage applies on top of its rules, and
`load_model()` reads the bundle shipped in `model.json` (fitted by
`scripts/train_triage.py` from the hand-labelled corpus in `../shared/eval/`, which
is never copied into the repository).  Why: rules tuned one article at a time did not
hold on articles they had never seen; weights fitted on several hundred labelled
articles, and judged by cross-validation (`bench/triage_eval.py`), do better.  How: each
model is a plain linear scorer (`linear.py`); a missing part leaves the rule in charge.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .article_features import SCORE_PREFIXES
from .linear import Linear, LinearBank, Softmax, softmax

MODEL_PATH = Path(__file__).with_name("model.json")
FORMAT = 1


class ModelError(Exception):
    pass


@dataclass(frozen=True)
class ThemeBank:
    """The primary-theme softmax and the per-theme models, scored in one pass: they read
    the same features, so each feature an article has is looked up once for all of them."""
    classes: tuple[str, ...]          # the primary theme's classes: the bank's first scores
    themes: tuple[str, ...]           # then one logit per theme model
    thresholds: tuple[float, ...]     # each theme model's threshold
    bank: LinearBank

    @classmethod
    def of(cls, primary: Softmax, themes: dict[str, Linear]) -> "ThemeBank":
        names = tuple(themes)
        scorers = [(primary.weights[c], primary.bias.get(c, 0.0)) for c in primary.classes]
        scorers += [(themes[t].weights, themes[t].bias) for t in names]
        return cls(primary.classes, names, tuple(themes[t].threshold for t in names), LinearBank.of(scorers))

    def score(self, features: dict[str, float]) -> tuple[dict[str, float], list[float]]:
        """The primary theme's probability per class (as `Softmax.probabilities`), and
        each theme model's logit, in `themes` order."""
        scores = self.bank.scores(features)
        n = len(self.classes)
        return softmax(dict(zip(self.classes, scores[:n]))), scores[n:]


@dataclass(frozen=True)
class TriageModel:
    relevance: Linear | None = None
    primary: Softmax | None = None                         # primary theme
    themes: dict[str, Linear] = field(default_factory=dict)  # theme present at all
    story: Linear | None = None                            # two articles, one initiative
    dates: Linear | None = None                            # this stated date is the event's
    regions: Linear | None = None                          # this region (or "FR") is the article's
    info: dict = field(default_factory=dict)               # how and on what it was fitted

    @cached_property
    def theme_bank(self) -> "ThemeBank | None":
        """The primary-theme model and the theme models as one bank (None without a primary model)."""
        return ThemeBank.of(self.primary, self.themes) if self.primary else None

    @cached_property
    def relevance_reads_text(self) -> bool:
        """Whether the relevance model weighs features beyond the vocabulary's scores
        (`article_features.score_features`): as `fit` fits it, it does not."""
        return self.relevance is not None and not all(k.startswith(SCORE_PREFIXES) for k in self.relevance.weights)

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "info": self.info,
            "relevance": self.relevance.to_json() if self.relevance else None,
            "primary": self.primary.to_json() if self.primary else None,
            "themes": {t: m.to_json() for t, m in self.themes.items()},
            "story": self.story.to_json() if self.story else None,
            "dates": self.dates.to_json() if self.dates else None,
            "regions": self.regions.to_json() if self.regions else None,
        }

    @classmethod
    def from_json(cls, raw: dict) -> "TriageModel":
        if raw.get("format") != FORMAT:
            raise ModelError(f"model format {raw.get('format')!r}, expected {FORMAT}")
        return cls(
            relevance=Linear.from_json(raw["relevance"]) if raw.get("relevance") else None,
            primary=Softmax.from_json(raw["primary"]) if raw.get("primary") else None,
            themes={t: Linear.from_json(m) for t, m in (raw.get("themes") or {}).items()},
            story=Linear.from_json(raw["story"]) if raw.get("story") else None,
            dates=Linear.from_json(raw["dates"]) if raw.get("dates") else None,
            regions=Linear.from_json(raw["regions"]) if raw.get("regions") else None,
            info=raw.get("info") or {},
        )

    def save(self, path: Path = MODEL_PATH) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, indent=0) + "\n",
                       encoding="utf-8")
        tmp.replace(path)


RULES_ONLY = TriageModel()


@lru_cache(maxsize=4)
def load_model(path: str | Path = MODEL_PATH) -> TriageModel:
    """The shipped model; the rules alone when no model file is there."""
    path = Path(path)
    if not path.exists():
        return RULES_ONLY
    try:
        return TriageModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, ModelError) as exc:
        raise ModelError(f"{path}: cannot load the triage model: {exc}") from None


__all__ = ["Linear", "Softmax", "TriageModel", "RULES_ONLY", "load_model", "ModelError", "MODEL_PATH"]
