#!/usr/bin/env python3
"""Triage benchmark: articles per second through triage, and the cost of placing new
articles into stories against a small and a large stored history.

    .venv/bin/python bench/triage.py [--quick] [--new N] [--small N] [--large N]

1. Throughput: `label_article` (relevance, themes, regions, event date) over French
   articles: the hand-labelled dev set in ../shared/eval when present (read, not copied),
   else synthetic ones.
2. Placement: `pipeline.label.label_new_articles` for N new articles (labels + stories
   joined against the store's window) into a store of 5,000 and one of 50,000 articles,
   first seen at a steady rate over a year. Aim: the larger costs at most 3x the smaller.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import FrenchText, build_article  # noqa: E402
from domain.regions import REGION_CODES  # noqa: E402
from domain.themes import THEME_CODES  # noqa: E402
from pipeline.label import label_new_articles  # noqa: E402
from store import open_store  # noqa: E402
from triage.labeler import label_article  # noqa: E402
from triage.vocabulary import load_vocabulary  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.timezone.utc)


def throughput_corpus(count: int) -> tuple[str, list[tuple[str, str, str | None, str]]]:
    if DEV.exists():
        rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        items = [(r["title"], r["text"], r.get("published"), r.get("url", "")) for r in rows]
        label = f"dev.jsonl ({len(items)} real articles, cycled)"
    else:
        text = FrenchText(random.Random(7))
        items = [(text.title(), text.paragraph(1500), None, "") for _ in range(200)]
        label = "synthetic articles"
    return label, [items[i % len(items)] for i in range(count)]


def bench_throughput(count: int) -> None:
    vocabulary = load_vocabulary()
    label, corpus = throughput_corpus(count)
    label_article(vocabulary, *corpus[0][:2])  # load place data and regexes once
    start = time.perf_counter()
    relevant = 0
    for title, text, published, url in corpus:
        relevant += label_article(vocabulary, title, text, published, url).relevant
    elapsed = time.perf_counter() - start
    print("1. Triage throughput (label_article)")
    print(f"   corpus        {label}")
    print(f"   articles      {count:,} ({relevant:,} relevant)")
    print(f"   time          {elapsed:.2f} s  ->  {count / elapsed:,.0f} articles/s")


def labelled_history(total: int, seed: int):
    """`total` stored articles over a year, a third of them relevant with stories."""
    rng = random.Random(seed)
    text = FrenchText(rng)
    span = 365 * 86400
    for number in range(total):
        when = NOW - dt.timedelta(seconds=rng.uniform(0, span))
        article = build_article(text, number, when)
        if rng.random() < 0.33:
            article.relevant = True
            article.themes = [rng.choice(THEME_CODES)]
            article.regions = [rng.choice(REGION_CODES)]
            if rng.random() < 0.3:
                article.event_date = (when + dt.timedelta(days=rng.randint(1, 30))).date().isoformat()
        else:
            article.relevant = False
        article.story = f"s-{article.id}"
        yield article


def new_articles(count: int, seed: int):
    text = FrenchText(random.Random(seed))
    return [build_article(text, 10_000_000 + n, NOW - dt.timedelta(minutes=n), tag="new") for n in range(count)]


def place(history: int, new: int, seed: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(tmp)
        batch = []
        for article in labelled_history(history, seed):
            batch.append(article)
            if len(batch) == 5000:
                with store.writing():
                    store.articles.add(batch)
                batch = []
        with store.writing():
            store.articles.add(batch)
        store = open_store(tmp)  # reopened, as a fetch cycle finds it
        arrivals = new_articles(new, seed + 1)
        start = time.perf_counter()
        with store.writing():
            label_new_articles(arrivals, store, today=NOW.date())
            store.articles.add(arrivals)
        elapsed = time.perf_counter() - start
        stories = len({a.story for a in arrivals if a.relevant})
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
    return elapsed, size / 1e6, stories


def bench_placement(new: int, small: int, large: int, seed: int) -> None:
    print(f"\n2. Placing {new:,} new articles (labels + stories + store) into a stored history")
    results = {}
    for size in (small, large):
        elapsed, mb, stories = place(size, new, seed)
        results[size] = elapsed
        print(f"   history {size:>7,}  {elapsed:6.2f} s  ({new / elapsed:,.0f} articles/s, "
              f"{stories} stories among the relevant new ones, store {mb:,.0f} MB)")
    ratio = results[large] / results[small]
    verdict = "met" if ratio <= 3 else "ABOVE AIM"
    print(f"   {large:,} / {small:,}: {ratio:.2f}x (aim <= 3x: {verdict})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000, help="articles for the throughput run")
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--small", type=int, default=5000)
    parser.add_argument("--large", type=int, default=50000)
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.quick:
        args.articles, args.new, args.small, args.large = 300, 200, 1000, 5000
    print(f"Vigie triage benchmark — python {platform.python_version()}, {os.cpu_count()} CPUs\n")
    bench_throughput(args.articles)
    bench_placement(args.new, args.small, args.large, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
