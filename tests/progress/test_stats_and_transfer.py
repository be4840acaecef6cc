from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fsrs import Scheduler

from studyapp.cli import main
from studyapp.progress import stats as stats_mod
from studyapp.progress.exam import Exam
from studyapp.progress.scheduling import ReviewScheduler
from studyapp.progress.store import Attempt, Store, Submission

from .conftest import FakeClock, make_item


def _fill(store: Store, clock: FakeClock) -> ReviewScheduler:
    rec = ReviewScheduler(store, clock=clock, scheduler=Scheduler(enable_fuzzing=False))
    rec.record_answer(make_item("r1", section="rnn"), score=1.0, seconds=20, answer=[1, 2])
    rec.record_answer(make_item("r2", section="rnn"), score=0.0, seconds=20, answer="x")
    clock.advance(days=1)
    rec.record_answer(make_item("l1", section="lstm"), score=1.0, seconds=5)
    store.record_submission(Submission("ex1", "bad", {"ok": False}, passed=False))
    store.record_submission(Submission("ex1", "good", {"ok": True}, passed=True))
    store.record_submission(Submission("ex2", "bad", {"ok": False}, passed=False))
    store.save_draft("ex2", "def f(): ...")
    store.set_bookmark("r2", note="sign")
    exam = Exam([make_item("e1", section="gru")], duration_s=60, clock=clock, store=store,
                judge=lambda item, ans: 1.0)
    exam.set_answer(0, "a")
    exam.submit()
    return rec


def test_stats(store, clock):
    _fill(store, clock)
    s = stats_mod.compute(store)
    assert s.total_attempts == 3 and s.total_correct == 2
    assert [(d.day, d.section, d.attempts, d.correct) for d in s.accuracy_by_section_day] == [
        ("2026-01-05", "rnn", 2, 1), ("2026-01-06", "lstm", 1, 1)]
    assert s.attempts_per_day == [("2026-01-05", 2), ("2026-01-06", 1)]
    assert s.accuracy_by_section == {"lstm": (1, 1), "rnn": (2, 1)}
    assert len(s.due_forecast) == 30 and s.due_forecast[0][0] == "2026-01-06"
    assert sum(n for _d, n in s.due_forecast) == 3  # r1, r2 overdue today; l1 (Easy) within days
    assert s.due_forecast[0][1] >= 2
    assert (s.exercises_attempted, s.exercises_passed, s.submissions) == (2, 1, 3)
    assert s.exams == [("2026-01-06", 1.0, 1.0)]
    json.dumps(s.to_dict())
    text = stats_mod.format_text(s)
    assert "rnn" in text and "Code exercises passed: 1/2" in text


def test_due_forecast_local_offset(store, clock):
    rec = _fill(store, clock)
    s = stats_mod.compute(store, utc_offset_minutes=9 * 60, now=clock.now + timedelta(hours=16))
    assert s.due_forecast[0][0] == "2026-01-07"
    assert rec is not None


def test_export_import_round_trip_and_idempotent(tmp_path, clock):
    src = Store(tmp_path / "a" / "progress.sqlite3", clock=clock)
    _fill(src, clock)
    data = json.loads(json.dumps(src.export_data()))
    dst = Store(tmp_path / "b" / "progress.sqlite3", clock=clock)
    dst.record_attempt(Attempt(item_id="local", score=1, correct=True))
    first = dst.import_data(data)
    assert first["attempts"] == 3 and first["exams"] == 1 and first["exam_items"] == 1
    again = dst.import_data(data)
    assert all(n == 0 for n in again.values()), again
    assert dst.attempt_count() == 4
    assert {a.uuid: a for a in src.attempts()}.items() <= {a.uuid: a for a in dst.attempts()}.items()
    assert dst.submissions() == src.submissions()
    assert dst.load_draft("ex2") == "def f(): ..." and dst.bookmarks() == {"r2": "sign"}
    assert dst.cards() == src.cards()
    assert [e.uuid for e in dst.exams()] == [e.uuid for e in src.exams()]
    assert dst.exams()[0].items == src.exams()[0].items
    # merging back: only the other side's new attempt comes over
    assert src.import_data(dst.export_data())["attempts"] == 1
    src.close()
    dst.close()


def test_import_keeps_newer_draft_and_card(tmp_path, clock):
    a = Store(tmp_path / "a.sqlite3", clock=clock)
    b = Store(tmp_path / "b.sqlite3", clock=clock)
    rec_a = ReviewScheduler(a, clock=clock)
    rec_b = ReviewScheduler(b, clock=clock)
    item = make_item("x")
    a.save_draft("ex", "old")
    rec_a.record_answer(item, score=1.0)
    clock.advance(hours=1)
    b.save_draft("ex", "new")
    rec_b.record_answer(item, score=0.0)
    b.import_data(a.export_data())
    assert b.load_draft("ex") == "new" and b.card("item:x").last_review == clock.now
    a.import_data(b.export_data())
    assert a.load_draft("ex") == "new" and a.card("item:x") == b.card("item:x")
    assert a.attempt_count() == b.attempt_count() == 2


def test_import_rejects_other_files(store):
    from studyapp.progress.store import StoreError
    with pytest.raises(StoreError):
        store.import_data({"format": "something-else"})


def test_cli_export_import_stats(tmp_path, clock, capsys):
    src = Store(tmp_path / "a" / "progress.sqlite3", clock=clock)
    _fill(src, clock)
    src.close()
    out = tmp_path / "export.json"
    assert main(["progress", "export", str(out), "--data-dir", str(tmp_path / "a")]) == 0
    assert main(["progress", "import", str(out), "--data-dir", str(tmp_path / "b")]) == 0
    assert "3 attempts" in capsys.readouterr().out
    assert main(["progress", "import", str(out), "--data-dir", str(tmp_path / "b")]) == 0
    assert "0 attempts" in capsys.readouterr().out
    assert main(["stats", "--json", "--data-dir", str(tmp_path / "b")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_attempts"] == 3 and data["exercises_passed"] == 1
    assert main(["stats", "--data-dir", str(tmp_path / "b")]) == 0
    assert "Attempts: 3" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text("{}")
    assert main(["progress", "import", str(tmp_path / "bad.json"), "--data-dir", str(tmp_path / "b")]) == 1
    assert main(["progress", "import", str(tmp_path / "missing.json"), "--data-dir", str(tmp_path / "b")]) == 2
