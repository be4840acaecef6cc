from __future__ import annotations

import os
import random
import sqlite3

from studyapp.progress.store import Attempt, Store

V1_SCHEMA = """
CREATE TABLE attempts (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, item_id TEXT NOT NULL,
    item_hash TEXT NOT NULL DEFAULT '', answer_json TEXT, score REAL NOT NULL, seconds REAL, ts REAL NOT NULL,
    hint_used INTEGER NOT NULL DEFAULT 0);
CREATE INDEX attempts_item ON attempts(item_id, ts);
CREATE TABLE submissions (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, exercise_id TEXT NOT NULL,
    source TEXT NOT NULL, verdict_json TEXT, passed INTEGER NOT NULL, ts REAL NOT NULL);
CREATE TABLE drafts (exercise_id TEXT PRIMARY KEY, source TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE bookmarks (item_id TEXT PRIMARY KEY, note TEXT NOT NULL DEFAULT '', ts REAL NOT NULL);
PRAGMA user_version = 1;
"""


def test_migrates_v1_file_keeping_data(tmp_path, clock):
    path = tmp_path / "progress.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.execute("INSERT INTO attempts (uuid, item_id, item_hash, answer_json, score, seconds, ts, hint_used)"
                 " VALUES ('u1', 'rnn-1', 'h', '1', 1.0, 3.0, 1700000000, 0),"
                 "        ('u2', 'rnn-2', 'h', '\"x\"', 0.5, 9.0, 1700000100, 1)")
    conn.execute("INSERT INTO submissions (uuid, exercise_id, source, verdict_json, passed, ts)"
                 " VALUES ('s1', 'ex', 'code', '{}', 1, 1700000000)")
    conn.execute("INSERT INTO drafts VALUES ('ex', 'draft', 1700000000)")
    conn.execute("INSERT INTO bookmarks VALUES ('rnn-2', 'look again', 1700000000)")
    conn.commit()
    conn.close()

    with Store(path, clock=clock) as s:
        assert s.schema_version == 3
        atts = {a.uuid: a for a in s.attempts()}
        assert set(atts) == {"u1", "u2"}
        assert atts["u1"].correct and not atts["u2"].correct  # backfilled from score
        assert atts["u2"].answer == "x" and atts["u2"].hint_used
        assert [x.uuid for x in s.submissions()] == ["s1"]
        assert s.load_draft("ex") == "draft"
        assert s.bookmarks() == {"rnn-2": "look again"}
        s.record_attempt(Attempt(item_id="rnn-3", score=1, correct=True, section="rnn"))  # new columns work
        assert s.integrity_check() == ["ok"]
    with Store(path, clock=clock) as s:  # reopening is a no-op migration
        assert s.schema_version == 3 and s.attempt_count() == 3


def _assert_recovered(tmp_path, clock, original: bytes, at_least: int = 0):
    """The damaged file is moved aside unchanged; the readable rows (at least ``at_least`` attempts) are in the new one."""
    path = tmp_path / "progress.sqlite3"
    with Store(path, clock=clock) as s:
        assert s.recovery_message and "moved aside" in s.recovery_message
        assert s.recovered_to is not None and s.recovered_to.name.startswith("progress.sqlite3.corrupt-")
        assert s.recovered_to.read_bytes() == original  # nothing silently dropped
        kept = s.attempt_count()
        assert kept == s.salvage_report["attempts"] >= at_least and s.integrity_check() == ["ok"]
        assert f"{kept} attempts could still be read" in s.recovery_message if kept else "no rows" in s.recovery_message
        s.record_attempt(Attempt(item_id="new", score=1, correct=True))
    with Store(path, clock=clock) as s:
        assert s.recovery_message is None and s.attempt_count() == kept + 1


def test_random_bytes_file_moved_aside(tmp_path, clock):
    junk = random.Random(1).randbytes(50_000)
    (tmp_path / "progress.sqlite3").write_bytes(junk)
    (tmp_path / "progress.sqlite3-wal").write_bytes(b"junk wal")
    _assert_recovered(tmp_path, clock, junk)
    asides = sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name)
    assert len(asides) == 2 and asides[1].endswith("-wal")


def _checkpointed_database(tmp_path, clock):
    """A database of 3,000 attempts with everything checkpointed into the main file."""
    path = tmp_path / "progress.sqlite3"
    with Store(path, clock=clock) as s:
        s.record_attempts(Attempt(item_id=f"i{k}", score=1, correct=True, answer="x" * 200) for k in range(3000))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def test_truncated_file_moved_aside(tmp_path, clock):
    path = _checkpointed_database(tmp_path, clock)
    data = path.read_bytes()
    assert len(data) > 100_000
    cut = data[: len(data) // 2]
    path.write_bytes(cut)
    for side in ("-wal", "-shm"):
        p = tmp_path / ("progress.sqlite3" + side)
        if p.exists():
            os.remove(p)
    _assert_recovered(tmp_path, clock, cut)


def test_damaged_page_detected_by_quick_check(tmp_path, clock):
    path = _checkpointed_database(tmp_path, clock)
    data = bytearray(path.read_bytes())
    page = 4096
    rng = random.Random(7)
    for p in range(3, len(data) // page, 5):  # scribble over some b-tree pages, keep the header
        data[p * page: p * page + 64] = rng.randbytes(64)
    path.write_bytes(bytes(data))
    _assert_recovered(tmp_path, clock, bytes(data))


def test_locked_database_is_not_moved_aside(tmp_path, clock):
    from studyapp.progress.store import StoreError
    import pytest

    path = tmp_path / "progress.sqlite3"
    Store(path, clock=clock).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        import studyapp.progress.store as st
        orig = st.sqlite3.connect

        def quick(*a, **k):
            k["timeout"] = 0.1
            return orig(*a, **k)

        st.sqlite3.connect = quick
        try:
            with pytest.raises(StoreError):
                Store(path, clock=clock)
        finally:
            st.sqlite3.connect = orig
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not [p for p in tmp_path.iterdir() if "corrupt" in p.name]
    with Store(path, clock=clock) as s:
        assert s.recovery_message is None


def test_failed_migration_rolls_back(tmp_path, clock, monkeypatch):
    import pytest
    import studyapp.progress.store as st

    path = tmp_path / "progress.sqlite3"
    Store(path, clock=clock).close()

    def broken_v4(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(st.schema, "MIGRATIONS", st.MIGRATIONS + (broken_v4,))
    monkeypatch.setattr(st.schema, "SCHEMA_VERSION", 4)
    with pytest.raises(RuntimeError):
        Store(path, clock=clock)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").fetchall()
    conn.close()
