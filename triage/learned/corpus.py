"""The hand-labelled articles (../shared/eval) and their split into folds by story.

What: `load_rows()` reads train.jsonl and dev.jsonl where they lie beside the project
(they are never copied into it), `split_folds()` makes cross-validation folds in which
every story, series and cluster of near-identical negatives stays whole, and
`load_scorer()` loads the corpus's own scorer.  Used by `bench/triage_eval.py` and
`scripts/train_triage.py`.
"""
from __future__ import annotations

import importlib.util
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def load_rows(names=("train.jsonl", "dev.jsonl"), folder: Path = EVAL) -> list[dict]:
    rows = []
    for name in names:
        path = folder / name
        if not path.exists():
            sys.exit(f"{path}: not found (the labelled articles live in ../shared/eval)")
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def load_scorer(folder: Path = EVAL):
    spec = importlib.util.spec_from_file_location("vigie_eval_score", folder / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def groups(rows: list[dict]) -> list[list[int]]:
    """Indices of rows that must share a fold: same story, same series, same negative
    cluster (`notes` starting with "neg-cluster SLUG")."""
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, row in enumerate(rows):
        keys = []
        if row.get("relevant") and row.get("story"):
            keys.append("story:" + row["story"])
        if row.get("series"):
            keys.append("series:" + row["series"])
        notes = (row.get("notes") or "").strip()
        if notes.startswith("neg-cluster"):
            keys.append("neg:" + (notes.split()[1] if len(notes.split()) > 1 else ""))
        for key in keys:
            if key in first:
                parent[find(i)] = find(first[key])
            else:
                first[key] = i
    out = defaultdict(list)
    for i in range(len(rows)):
        out[find(i)].append(i)
    return list(out.values())


def split_folds(rows: list[dict], k: int, seed: int) -> list[list[int]]:
    """k folds of about equal size, whole groups each, largest groups placed first."""
    gs = groups(rows)
    random.Random(seed).shuffle(gs)
    gs.sort(key=len, reverse=True)
    folds: list[list[int]] = [[] for _ in range(k)]
    for g in gs:
        min(folds, key=len).extend(g)
    return folds
