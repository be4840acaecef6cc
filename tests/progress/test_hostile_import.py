"""Hostile progress files: each is refused with a message or imported with a report, and nothing bad is stored.

Afterwards ``studyapp stats`` and the screens that read progress (statistics,
review due, mistakes, a section) still work; rows that are already stored out
of range are skipped by every reader, never a crash.
"""
from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any, Callable

import pytest

from studyapp.cli import main
from studyapp.content.loader import load_library
from studyapp.progress.scheduling import ReviewScheduler
from studyapp.progress.store import Store, StoreError, read_export

STARTER = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "starter.yaml"
ITEM = "starter-lstm-forget"
EXERCISE = "starter_gru_cell_forward"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def base_export(tmp_path_factory) -> dict[str, Any]:
    """A real export of a store that answered, submitted, bookmarked and scheduled starter content."""
    from studyapp.progress.store import Submission

    library = load_library([STARTER])
    with Store(tmp_path_factory.mktemp("src") / "progress.sqlite3") as store:
        recorder = ReviewScheduler(store)
        recorder.record_answer(library.item(ITEM), score=1.0, answer=1)
        recorder.record_answer(library.item("starter-gru-gate-count"), score=0.0, answer=0)
        store.record_submission(Submission(EXERCISE, "def f(): pass", {"ok": False}, passed=False))
        store.save_draft(EXERCISE, "def f(): return 1")
        store.set_bookmark(ITEM, note="o'clock")
        return store.export_data()


def _set(table: str, column: str, value: Any, row: int = 0) -> Callable[[dict], dict]:
    def change(data: dict) -> dict:
        block = data["tables"][table]
        block["rows"][row][block["columns"].index(column)] = value
        return data
    return change


def _whole(value: Any) -> Callable[[dict], Any]:
    return lambda _data: value


def _drop_column(table: str, column: str) -> Callable[[dict], dict]:
    def change(data: dict) -> dict:
        block = data["tables"][table]
        i = block["columns"].index(column)
        block["columns"].pop(i)
        for r in block["rows"]:
            r.pop(i)
        return data
    return change


def _rows(table: str, rows: list) -> Callable[[dict], dict]:
    def change(data: dict) -> dict:
        data["tables"][table]["rows"] = rows
        return data
    return change


def _also(table: str, column: str, value: Any) -> Callable[[dict], dict]:
    """Append a copy of the first row with one value changed (the rest of the file stays valid)."""
    def change(data: dict) -> dict:
        block = data["tables"][table]
        extra = list(block["rows"][0])
        extra[block["columns"].index(column)] = value
        if "uuid" in block["columns"]:
            extra[block["columns"].index("uuid")] = "hostile-" + str(abs(hash(repr(value))))
        block["rows"].append(extra)
        return data
    return change


