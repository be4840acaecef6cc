"""Damaged databases: the readable rows are salvaged, and no screen crashes afterwards."""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from studyapp.content.loader import load_library
from studyapp.progress import stats as stats_mod
from studyapp.progress.scheduling import ReviewScheduler
from studyapp.progress.store import Attempt, Store, Submission

from .conftest import make_item

STARTER = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "starter.yaml"
ATTEMPTS = 4000
PAGE = 4096


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> bytes:
    """A checkpointed database with attempts, cards, submissions and a draft, as bytes."""
    path = tmp_path_factory.mktemp("healthy") / "progress.sqlite3"
    library = load_library([STARTER])
    with Store(path) as store:
        store.record_attempts(Attempt(item_id=f"i{k}", score=k % 2, correct=bool(k % 2), answer="x" * 150,
                                      section="s", tags=("t",)) for k in range(ATTEMPTS))
        recorder = ReviewScheduler(store)
        for item in library.items():
            recorder.record_answer(item, score=0.0)
        store.record_submission(Submission("ex", "code", {"ok": True}, passed=True))
        store.save_draft("ex", "draft")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


def _readable_attempts(path: Path) -> int:
    """How many attempts SQLite itself can still read from a damaged file, probing every rowid on its own."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0
    found = 0
    for rowid in range(1, ATTEMPTS + 50):
        try:
            found += len(conn.execute("SELECT uuid FROM attempts WHERE rowid = ?", (rowid,)).fetchall())
        except sqlite3.Error:
            pass
    conn.close()
    return found


def _every_reader_works(store: Store) -> None:
    """What the screens read: statistics, review due, mistakes, history, cards, exams, drafts, Check database."""
    stats_mod.format_text(stats_mod.compute(store))
    recorder = ReviewScheduler(store)
    recorder.due_now()
    recorder.mistakes()
    recorder.weakest_topics()
    recorder.weakest_topics(by="tag")
    store.attempts(limit=50)
    store.cards()
    store.exams()
    store.load_draft("ex")
    store.bookmarks()
    store.passed_exercise_ids()
    assert store.check_database()
    recorder.record_answer(make_item("after"), score=1.0)


def _damaged(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(data)
    return path


def _open_and_check(path: Path) -> tuple[int, Store]:
    readable = _readable_attempts(path)
    store = Store(path)
    kept = store.attempt_count()
    assert kept >= 0.9 * readable, (kept, readable)
    return readable, store


def test_truncated_file_keeps_what_can_be_read(tmp_path, healthy) -> None:
    path = _damaged(tmp_path, healthy[: int(len(healthy) * 0.7) // PAGE * PAGE])
    readable, store = _open_and_check(path)
    with store:
        assert store.recovered_to is not None and store.salvage_report["attempts"] == store.attempt_count()
        _every_reader_works(store)


def test_damaged_middle_page_keeps_nearly_every_attempt(tmp_path, healthy) -> None:
    data = bytearray(healthy)
    middle = len(data) // PAGE // 2
    data[middle * PAGE:(middle + 1) * PAGE] = bytes(PAGE)
    path = _damaged(tmp_path, bytes(data))
    readable, store = _open_and_check(path)
    with store:
        assert store.attempt_count() >= 0.9 * ATTEMPTS, store.attempt_count()
        assert store.load_draft("ex") == "draft" and store.passed_exercise_ids() == {"ex"}
        _every_reader_works(store)


@pytest.mark.parametrize("cli", [True, False], ids=["with-sqlite3-tool", "without"])
def test_zeroed_header_is_recovered(tmp_path, healthy, cli, monkeypatch) -> None:
    import shutil

    if not cli:
        monkeypatch.setattr("studyapp.progress.store.salvage.shutil.which", lambda name: None)
    elif shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 command-line tool is not installed")
    path = _damaged(tmp_path, bytes(100) + healthy[100:])
    with Store(path) as store:
        assert store.recovered_to is not None
        assert store.attempt_count() >= 0.9 * ATTEMPTS, store.recovery_message
        _every_reader_works(store)


@pytest.mark.parametrize("seed", range(8))
def test_random_byte_flips_never_crash_a_reader(tmp_path, healthy, seed) -> None:
    rng = random.Random(seed)
    data = bytearray(healthy)
    for _ in range(20):
        position = rng.randrange(100, len(data))
        data[position] ^= 1 << rng.randrange(8)
    path = _damaged(tmp_path, bytes(data))
    readable, store = _open_and_check(path)
    with store:
        _every_reader_works(store)


def test_screens_after_damage(tmp_path, healthy, qtbot) -> None:
    from tests.progress.test_hostile_import import _screens_work

    data = bytearray(healthy)
    middle = len(data) // PAGE // 2
    data[middle * PAGE + 200:middle * PAGE + 400] = random.Random(3).randbytes(200)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "progress.sqlite3").write_bytes(bytes(data))
    _screens_work(qtbot, data_dir)
