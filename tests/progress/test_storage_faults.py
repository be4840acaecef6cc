"""Storage faults lose nothing: failed writes stay pending (in memory and in a journal) and are flushed later."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from studyapp.progress import stats as stats_mod
from studyapp.progress.scheduling import ReviewScheduler
from studyapp.progress.store import Attempt, Store
from studyapp.progress.store.pending import journal_path
from studyapp.progress.store.recovery import is_damage, is_locked
from studyapp.progress.store.transfer import write_export

from studyapp.ui import UI_BUSY_TIMEOUT_S

from .conftest import make_item
from .faults import fill, read_only, small_disk, timed, write_lock_held


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path / "cache"))


def _seeded(data: Path) -> Path:
    with Store.open(data) as store:
        ReviewScheduler(store).record_answer(make_item("seed"), score=1.0)
        store.save_draft("ex", "old draft")
    return data / "progress.sqlite3"


def _answer_and_draft(store: Store) -> None:
    ReviewScheduler(store).record_answer(make_item("kept"), score=0.0, answer="my answer")
    store.save_draft("ex", "new draft")


def _assert_flushed(data: Path) -> None:
    with Store.open(data) as store:
        assert "kept" in {a.item_id for a in store.attempts()}
        assert store.card("item:kept") is not None
        assert store.load_draft("ex") == "new draft"
        assert store.pending_count() == 0 and store.write_problem is None
    assert not journal_path(data / "progress.sqlite3").exists()


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_data_opens_read_only_and_keeps_writes_for_later(tmp_path, what) -> None:
    data = tmp_path / "data"
    db = _seeded(data)
    with Store.open(data) as store:
        store.close()  # checkpoint: the -wal is folded into the file, so the read-only file is complete
    target = db if what == "file" else data
    with read_only(target):
        store = Store.open(data)
        assert store.read_only and store.write_problem == "read_only"
        assert [a.item_id for a in store.attempts()] == ["seed"]  # reading works
        stats = stats_mod.compute(store)
        assert stats.total_attempts == 1
        write_export(store, tmp_path / "export.json")  # export works (it writes elsewhere)
        assert json.loads((tmp_path / "export.json").read_text())["tables"]["attempts"]["rows"]
        _answer_and_draft(store)  # does not raise
        assert store.pending_count() == 2
        assert store.load_draft("ex") == "new draft"  # the draft survives in memory
        assert journal_path(db).exists()  # and in the journal in the cache dir
        store.close()
    _assert_flushed(data)


def test_full_disk_keeps_writes_in_the_journal_and_flushes_when_space_returns(tmp_path) -> None:
    with small_disk(tmp_path / "disk", "1m") as disk:
        data = disk / "data"
        _seeded(data)
        store = Store.open(data)
        recorder = ReviewScheduler(store)
        filler = fill(disk)
        big = "x" * 200_000  # needs new pages: cannot fit
        recorder.record_answer(make_item("kept"), score=0.0, answer=big)
        store.save_draft("ex", "new draft")
        assert store.write_problem == "disk_full", store.write_problem_detail
        assert store.pending_count() == 2 and journal_path(data / "progress.sqlite3").exists()
        filler.unlink()
        assert store.flush_pending()
        assert store.write_problem is None
        store.close()
        _assert_flushed(data)


def test_journal_survives_a_restart(tmp_path) -> None:
    data = tmp_path / "data"
    db = _seeded(data)
    with write_lock_held(db, 3.0):
        store = Store.open(data, busy_timeout=0.05)
        _answer_and_draft(store)
        assert store.pending_count() == 2
        store._conn.close()  # the app dies: nothing flushed
    assert journal_path(db).exists()
    with Store.open(data) as store:  # the next start writes what was pending
        assert store.load_draft("ex") == "new draft"
        assert store.pending_count() == 0
    _assert_flushed(data)


def test_write_lock_held_by_another_process_never_blocks_and_loses_nothing(tmp_path) -> None:
    data = tmp_path / "data"
    db = _seeded(data)
    with write_lock_held(db, 4.0) as holder:
        store = Store.open(data, busy_timeout=UI_BUSY_TIMEOUT_S)
        recorder = ReviewScheduler(store)
        _, seconds = timed(recorder.record_answer, make_item("kept"), score=0.0)
        assert seconds < 0.1
        _, seconds = timed(store.save_draft, "ex", "new draft")
        assert seconds < 0.1
        assert store.write_problem == "locked" and store.pending_count() == 2
        assert not store.flush_pending()  # still locked
    assert holder.returncode == 0
    assert store.flush_pending() and store.write_problem is None
    store.close()
    _assert_flushed(data)


def test_errors_of_the_data_are_not_kept_pending(store, clock) -> None:
    from studyapp.progress.store import ExamRecord

    bad = ExamRecord(clock.now, clock.now, 1.0, 1.0, 1.0, items=(("i", "s", None, "not a score", True),))
    with pytest.raises(ValueError):
        store.record_exam(bad)
    assert store.pending_count() == 0 and store.exams() == []


class _Error3_10(sqlite3.OperationalError):
    """What Python 3.10 raises: no sqlite_errorcode attribute."""

    def __getattribute__(self, name: str):  # type: ignore[no-untyped-def]
        if name == "sqlite_errorcode":
            raise AttributeError(name)
        return super().__getattribute__(name)


def test_damage_and_lock_told_apart_without_sqlite_errorcode() -> None:
    locked = _Error3_10("database is locked")
    assert not hasattr(locked, "sqlite_errorcode")
    assert is_locked(locked) and not is_damage(locked)
    assert not is_damage(_Error3_10("unable to open database file"))
    assert is_damage(sqlite3.DatabaseError("file is not a database")) or hasattr(sqlite3.DatabaseError(), "sqlite_errorcode")
    damaged = type("Old", (sqlite3.DatabaseError,), {"__getattribute__": _Error3_10.__getattribute__})
    assert is_damage(damaged("database disk image is malformed"))
    assert is_damage(damaged("file is not a database"))
    real = sqlite3.connect(":memory:")
    try:
        real.execute("SELECT * FROM nowhere")
    except sqlite3.OperationalError as exc:
        assert not is_damage(exc) and not is_locked(exc)


def test_export_on_a_full_disk_keeps_the_old_backup_and_leaves_no_temp_file(tmp_path, capsys) -> None:
    from studyapp.cli import main

    data = tmp_path / "data"
    with Store.open(data) as store:
        store.record_attempts(Attempt(item_id=f"i{k}", score=1, correct=True, answer="y" * 500) for k in range(3000))
    with small_disk(tmp_path / "disk", "1m") as disk:
        backup = disk / "backup.json"
        backup.write_text('{"old": true}', encoding="utf-8")
        with Store.open(data) as store:
            with pytest.raises(OSError):
                write_export(store, backup)
        assert main(["progress", "export", str(backup), "--data-dir", str(data)]) == 1
        assert "cannot write" in capsys.readouterr().err
        assert backup.read_text(encoding="utf-8") == '{"old": true}'
        assert sorted(p.name for p in disk.iterdir()) == ["backup.json"]
