"""Shared output helper of the benchmark scripts: titled two-column tables."""
from __future__ import annotations


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n{title}\n{'-' * len(title)}", flush=True)
    for key, value in rows:
        print(f"  {key:<{width}}  {value}", flush=True)
