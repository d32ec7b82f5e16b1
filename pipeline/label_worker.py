"""A labelling worker process for `pipeline.label_pool`: `python -m pipeline.label_worker`.

It loads the vocabulary and models, says ("ready", None), then reads requests from stdin
and writes answers to stdout, one at a time, in the frames of `scrapers.parse_worker`.
A request is (rows, today); an answer is ("ok", [ArticleLabels, ...]) or ("error",
message). It exits when stdin closes, at once.
"""
from __future__ import annotations

import os
import pickle
import sys

from scrapers.parse_worker import HEADER, encode


def serve(stdin=None, stdout=None) -> None:
    from pipeline.label_pool import READY, label_rows, warm_up
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    warm_up()
    stdout.write(encode((READY, None)))
    stdout.flush()
    while True:
        header = stdin.read(HEADER.size)
        if len(header) < HEADER.size:
            return
        payload = stdin.read(HEADER.unpack(header)[0])
        rows, today = pickle.loads(payload)
        try:
            answer: tuple[str, object] = ("ok", label_rows(rows, today))
        except Exception as exc:  # a bug: the parent labels this batch itself and says why
            answer = ("error", f"{type(exc).__name__}: {exc}")
        stdout.write(encode(answer))
        stdout.flush()


if __name__ == "__main__":
    serve()
    # Nothing is left to save: skip the interpreter's teardown (freeing the place names and
    # models took 0.2 s, which the fetch cycle waited for at its end).
    sys.stdout.flush()
    os._exit(0)
