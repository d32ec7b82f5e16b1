#!/usr/bin/env python3
"""Fit the shipped triage models on every labelled article and write
triage/learned/model.json.

    .venv/bin/python scripts/train_triage.py [--eval-dir ../shared/eval]

Reads train.jsonl and dev.jsonl from the evaluation folder (never copied into the
repository); what it learns -- the weights of linear models -- is committed with this
script.  Judge a change with `bench/triage_eval.py` (cross-validation) before training
the shipped model with it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triage.learned import MODEL_PATH  # noqa: E402
from triage.learned.fit import FitOptions, fit_model  # noqa: E402
from triage.learned.corpus import EVAL, load_rows  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=EVAL)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()
    rows = load_rows(folder=args.eval_dir)
    model = fit_model(rows, FitOptions())
    model.save(args.out)
    size = args.out.stat().st_size
    print(f"{args.out}: fitted on {len(rows)} articles ({model.info['relevant']} on topic), {size / 1000:.0f} kB")


if __name__ == "__main__":
    main()