# (name, change to a valid export (or raw text), expected: "refused" or "rejected" (imported, some rows rejected))
HOSTILE: list[tuple[str, Any, str]] = [
    ("truncated json", "truncate", "refused"),
    ("not json at all", b"\x89PNG\r\n\x1a\n\x00\x00", "refused"),
    ("deeply nested json", "[" * 200_000 + "]" * 200_000, "refused"),
    ("top-level list", _whole([1, 2, 3]), "refused"),
    ("wrong format", _whole({"format": "anki", "tables": {}}), "refused"),
    ("version as text", lambda d: {**d, "version": "1"}, "refused"),
    ("newer version", lambda d: {**d, "version": 99}, "refused"),
    ("tables as list", lambda d: {**d, "tables": []}, "refused"),
    ("unknown table", lambda d: {**d, "tables": {**d["tables"], "users": {"columns": [], "rows": []}}}, "refused"),
    ("a million entries", _rows("attempts", [[]] * 1_000_000), "refused"),
    ("score as text", _also("attempts", "score", "high"), "rejected"),
    ("huge score", _also("attempts", "score", 1e308), "rejected"),
    ("negative score", _also("attempts", "score", -5), "rejected"),
    ("nan score", _also("attempts", "score", float("nan")), "rejected"),
    ("timestamp 1e20", _also("attempts", "ts", 1e20), "rejected"),
    ("negative timestamp", _also("attempts", "ts", -1.0), "rejected"),
    ("infinite timestamp", _also("submissions", "ts", float("inf")), "rejected"),
    ("card state 99", _set("cards", "state", 99), "rejected"),
    ("card state as text", _set("cards", "state", "review"), "rejected"),
    ("card due 1e20", _set("cards", "due", 1e20), "rejected"),
    ("card negative difficulty", _set("cards", "difficulty", -3.0), "rejected"),
    ("card huge id", _set("cards", "card_id", 1e30), "rejected"),
    ("card negative reps", _set("cards", "reps", -7), "rejected"),
    ("card key mismatch", _set("cards", "card_key", "item:someone-else"), "rejected"),
    ("unknown card target", _set("cards", "target_id", "no-such-item", row=0), "rejected"),
    ("unknown bookmark", _set("bookmarks", "item_id", "no-such-item"), "rejected"),
    ("sql quotes in ids", _also("attempts", "item_id", "x'); DROP TABLE attempts; --"), "imported"),
    ("sql quotes in uuid", _set("attempts", "uuid", "a' OR '1'='1"), "imported"),
    ("correct as yes", _also("attempts", "correct", "yes"), "rejected"),
    ("answer not json", _also("attempts", "answer_json", "{not json"), "rejected"),
    ("huge answer", _also("attempts", "answer_json", json.dumps("x" * 300_000)), "rejected"),
    ("row too short", _rows("attempts", [[1, 2]]), "rejected"),
    ("row as mapping", _rows("submissions", [{"uuid": "u"}]), "rejected"),
    ("unknown column", lambda d: (d["tables"]["drafts"]["columns"].append("evil"), [r.append(1) for r in d["tables"]["drafts"]["rows"]], d)[-1], "rejected"),
    ("missing required column", _drop_column("attempts", "score"), "rejected"),
    ("exam item without exam", _rows("exam_items", [["nope", 0, ITEM, "", None, 1.0, 1]]), "rejected"),
    ("exam score above max", _rows("exams", [["ex-u", 1.77e9, 1.77e9 + 60, 60.0, 5.0, 1.0, 0, None, "{}"]]), "rejected"),
]


def _write(tmp_path: Path, name: str, change: Any, base: dict) -> Path:
    path = tmp_path / (name.replace(" ", "_") + ".json")
    if isinstance(change, bytes):
        path.write_bytes(change)
    elif isinstance(change, str) and change == "truncate":
        text = json.dumps(base)
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif isinstance(change, str):
        path.write_text(change, encoding="utf-8")
    else:
        path.write_text(json.dumps(change(copy.deepcopy(base))), encoding="utf-8")
    return path


def test_at_least_25_hostile_files() -> None:
    assert len(HOSTILE) >= 25
    assert len({name for name, _c, _e in HOSTILE}) == len(HOSTILE)


def test_every_hostile_file_is_refused_or_reported_and_the_app_still_works(tmp_path, base_export, capsys, qtbot) -> None:
    data_dir = tmp_path / "data"
    common = ["--data-dir", str(data_dir), "--content", str(STARTER)]
    for name, change, expected in HOSTILE:
        path = _write(tmp_path, name, change, base_export)
        code = main(["progress", "import", str(path), *common])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err, name
        if expected == "refused":
            assert code != 0 and "cannot import" in err, (name, code, out, err)
        else:
            assert code == 0, (name, out, err)
            assert out.startswith("imported "), (name, out)
            if expected == "rejected":
                assert "rejected " in out, (name, out)
        with Store.open(data_dir) as store:
            assert store.invalid_rows() == {}, name  # nothing out of range reached the database
    with Store.open(data_dir) as store:
        assert store.attempt_count() >= 2  # the valid parts came in; the quotes were data, not SQL
        assert "x'); DROP TABLE attempts; --" in {a.item_id for a in store.attempts()}
    assert main(["stats", *common]) == 0
    assert "Attempts:" in capsys.readouterr().out
    _screens_work(qtbot, data_dir)


