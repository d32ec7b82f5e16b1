#!/usr/bin/env python3
"""Honest measurement of triage: k-fold cross-validation over the labelled articles.

    .venv/bin/python bench/triage_eval.py [--folds 5] [--seed 1] [--limit N] [--rules]
                                          [--shipped] [--json] [--option NAME=VALUE ...]

The hand-labelled articles of ../shared/eval (train.jsonl + dev.jsonl, read, never
copied) are split into folds by story: articles of one story, of one series (another
year or town of the same operation) or of one cluster of near-identical negatives always
fall in the same fold, so no initiative is both learned and tested.  For each fold the
models are fitted on the other folds (`triage.learned.fit.fit_model`), the fold is
labelled with them (`triage.classify.classify`, stories clustered within the fold), and
the predictions of all folds are scored together with ../shared/eval/score.py's metrics.

--rules     score the vocabulary rules alone (no model fitted), fold by fold
--shipped   also score the shipped model (triage/learned/model.json) on dev.jsonl and on
            train.jsonl: it was fitted on them, so these figures are optimistic
--limit N   use the first N articles only (a quick run, e.g. in CI)
--option    override a FitOptions field, e.g. --option relevance_c=0.3
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triage.classify import classify  # noqa: E402
from triage.learned.corpus import load_rows, load_scorer, split_folds  # noqa: E402
from triage.learned import RULES_ONLY, load_model  # noqa: E402
from triage.learned.fit import FitOptions, fit_model  # noqa: E402

METRICS = ("relevance_p", "relevance_r", "relevance_f1", "theme_primary_acc", "theme_f1", "region_f1",
           "event_date_acc", "story_pair_p", "story_pair_r", "story_pair_f1", "story_bcubed_f1")


def score(scorer, gold_rows: list[dict], predictions: list[dict]) -> dict[str, float]:
    """score.py's metrics of `predictions` against `gold_rows`."""
    gold = {str(r["id"]): r for r in gold_rows}
    pred = {str(p["id"]): p for p in predictions}
    metrics, _ = scorer.score(gold, pred)
    return metrics


def cross_validate(rows: list[dict], k: int, seed: int, options: FitOptions | None) -> tuple[list[dict], float]:
    """Predictions for every row, each made by a model that never saw its fold."""
    folds = split_folds(rows, k, seed)
    predictions: list[dict] = []
    start = time.perf_counter()
    for n, fold in enumerate(folds):
        held = set(fold)
        train = [i for i in range(len(rows)) if i not in held]
        if options is None:
            model = RULES_ONLY
        else:
            model = fit_model([rows[i] for i in train], options)
        fold_pred = classify([rows[i] for i in fold], model=model)
        for p in fold_pred:
            p["story"] = f"f{n}-{p['story']}"   # stories never span folds
        predictions += fold_pred
    return predictions, time.perf_counter() - start


def parse_option(text: str, options: FitOptions) -> FitOptions:
    name, _, value = text.partition("=")
    kinds = {f.name: f.type for f in fields(FitOptions)}
    if name not in kinds:
        sys.exit(f"--option {name}: unknown (known: {', '.join(kinds)})")
    current = getattr(options, name)
    if isinstance(current, bool):
        parsed = value.lower() in ("1", "true", "yes", "on")
    else:
        parsed = type(current)(value)
    return replace(options, **{name: parsed})


def print_table(columns: dict[str, dict[str, float]]) -> None:
    names = list(columns)
    print(f"{'metric':22}" + "".join(f"{n:>16}" for n in names))
    for metric in METRICS:
        print(f"{metric:22}" + "".join(f"{columns[n].get(metric, float('nan')):>16.3f}" for n in names))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--rules", action="store_true", help="also cross-validate the rules alone")
    ap.add_argument("--shipped", action="store_true", help="also score the shipped model on dev and train")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--option", action="append", default=[])
    args = ap.parse_args()

    rows = load_rows()
    if args.limit:
        rows = rows[:args.limit]
    scorer = load_scorer()
    options = FitOptions()
    for text in args.option:
        options = parse_option(text, options)
    columns: dict[str, dict[str, float]] = {}
    if args.rules:
        pred, _ = cross_validate(rows, args.folds, args.seed, None)
        columns["rules (cv)"] = score(scorer, rows, pred)
    pred, elapsed = cross_validate(rows, args.folds, args.seed, options)
    columns[f"learned ({args.folds}-fold)"] = score(scorer, rows, pred)
    if args.shipped:
        model = load_model()
        for name in ("dev.jsonl", "train.jsonl"):
            part = load_rows((name,))
            columns[f"shipped {name[:-6]}"] = score(scorer, part, classify(part, model=model))
    if args.json:
        print(json.dumps(columns, indent=1))
        return
    print(f"{len(rows)} articles, {args.folds} folds split by story/series, seed {args.seed}, "
          f"{elapsed:.1f} s; options {options}")
    print_table(columns)


if __name__ == "__main__":
    main()
