from __future__ import annotations

import sqlite3
import threading

import pytest

from studyapp.progress.store import (SCHEMA_VERSION, Attempt, NewerSchemaError, Store, Submission)

from .conftest import make_item


def test_fresh_store_pragmas(store):
    assert store.schema_version == SCHEMA_VERSION == 3
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert store.integrity_check() == ["ok"]
    assert store.recovery_message is None


def test_open_uses_data_dir(tmp_path):
    with Store.open(tmp_path / "d") as s:
        assert s.path == tmp_path / "d" / "progress.sqlite3"
        assert s.path.exists()


def test_record_and_read_attempts(store, clock):
    item = make_item("a1", tags=("lstm", "gates"))
    rec = store.record_attempt(Attempt.for_item(item, score=1.0, answer={"choice": 2}, seconds=12.5, hint_used=True))
    assert rec.uuid and rec.at == clock.now
    [back] = store.attempts()
    assert back == rec
    assert back.answer == {"choice": 2} and back.tags == ("lstm", "gates") and back.correct


def test_batch_insert_and_duplicates_ignored(store):
    atts = [Attempt(item_id=f"i{k}", score=0.0, correct=False, uuid=f"u{k}") for k in range(10)]
    assert store.record_attempts(atts) == 10
    assert store.record_attempts(atts) == 0
    assert store.attempt_count() == 10


def test_write_is_transactional(store):
    bad = [Attempt(item_id="x", score=1.0, correct=True, uuid="ok"),
           Attempt(item_id="y", score=object(), correct=True, uuid="bad")]  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.record_attempts(bad)
    assert store.attempt_count() == 0


def test_attempt_status_current_changed_removed(store):
    store.record_attempt(Attempt.for_item(make_item("same", content_hash="h1"), score=1))
    store.record_attempt(Attempt.for_item(make_item("edited", content_hash="old"), score=1))
    store.record_attempt(Attempt.for_item(make_item("gone", content_hash="h3"), score=0))
    status = store.attempt_status({"same": "h1", "edited": "new"})
    assert sorted(status.values()) == ["changed", "current", "removed"]
    assert store.attempt_status_counts({"same": "h1", "edited": "new"}) == {"current": 1, "changed": 1, "removed": 1}
    assert store.attempt_count() == 3  # nothing dropped


def test_drafts_bookmarks_submissions(store):
    assert store.load_draft("ex1") is None
    store.save_draft("ex1", "def f(): pass")
    store.save_draft("ex1", "def f(): return 1")
    assert store.load_draft("ex1") == "def f(): return 1"
    store.delete_draft("ex1")
    assert store.load_draft("ex1") is None
    store.set_bookmark("a", note="check sign")
    store.set_bookmark("b")
    assert store.bookmarks() == {"a": "check sign", "b": ""}
    store.set_bookmark("a", False)
    assert not store.is_bookmarked("a") and store.is_bookmarked("b")
    sub = store.record_submission(Submission("ex1", "src", {"tests": [1, 2]}, passed=True))
    assert store.submissions("ex1") == [sub]
    store.record_submission(Submission("ex2", "src", {}, passed=False))
    assert store.passed_exercise_ids() == {"ex1"}


def test_draft_save_is_cheap(store):
    import time
    t = time.perf_counter()
    for k in range(200):
        store.save_draft("ex", "x" * 2000 + str(k))
    assert (time.perf_counter() - t) / 200 < 0.01


def test_threads_share_store(store):
    errors = []

    def work(n):
        try:
            for k in range(50):
                store.record_attempt(Attempt(item_id=f"t{n}", score=1, correct=True))
                store.attempts(limit=5)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and store.attempt_count() == 200


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "progress.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(NewerSchemaError):
        Store(path)
    assert path.exists()