def _screens_work(qtbot, data_dir: Path) -> None:
    """Build the main window over ``data_dir`` and open every screen that reads progress."""
    from studyapp.ui import create_main_window

    window = create_main_window(str(data_dir), [str(STARTER)], language="ja")
    qtbot.addWidget(window)
    window.show()
    window.show_stats()
    window.show_review()
    window.start_review_due()
    window.start_review_mistakes() if hasattr(window, "start_review_mistakes") else None
    window.start_section("starter", "starter-lstm")
    window.show_exam()
    window.show_home()
    window.close()


def _poke(data_dir: Path, sql: str, params: tuple = ()) -> None:
    conn = sqlite3.connect(data_dir / "progress.sqlite3", isolation_level=None)
    conn.execute(sql, params)
    conn.close()


def test_rows_already_stored_out_of_range_are_skipped_and_reported(tmp_path, base_export, capsys, qtbot) -> None:
    data_dir = tmp_path / "data"
    with Store.open(data_dir) as store:
        store.import_data(base_export)
    _poke(data_dir, "UPDATE attempts SET ts = 1e20 WHERE rowid = 1")
    _poke(data_dir, "UPDATE cards SET state = 99")
    _poke(data_dir, "UPDATE submissions SET ts = 'soon', verdict_json = '{broken'")
    _poke(data_dir, "UPDATE drafts SET updated = -1")
    _poke(data_dir, "UPDATE bookmarks SET ts = 1e300")
    _poke(data_dir, "INSERT INTO exams VALUES ('x', 1e20, 1e20, 1, 1, 1, 0, NULL, '{')")
    with Store.open(data_dir) as store:
        assert store.invalid_rows() == {"attempts": 1, "submissions": 1, "drafts": 1, "bookmarks": 1, "cards": 2, "exams": 1}
        assert len(store.attempts()) == 1 and store.cards() == [] and store.submissions() == []
        assert store.exams() == [] and store.bookmarks() == {} and store.load_draft(EXERCISE) is None
        ReviewScheduler(store).record_answer(load_library([STARTER]).item(ITEM), score=1.0)  # still answerable
    common = ["--data-dir", str(data_dir), "--content", str(STARTER)]
    assert main(["stats", *common]) == 0
    out = capsys.readouterr().out
    assert "Left out (stored values out of range" in out and "1 cards" in out  # answering replaced the other card
    assert main(["stats", "--json", *common]) == 0
    assert json.loads(capsys.readouterr().out)["skipped_rows"]["attempts"] == 1
    _screens_work(qtbot, data_dir)


def test_read_export_refuses_a_file_larger_than_the_limit(tmp_path, monkeypatch) -> None:
    from studyapp.progress.store import transfer

    path = tmp_path / "big.json"
    path.write_text(json.dumps({"format": "studyapp-progress", "pad": "x" * 5000}), encoding="utf-8")
    monkeypatch.setattr(transfer, "MAX_IMPORT_BYTES", 1000)
    with pytest.raises(StoreError, match="imports are limited to"):
        read_export(path)


def test_import_is_one_transaction(tmp_path, base_export, monkeypatch) -> None:
    """A failure while merging (here: in the last table) leaves nothing of the file behind."""
    from studyapp.progress.store import transfer

    real = transfer._merge

    def failing(conn, name, cols, rows):  # type: ignore[no-untyped-def]
        if name == "exam_items":
            raise sqlite3.OperationalError("disk I/O error")
        return real(conn, name, cols, rows)

    monkeypatch.setattr(transfer, "_merge", failing)
    with Store(tmp_path / "p.sqlite3") as store:
        with pytest.raises(sqlite3.OperationalError):
            store.import_data(base_export)
        assert store.attempt_count() == 0 and store.cards() == []
