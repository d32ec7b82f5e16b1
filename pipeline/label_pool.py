"""Article labels computed in worker processes, beside the fetch.

What: `LabelPool(workers)` computes the triage labels of articles (relevance, themes,
regions, event date, town, and the story features of the relevant ones) with
`label_rows`, in `workers` child processes and in this process; `LabelPool(0)` labels
here only.

Why: labelling an article is pure Python (a millisecond or more each) and independent
of every other article, while the rest of a fetch cycle (downloads, story assignment,
writes) runs in one process. On a 2-core machine, labelling in a child process lets a
cycle of thousands of new articles use the second core instead of queueing behind its
own downloads and stories.

How: `submit(rows)` queues the rows in chunks of `CHUNK_ROWS` and returns at once (the
fetch submits a source's articles as soon as it is downloaded); `collect(ticket)` returns
their labels, labelling here the chunks no worker has taken yet and waiting for the
others. Each worker is `python -m pipeline.label_worker`, a fresh interpreter (nothing
of the fetch's threads, locks, event loop or main script is inherited), spoken to over
its stdin and stdout in the frames of `scrapers.parse_worker` by a thread of this
process that takes the queued chunks one at a time (pipes release the interpreter lock).
So the workers label the next sources while this process assigns stories and writes;
this process labels only when no worker is alive (it does not load the labelling models
for nothing). The first worker starts with
`start()` (a cycle of many sources) or once `start_rows` rows were submitted (a handful
of new articles never starts a process); one more starts, `workers` at most in all,
whenever the rows waiting for a worker pass `GROW_ROWS` per running worker once these
have loaded the models (rows that came during a load are no sign of a lasting backlog; a
worker costs about a second of CPU to start: a cycle of a thousand articles is labelled
by one, ten thousand by two; a worker that died early is replaced this way). Workers take chunks once they have loaded the models. A worker that fails (killed, out of memory, a garbled answer, not ready within
`START_TIMEOUT` or silent for `ANSWER_TIMEOUT` over a chunk) costs speed only:
its chunk is given back and labelled here, and the chunks no worker takes are labelled
here too. Story assignment is not done here: it needs the cycle's whole story index
(pipeline/label.py).
"""
from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import select
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from scrapers.parse_worker import HEADER, decode, encode

log = logging.getLogger("vigie.label")
ROOT = Path(__file__).resolve().parent.parent   # the folder holding the pipeline package
READY = "ready"
START_TIMEOUT = 120.0      # seconds a worker may take to load the models (longer on a busy host) ...
ANSWER_TIMEOUT = 120.0     # ... and to label one chunk, before it is stopped
GROW_ROWS = 1000           # rows waiting per running worker before one more starts: a worker
                           # costs about a second of CPU to start (interpreter, models), as
                           # much as labelling some 1,500 articles

# (title, text, published, url, source, region_hint, fetched_at): what triage reads of an
# article (pipeline.label.label_row)
LabelRow = tuple


@dataclass(frozen=True, slots=True)
class ArticleLabels:
    relevant: bool
    probability: float | None
    themes: list[str]
    regions: list[str]
    event_date: str | None
    town: str | None
    story_features: object = None   # a relevant article's `triage.stories.Features`, for its story


def label_rows(rows: list[LabelRow], today: dt.date | None) -> list[ArticleLabels]:
    """The labels of each row, in order, with the story features of the relevant ones
    (the same function in a worker or here)."""
    from triage.labeler import label_article
    from triage.stories import StoryInput
    from triage.stories.features import extract
    from triage.vocabulary import load_vocabulary
    vocabulary = load_vocabulary()
    out = []
    for title, text, published, url, source, region_hint, fetched_at in rows:
        labels = label_article(vocabulary, title, text, published, url, source, region_hint, today=today)
        features = None
        if labels.relevant:
            features = extract(StoryInput(id="", title=title, text=text, source=source, url=url,
                                          published=published or fetched_at, event_date=labels.event_date,
                                          regions=list(labels.regions), themes=list(labels.themes)))
        out.append(ArticleLabels(labels.relevant, labels.probability, labels.themes, labels.regions,
                                 labels.event_date, labels.town, features))
    return out


def warm_up() -> None:
    """Load the vocabulary, models and place names."""
    label_rows([("Forum de l'emploi pour les métiers du soin", "Un forum des métiers du soin à Lyon le 3 mars "
                 "pour recruter des aides-soignants.", None, "", "", None, "")], None)


