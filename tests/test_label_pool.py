"""Labels computed in worker processes (pipeline/label_pool.py): the same labels as in
process, no process for a small cycle and a second one only for a backlog, a dead worker
replaced by labelling here, and nothing left running once the pool is closed."""
from __future__ import annotations

import datetime as dt
import os
import threading

from pipeline.label_pool import LabelPool, label_rows

ROWS = [
    ("Un forum de l'emploi pour recruter des aides-soignants à Rennes",
     "Le centre hospitalier organise le 12 mars un job dating pour pourvoir 40 postes d'aides-soignants "
     "et d'infirmiers. L'ARS Bretagne soutient l'initiative.", "2026-03-01T08:00:00+00:00",
     "https://www.ouest-france.fr/bretagne/rennes/forum.html", "ouest-france.fr", None, "2026-03-02T09:00:00+00:00"),
    ("Le club de football recrute un entraîneur", "Le club cherche un entraîneur pour ses équipes de jeunes.",
     "2026-03-02T08:00:00+00:00", "https://www.exemple.fr/sport.html", "exemple.fr", None, "2026-03-02T09:00:00+00:00"),
    ("Ehpad : une charte pour fidéliser les soignants en Occitanie",
     "Les directeurs d'Ehpad signent une charte pour améliorer la qualité de vie au travail et fidéliser "
     "les équipes soignantes de la région Occitanie.", None, "https://www.ladepeche.fr/x.html", "ladepeche.fr",
     "FR-OCC", "2026-03-02T09:00:00+00:00"),
] * 4
TODAY = dt.date(2026, 3, 3)


def labelled(pool: LabelPool, rows, today):
    return pool.collect(pool.submit(rows, today))


def _wait_ready(pool: LabelPool, seconds: float = 60) -> None:
    for worker in pool._all:            # our own object
        assert worker.ready.wait(seconds), "the label worker never became ready"


def test_workers_label_as_this_process_does():
    expected = label_rows(ROWS, TODAY)
    assert [l.relevant for l in expected[:3]] == [True, False, True]
    assert [l.story_features is not None for l in expected[:3]] == [True, False, True]   # for their stories
    with LabelPool(2, start_rows=1, grow_rows=1) as pool:
        labelled(pool, ROWS[:1], TODAY)          # starts the first worker
        _wait_ready(pool)
        assert labelled(pool, ROWS, TODAY) == expected     # a backlog above grow_rows: the second starts
        processes = [w.process for w in pool._all]
        assert len(processes) == 2
        _wait_ready(pool)
        assert labelled(pool, ROWS, TODAY) == expected
    assert all(p.returncode is not None for p in processes)      # gone with the pool


def test_the_second_worker_starts_only_when_the_first_falls_behind():
    """A worker costs about a second of CPU to start: a small cycle is labelled by one."""
    with LabelPool(2, start_rows=1, grow_rows=50) as pool:
        pool.start()
        assert len(pool._all) == 1
        early = pool.submit(ROWS * 5, TODAY)               # waiting while the worker loads its models:
        assert len(pool._all) == 1                         # no sign of a lasting backlog
        _wait_ready(pool)
        pool.collect(early)
        labelled(pool, ROWS, TODAY)                        # one chunk waiting: 25 rows at most
        assert len(pool._all) == 1
        labelled(pool, ROWS * 5, TODAY)                    # three chunks waiting: 75 rows
        assert len(pool._all) == 2
        labelled(pool, ROWS * 20, TODAY)
        assert len(pool._all) == 2                         # never more than `workers`


def test_a_worker_that_died_early_is_replaced_by_a_backlog():
    expected = label_rows(ROWS * 5, TODAY)
    with LabelPool(2, start_rows=1, grow_rows=50) as pool:
        pool.start()
        first = pool._all[0].process
        first.kill()
        first.wait()
        assert labelled(pool, ROWS * 5, TODAY) == expected   # 75 rows waiting, none running: one more
        assert len(pool._all) == 2 and pool._all[1].process.poll() is None


def test_a_small_cycle_starts_no_process():
    with LabelPool(1, start_rows=100) as pool:
        assert labelled(pool, ROWS, TODAY) == label_rows(ROWS, TODAY)
        assert pool._all == []


def test_a_killed_worker_costs_speed_only():
    expected = label_rows(ROWS, TODAY)
    with LabelPool(1, start_rows=1) as pool:
        labelled(pool, ROWS[:1], TODAY)
        _wait_ready(pool)
        worker = pool._all[0].process
        worker.kill()
        worker.wait()
        assert labelled(pool, ROWS, TODAY) == expected     # labelled here instead
        assert labelled(pool, ROWS * 20, TODAY)[:len(ROWS)] == expected


