"""Article labels computed in worker processes, beside the fetch.

What: `LabelPool(workers).labels(rows, today)` returns the triage labels of many
articles (relevance, themes, regions, event date, town), computed by `label_rows` in
`workers` child processes, or in this process with `LabelPool(0)`.

Why: labelling an article is pure Python (a few milliseconds each) and independent of
every other article, while the rest of a fetch cycle (downloads, story assignment,
writes) runs in one process. On a 2-core machine, labelling in a child process lets a
cycle of thousands of new articles use the second core instead of queueing behind its
own downloads and stories.

How: each worker is `python -m pipeline.label_worker`, a fresh interpreter (nothing of
the fetch's threads, locks, event loop or main script is inherited), spoken to over its
stdin and stdout in the frames of `scrapers.parse_worker`. Workers start with `start()`
(a cycle of many sources), or once a cycle asked for `start_rows` labels (a handful of
new articles never starts a process), and say when they have loaded the models; batches arriving meanwhile are
labelled here. A batch is cut into one share per worker and one labelled here
meanwhile. A worker that fails (killed,
out of memory, a garbled answer) costs speed only: that batch and every later one are
labelled here. Story assignment is not done here: it needs the cycle's whole story index
(pipeline/label.py).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from scrapers.parse_worker import HEADER, decode, encode

log = logging.getLogger("vigie.label")
ROOT = Path(__file__).resolve().parent.parent   # the folder holding the pipeline package
READY = "ready"

# (title, text, published, url, source, region_hint): what triage reads of an article
LabelRow = tuple


@dataclass(frozen=True, slots=True)
class ArticleLabels:
    relevant: bool
    probability: float | None
    themes: list[str]
    regions: list[str]
    event_date: str | None
    town: str | None


def label_rows(rows: list[LabelRow], today: dt.date | None) -> list[ArticleLabels]:
    """The labels of each row, in order (the same function in a worker or here)."""
    from triage.labeler import label_article
    from triage.vocabulary import load_vocabulary
    vocabulary = load_vocabulary()
    out = []
    for title, text, published, url, source, region_hint in rows:
        labels = label_article(vocabulary, title, text, published, url, source, region_hint, today=today)
        out.append(ArticleLabels(labels.relevant, labels.probability, labels.themes, labels.regions,
                                 labels.event_date, labels.town))
    return out


def warm_up() -> None:
    """Load the vocabulary, models and place names."""
    label_rows([("Forum de l'emploi", "Un forum des métiers du soin à Lyon.", None, "", "", None)], None)


class _Worker:
    def __init__(self):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-m", "pipeline.label_worker"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.ready = False

    def poll_ready(self) -> bool:
        """True once the worker said it loaded the models (never blocks)."""
        if not self.ready and select.select([self.process.stdout], [], [], 0)[0]:
            kind, _ = self.read()
            if kind != READY:
                raise OSError(f"label worker: unexpected {kind!r} instead of {READY!r}")
            self.ready = True
        return self.ready

    def send(self, rows: list[LabelRow], today: dt.date | None) -> None:
        self.process.stdin.write(encode((rows, today)))
        self.process.stdin.flush()

    def read(self) -> tuple[str, object]:
        header = self.process.stdout.read(HEADER.size)
        if len(header) < HEADER.size:
            raise EOFError("label worker exited")
        (size,) = HEADER.unpack(header)
        payload = self.process.stdout.read(size)
        if len(payload) < size:
            raise EOFError("label worker exited mid-answer")
        return decode(payload)

    def stop(self) -> None:
        try:
            self.process.stdin.close()     # EOF: the worker exits
            self.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class LabelPool:
    """`with LabelPool(1) as pool: labels = pool.labels(rows, today)`."""

    def __init__(self, workers: int, start_rows: int = 100):
        self.workers = max(0, workers)
        self.start_rows = start_rows
        self._all: list[_Worker] = []
        self._failed = False
        self._asked = 0

    def __enter__(self) -> "LabelPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._all:
            worker.stop()
        self._all = []

    def labels(self, rows: list[LabelRow], today: dt.date | None = None) -> list[ArticleLabels]:
        self._asked += len(rows)
        if not self._all and self.workers and not self._failed and self._asked >= self.start_rows:
            self._start()
        try:
            ready = [w for w in self._all if w.poll_ready()]
            if not ready or len(rows) < 2:
                return label_rows(rows, today)
            # one share per worker, the last one labelled here meanwhile
            size = -(-len(rows) // (len(ready) + 1))
            chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
            sent = list(zip(ready, chunks[:-1]))
            for worker, chunk in sent:
                worker.send(chunk, today)
            own = label_rows(chunks[-1], today) if len(chunks) > len(sent) else []
            found: list[ArticleLabels] = []
            for worker, _ in sent:
                kind, value = worker.read()
                if kind != "ok":
                    raise OSError(f"label worker: {value}")
                found.extend(value)
            found.extend(own)
            if len(found) != len(rows):
                raise OSError(f"label worker: {len(found)} answers for {len(rows)} articles")
            return found
        except (OSError, EOFError, ValueError) as exc:
            self._give_up(exc)
            return label_rows(rows, today)

    def start(self) -> None:
        """Start the workers now (they load the models while the first downloads run)."""
        if not self._all and self.workers and not self._failed:
            self._start()

    def _start(self) -> None:
        try:
            self._all = [_Worker() for _ in range(self.workers)]
        except OSError as exc:
            self._give_up(exc)

    def _give_up(self, exc: BaseException) -> None:
        log.warning("labelling in the fetch process from now on: a label worker failed (%s)", exc)
        self._failed = True
        for worker in self._all:
            worker.process.kill()
        self.close()
