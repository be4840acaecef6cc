"""A run the grader itself failed is stored as the grader's error: no rating, not a failed attempt."""
from __future__ import annotations

from types import SimpleNamespace

from studyapp.grading.verdict import GradeError, Verdict
from studyapp.progress.scheduling import ReviewScheduler

EXERCISE = SimpleNamespace(id="ex", content_hash="h")


def test_internal_grader_error_is_not_a_failed_attempt(store) -> None:
    recorder = ReviewScheduler(store)
    died = Verdict("ex", "error", error=GradeError("internal", "the grading helper process died"))
    assert died.grader_fault
    recorder.record_submission(EXERCISE, source="code", verdict=died.to_dict(), passed=False, schedule=not died.grader_fault)
    assert store.submission_counts("ex") == (0, 0) and store.card("exercise:ex") is None
    assert len(store.submissions("ex")) == 1  # kept, with the grader's error in its verdict
    failed = Verdict("ex", "failed")
    assert not failed.grader_fault
    recorder.record_submission(EXERCISE, source="code", verdict=failed.to_dict(), passed=False)
    assert store.submission_counts("ex") == (0, 1) and store.card("exercise:ex").reps == 1
    recorder.record_submission(EXERCISE, source="code", verdict=Verdict("ex", "passed").to_dict(), passed=True)
    assert store.submission_counts("ex") == (1, 1)


def test_reveal_counts_do_not_load_the_submissions(store, monkeypatch) -> None:
    recorder = ReviewScheduler(store)
    for _ in range(3):
        recorder.record_submission(EXERCISE, source="x" * 10_000, verdict={"status": "failed"}, passed=False)
    monkeypatch.setattr(store, "submissions", lambda *a, **k: (_ for _ in ()).throw(AssertionError("history reloaded")))
    assert store.submission_counts("ex") == (0, 3)