def test_while_a_worker_is_alive_this_process_labels_nothing(monkeypatch):
    """The fetch process waits for the workers rather than label (its memory stays free
    of place names and models); with no worker left it labels itself."""
    import pipeline.label_pool as label_pool
    here = []
    real = label_pool.label_rows
    monkeypatch.setattr(label_pool, "label_rows", lambda rows, today: here.append(len(rows)) or real(rows, today))
    rows = ROWS * 5
    with LabelPool(2, start_rows=1) as pool:
        pool.start()
        assert labelled(pool, rows, TODAY) == real(rows, TODAY)
        assert here == []
        for worker in pool._all:
            worker.process.kill()
            worker.process.wait()
        assert labelled(pool, rows, TODAY) == real(rows, TODAY)
        assert sum(here) == len(rows)


def test_workers_label_what_was_submitted_while_this_process_is_busy():
    """Submitted rows are labelled by the workers meanwhile: collecting them later finds
    them done (nothing left in the queue for this process)."""
    rows = ROWS * 10
    with LabelPool(1, start_rows=1) as pool:
        pool.start()
        _wait_ready(pool)
        ticket = pool.submit(rows, TODAY)
        done = threading.Event()
        while not done.wait(0.05):
            with pool._changed:           # our own object
                if not pool._queue and len(pool._results) == len(ticket.chunks):
                    done.set()
        assert pool.collect(ticket) == label_rows(rows, TODAY)
        assert pool.collect(ticket) == label_rows(rows, TODAY)     # collecting again: the same


def test_without_workers_queued_chunks_are_labelled_here():
    """With no worker to take them (none started), collecting labels the queued chunks
    here, in whatever order tickets are collected."""
    with LabelPool(0) as pool:
        first, second = pool.submit(ROWS[:3], TODAY), pool.submit(ROWS[3:6], TODAY)
        assert pool.collect(second) == label_rows(ROWS[3:6], TODAY)
        assert pool.collect(first) == label_rows(ROWS[:3], TODAY)


def test_a_cycle_of_many_sources_starts_its_workers_at_once(tmp_path):
    from pipeline.label import CycleLabeller
    from scrapers.collect import POOL_MIN_FEEDS
    with CycleLabeller(workers=1, sources=POOL_MIN_FEEDS) as label:
        assert len(label.pool._all) == 1                       # before any article came
        process = label.pool._all[0].process
    assert process.returncode is not None
    with CycleLabeller(workers=1, sources=POOL_MIN_FEEDS - 1) as label:
        assert label.pool._all == []


def test_a_hung_worker_is_stopped_and_its_chunk_labelled_here():
    import os
    import signal
    expected = label_rows(ROWS, TODAY)
    with LabelPool(1, start_rows=1, answer_timeout=1.0) as pool:
        pool.start()
        _wait_ready(pool)
        worker = pool._all[0].process
        os.kill(worker.pid, signal.SIGSTOP)          # alive but never answers
        try:
            assert labelled(pool, ROWS, TODAY) == expected
            assert worker.wait(10) is not None      # stopped by the pool
        finally:
            if worker.returncode is None:
                worker.kill()


def test_workers_run_at_a_lower_priority_than_the_fetch():
    from pipeline.label_worker import NICENESS
    with LabelPool(1, start_rows=1) as pool:
        pool.start()
        _wait_ready(pool)
        worker = pool._all[0].process
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(19, ours + NICENESS)


def test_loading_the_models_is_not_held_to_the_answer_timeout():
    """A worker may take longer to start (models to load, on a busy host) than to answer
    for a chunk: with a short answer timeout it is still waited for, and labels."""
    with LabelPool(1, start_rows=1, answer_timeout=0.01) as pool:
        pool.start()
        _wait_ready(pool)
        assert pool._all[0].process.poll() is None


def test_a_worker_not_ready_in_time_is_stopped_and_its_rows_labelled_here():
    expected = label_rows(ROWS, TODAY)
    with LabelPool(1, start_rows=1, start_timeout=0.01) as pool:
        pool.start()
        worker = pool._all[0]
        assert labelled(pool, ROWS, TODAY) == expected
        worker.thread.join(10)
        assert not worker.ready.is_set() and worker.process.wait(10) is not None
