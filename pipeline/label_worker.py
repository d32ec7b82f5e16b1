"""A labelling worker process for `pipeline.label_pool`: `python -m pipeline.label_worker`.

It loads the vocabulary and models, says ("ready", None), then reads requests from stdin
and writes answers to stdout, one at a time, in the frames of `scrapers.parse_worker`.
A request is (rows, today); an answer is ("ok", [ArticleLabels, ...]) or ("error",
message). It exits when stdin closes, at once.

It runs at a lower scheduling priority (`NICENESS`): labels can wait a little, while the
fetch process's downloads, and the sites answering them on the same machine in tests and
benchmarks, should not wait behind them for a core.
"""
from __future__ import annotations

import os
import sys

from scrapers.parse_worker import answer_requests, encode, exit_now


NICENESS = 5


def lower_priority() -> None:
    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):   # no nice() here, or not allowed: run as is
        pass


def serve(stdin=None, stdout=None) -> None:
    from pipeline.label_pool import READY, label_rows, warm_up
    stdout = stdout or sys.stdout.buffer
    warm_up()
    stdout.write(encode((READY, None)))
    stdout.flush()

    def label(request) -> tuple[str, object]:
        rows, today = request
        try:
            return "ok", label_rows(rows, today)
        except Exception as exc:  # a bug: the parent labels this batch itself and says why
            return "error", f"{type(exc).__name__}: {exc}"

    answer_requests(label, stdin, stdout)


if __name__ == "__main__":
    lower_priority()
    serve()
    exit_now()
