"""The TinyDB store: atomic writes, weekly segments, index, retention, crash safety."""
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from domain.article import Article
from scrapers.urls import article_id
from store import StorageCorrupt, open_store
from store.database import SchemaError

ROOT = Path(__file__).resolve().parent.parent


def make(n: int, when: str = "2026-11-17T10:00:00+00:00", title: str = "Titre") -> Article:
    url = f"https://example.org/{n}"
    return Article(id=article_id(url), url=url, feed="f", title=f"{title} {n}", fetched_at=when)


def test_articles_survive_reopen_and_are_utf8(tmp_path):
    with open_store(tmp_path) as store:
        with store.writing():
            assert len(store.articles.add([make(i, title="Hôpital") for i in range(10)])) == 10
    raw = (tmp_path / "articles" / "2026-11-17.json").read_bytes()
    assert "Hôpital".encode() in raw and b"\\u00f4" not in raw
    assert orjson.loads(raw)["_meta"]["1"]["schema"] == 1
    store = open_store(tmp_path)
    assert len(store.articles) == 10 and store.articles.get(make(3).id).title == "Hôpital 3"


def test_adding_known_ids_stores_nothing(tmp_path):
    store = open_store(tmp_path)
    with store.writing():
        store.articles.add([make(1), make(2)])
    with store.writing():
        new = store.articles.add([make(2), make(3), make(3)])
    assert [a.id for a in new] == [make(3).id] and len(store.articles) == 3


def test_segments_by_day_and_iteration_window(tmp_path):
    store = open_store(tmp_path)
    with store.writing():
        store.articles.add([make(1, "2026-11-02T10:00:00+00:00"), make(2, "2026-11-17T10:00:00+00:00"),
                            make(3, "2026-11-22T23:00:00+00:00")])
    assert store.articles.segments() == ["2026-11-02", "2026-11-17", "2026-11-22"]
    ids = {a.id for a in store.articles.iter(since=dt.date(2026, 11, 16), until=dt.date(2026, 11, 22))}
    assert ids == {make(2).id, make(3).id}


def test_updates_are_persisted(tmp_path):
    store = open_store(tmp_path)
    with store.writing():
        store.articles.add([make(1)])
        assert store.articles.update({make(1).id: {"themes": ["event"]}, "0000000000000000": {"x": 1}}) == 1
    assert open_store(tmp_path).articles.get(make(1).id).themes == ["event"]


def test_stale_temp_files_are_removed_on_open(tmp_path):
    open_store(tmp_path).close()
    stale = tmp_path / "articles" / ".2026-11-17.json.999.tmp"
    stale.write_text("{half")
    (tmp_path / ".feeds.json.999.tmp").write_text("{")
    open_store(tmp_path)
    assert not stale.exists() and not (tmp_path / ".feeds.json.999.tmp").exists()


def test_stale_or_broken_index_is_rebuilt(tmp_path):
    store = open_store(tmp_path)
    with store.writing():
        store.articles.add([make(i) for i in range(5)])
    (tmp_path / "articles" / ".index" / "2026-11-17.json").write_text("{not json")
    assert len(open_store(tmp_path).articles) == 5
    # a segment changed behind the index's back (another writer): picked up
    other = open_store(tmp_path)
    with other.writing():
        other.articles.add([make(99)])
    assert make(99).id in open_store(tmp_path).articles
    # a stale cache (older signature) is not trusted
    cache = tmp_path / "articles" / ".index" / "2026-11-17.json"
    cache.write_text('{"signature": [1, 2, 3], "ids": []}')
    assert len(open_store(tmp_path).articles) == 6


def test_two_store_objects_see_each_others_writes(tmp_path):
    a, b = open_store(tmp_path), open_store(tmp_path)
    with a.writing():
        a.articles.add([make(1)])
    with b.writing():
        b.articles.add([make(2)])
    with a.writing():
        a.articles.add([make(3)])
    assert len(open_store(tmp_path).articles) == 3


def test_retention_moves_old_weeks_to_archive(tmp_path):
    store = open_store(tmp_path)
    with store.writing():
        store.articles.add([make(1, "2025-01-08T10:00:00+00:00"), make(2, "2026-11-17T10:00:00+00:00")])
    removed = store.articles.apply_retention(dt.date(2026, 1, 1), archive=True)
    assert removed == ["2025-01-08"]
    assert (tmp_path / "archive" / "articles" / "2025-01-08.json").exists()
    assert make(1).id not in store.articles and len(open_store(tmp_path).articles) == 1


def test_newer_schema_is_refused(tmp_path):
    (tmp_path / "feeds.json").write_text('{"_meta": {"1": {"schema": 99, "kind": "feeds"}}}')
    with pytest.raises(SchemaError, match="newer Vigie"):
        open_store(tmp_path)


def test_corrupt_file_gives_clear_error(tmp_path):
    (tmp_path / "feeds.json").write_text('{"_meta": ')
    with pytest.raises(StorageCorrupt, match="feeds.json: not valid JSON"):
        open_store(tmp_path)


@pytest.mark.parametrize("seed", range(16))
def test_kill_9_during_writes_loses_no_committed_article(tmp_path, seed):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "store_writer.py"), str(tmp_path), str(seed)],
                            stdout=subprocess.PIPE, env=env, text=True)
    committed: list[str] = []
    deadline = time.monotonic() + 20
    kill_after = random.Random(seed).randint(2, 12)  # batches committed before the kill
    while len(committed) < kill_after and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed.append(line)
    time.sleep(random.Random(seed).random() * 0.2)  # land somewhere inside the next write
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    committed += proc.stdout.read().splitlines()  # batches printed before the kill landed
    ids = {i for line in committed for i in line.split()}
    assert ids, "the writer committed nothing"
    store = open_store(tmp_path)
    assert not list(tmp_path.rglob("*.tmp"))
    missing = [i for i in ids if i not in store.articles]
    assert not missing
    for segment in store.articles.segments():  # every file parses
        orjson.loads((tmp_path / "articles" / f"{segment}.json").read_bytes())


def test_subscribers_written_with_other_keys_are_rekeyed(tmp_path):
    (tmp_path / "subscribers.json").write_text(
        '{"_meta": {"1": {"schema": 1, "kind": "subscribers"}}, "subscribers": {"1": {"id": "tg-42", '
        '"channel": "telegram", "address": "42", "unsubscribe_token": "t"}}}')
    store = open_store(tmp_path)
    assert store.subscribers.get("tg-42").address == "42"
    from store import Subscriber
    store.subscribers.put(Subscriber(id="tg-42", channel="telegram", address="42", regions=["FR-NOR"]))
    assert [s.regions for s in store.subscribers.all()] == [["FR-NOR"]]


def test_a_delivery_is_stored_as_asdict_would_store_it(tmp_path):
    """`Delivery.as_doc` (the journal's and the ledger's form) holds every field, and a
    copy of the Telegram message ids: a record changed later leaves the written one alone."""
    import dataclasses
    from store.deliveries import Delivery
    record = Delivery(week="2026-W47", subscriber="tg-1", channel="telegram", state="sent", attempts=2,
                      last_error="flood", updated="2026-11-23T07:00:00+00:00", stories=4, message_ids=[10, 11])
    doc = record.as_doc()
    assert doc == dataclasses.asdict(record)
    record.message_ids.append(12)
    assert doc["message_ids"] == [10, 11]
    with open_store(tmp_path) as store:
        with store.writing():
            store.deliveries.put_many([record])
        assert store.deliveries.get("2026-W47", "tg-1") == record
