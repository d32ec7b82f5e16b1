"""Benchmarks and robustness runs of Vigie's ingestion (scripts, not tests).

    python bench/ingest.py [--quick]      ingestion rate, feedparser ratio, store cost vs history
    python bench/robustness.py            feedparser's hostile test feeds through the pipeline

This file makes `bench` a regular package so the scripts share `bench.server` and
`bench.synthetic`, whether run as files or with `python -m bench.ingest`.
"""