class _Worker:
    """One worker process and the thread of this process that feeds it."""

    def __init__(self, pool: "LabelPool"):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-m", "pipeline.label_worker"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(pool,), name="label-feeder", daemon=True)
        pool._worker_started()
        self.thread.start()

    def _serve(self, pool: "LabelPool") -> None:
        """Wait for the worker to be ready, then label chunks taken from the pool's queue."""
        taken = None
        try:
            kind, _ = self._read(pool.start_timeout)
            if kind != READY:
                raise OSError(f"label worker: unexpected {kind!r} instead of {READY!r}")
            self.ready.set()
            while (taken := pool._take()) is not None:
                key, (rows, today) = taken
                self.process.stdin.write(encode((rows, today)))
                self.process.stdin.flush()
                kind, value = self._read(pool.answer_timeout)
                if kind != "ok" or not isinstance(value, list) or len(value) != len(rows):
                    raise OSError(f"label worker: {value if kind != 'ok' else 'wrong number of answers'}")
                pool._done(key, value)
                taken = None
        except Exception as exc:  # noqa: BLE001 - a dead or garbled worker: its chunk is labelled here
            pool._worker_failed(self, taken, exc)
        finally:
            pool._worker_gone()

    def _read(self, timeout: float) -> tuple[str, object]:
        if not select.select([self.process.stdout], [], [], timeout)[0]:
            raise OSError(f"label worker silent for {timeout:g} s")   # hung: stopped, its chunk labelled here
        header = self.process.stdout.read(HEADER.size)
        if len(header) < HEADER.size:
            raise EOFError("label worker exited")
        (size,) = HEADER.unpack(header)
        payload = self.process.stdout.read(size)
        if len(payload) < size:
            raise EOFError("label worker exited mid-answer")
        return decode(payload)

    def hang_up(self) -> None:
        """EOF: the worker exits (`stop` waits for it)."""
        try:
            self.process.stdin.close()
        except (OSError, ValueError):
            pass

    def stop(self) -> None:
        try:
            self.hang_up()
            self.process.wait(5)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.thread.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()


@dataclass
class Ticket:
    """Rows submitted together: the keys of their chunks, in order, and their labels
    once collected."""
    chunks: list[int] = field(default_factory=list)
    labels: list[ArticleLabels] | None = None


class LabelPool:
    """`with LabelPool(1) as pool: labels = pool.collect(pool.submit(rows, today))`."""

    CHUNK_ROWS = 25

    def __init__(self, workers: int, start_rows: int = 100, answer_timeout: float = ANSWER_TIMEOUT,
                 start_timeout: float = START_TIMEOUT, grow_rows: int = GROW_ROWS):
        self.workers = max(0, workers)
        self.start_rows = start_rows
        self.grow_rows = grow_rows
        self.answer_timeout = answer_timeout
        self.start_timeout = start_timeout
        self._all: list[_Worker] = []
        self._failed = False
        self._closing = False
        self._submitted = 0
        self._keys = itertools.count()
        self._queue: OrderedDict[int, tuple[list, dt.date | None]] = OrderedDict()   # not taken yet
        self._results: dict[int, object] = {}   # key -> labels, or the chunk given back by a failed worker
        self._alive = 0                          # workers still taking chunks
        self._changed = threading.Condition()

    def __enter__(self) -> "LabelPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start the first worker now (it loads the models while the first downloads run);
        the others start as the backlog grows (`submit`)."""
        if not self._all and self.workers:
            self._start_one()

    def _start_one(self) -> None:
        if self._failed or self._closing or len(self._all) >= self.workers:
            return
        try:
            self._all.append(_Worker(self))
        except OSError as exc:
            log.warning("a label worker could not start (%s)", exc)
            self._failed = True

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        for worker in self._all:
            worker.hang_up()              # all at once: they exit side by side
        for worker in self._all:
            worker.stop()
        self._all = []

    def submit(self, rows: list[LabelRow], today: dt.date | None = None) -> Ticket:
        """Queue `rows` for labelling; never blocks."""
        ticket = Ticket()
        with self._changed:
            for i in range(0, len(rows), self.CHUNK_ROWS):
                key = next(self._keys)
                self._queue[key] = (rows[i:i + self.CHUNK_ROWS], today)
                ticket.chunks.append(key)
            self._submitted += len(rows)
            waiting = len(self._queue) * self.CHUNK_ROWS
            self._changed.notify_all()
        if not self._all and self._submitted >= self.start_rows:
            self.start()
        elif self._all:
            running = [w for w in self._all if w.process.poll() is None]
            if waiting > self.grow_rows * max(1, len(running)) and all(w.ready.is_set() for w in running):
                self._start_one()      # the running workers, models loaded, fall behind: one more
        return ticket

    def collect(self, ticket: Ticket) -> list[ArticleLabels]:
        """The labels of a ticket's rows, in order: awaited from the workers while one is
        alive, else labelled here (as are chunks a failed worker gave back). Collecting a
        ticket again returns the same labels."""
        if ticket.labels is not None:
            return ticket.labels
        found: list[ArticleLabels] = []
        for key in ticket.chunks:
            with self._changed:
                while True:
                    value = self._results.pop(key, None)
                    if value is None and not self._alive:
                        value = self._queue.pop(key, None)
                    if value is not None:
                        break
                    self._changed.wait()
            found.extend(label_rows(*value) if isinstance(value, tuple) else value)
        ticket.labels = found
        return found

    # The feeder threads' side.

    def _take(self):
        with self._changed:
            while not self._queue and not self._closing:
                self._changed.wait()
            return None if self._closing else self._queue.popitem(last=False)

    def _done(self, key: int, labels: list[ArticleLabels]) -> None:
        with self._changed:
            self._results[key] = labels
            self._changed.notify_all()

    def _worker_started(self) -> None:
        with self._changed:
            self._alive += 1

    def _worker_gone(self) -> None:
        with self._changed:
            self._alive -= 1
            self._changed.notify_all()    # with none left, collectors label the queue themselves

    def _worker_failed(self, worker: _Worker, taken, exc: BaseException) -> None:
        with self._changed:
            if taken is not None:
                key, chunk = taken
                self._results[key] = chunk          # given back: labelled by whoever collects it
            closing = self._closing
            self._changed.notify_all()
        if not closing:
            log.warning("a label worker failed (%s); its share is labelled in the fetch process", exc)
            worker.process.kill()
