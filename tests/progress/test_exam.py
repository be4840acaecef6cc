from __future__ import annotations

from types import SimpleNamespace

import pytest
from fsrs import Scheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.progress.exam import Exam, ExamClosed, select_exam_items
from studyapp.progress.scheduling import ReviewScheduler

from .conftest import make_library


def judge_equal(item, answer):
    ok = answer == item.answer
    return SimpleNamespace(score=1.0 if ok else 0.0, correct=ok)


@pytest.fixture
def library():
    return make_library({"rnn": 30, "lstm": 20, "gru": 10, "attention": 2})


def test_selection_proportional_and_seeded(library):
    items = select_exam_items(library, count=40, seed=5)
    assert len(items) == 40 and len({i.id for i in items}) == 40
    per = {s: sum(i.section == s for i in items) for s in ("rnn", "lstm", "gru", "attention")}
    assert per == {"rnn": 19, "lstm": 13, "gru": 7, "attention": 1}  # quotas 19.4, 12.9, 6.5, 1.3
    assert sum(per.values()) == 40 and all(v >= 1 for v in per.values())
    assert [i.id for i in items] == [i.id for i in select_exam_items(library, count=40, seed=5)]
    assert [i.id for i in items] != [i.id for i in select_exam_items(library, count=40, seed=6)]
    only = select_exam_items(library, count=5, sections=["gru", "attention"], seed=1)
    assert {i.section for i in only} == {"gru", "attention"} and len(only) == 5
    assert len(select_exam_items(library, count=1000, seed=1)) == 62


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 30), min_size=1, max_size=6), count=st.integers(0, 80), seed=st.integers(0, 99))
def test_selection_invariants(sizes, count, seed):
    lib = make_library({f"s{k}": n for k, n in enumerate(sizes)})
    items = select_exam_items(lib, count=count, seed=seed)
    total = sum(sizes)
    assert len(items) == min(count, total) and len({i.id for i in items}) == len(items)
    if min(count, total) >= len(sizes):
        assert {i.section for i in items} == {f"s{k}" for k in range(len(sizes))}


def test_exam_no_feedback_change_answers_and_report(library, store, clock):
    rec = ReviewScheduler(store, clock=clock, scheduler=Scheduler(enable_fuzzing=False))
    items = select_exam_items(library, count=10, seed=2)
    exam = Exam(items, duration_s=600, clock=clock, judge=judge_equal, recorder=rec, seed=2)
    assert exam.remaining_s() == 600
    exam.set_answer(0, 1)       # wrong ...
    exam.set_answer(0, 0)       # ... changed to right
    exam.set_answer(1, 0)
    exam.set_answer(2, 0)
    exam.set_answer(2, None)    # cleared
    clock.advance(seconds=120)
    assert exam.remaining_s() == 480 and exam.tick() is None and exam.report is None
    report = exam.submit()
    assert not report.timed_out and report.elapsed_s == 120
    assert report.correct == 2 and report.unanswered == 8 and report.max_score == 10
    assert report.items[0].item_id == items[0].id and report.items[0].correct
    assert sum(s.items for s in report.by_section.values()) == 10
    assert exam.submit() is report
    with pytest.raises(ExamClosed):
        exam.set_answer(3, 0)
    [hist] = store.exams()
    assert hist.uuid == report.uuid and hist.score == 2 and len(hist.items) == 10
    assert hist.report["by_section"].keys() == report.by_section.keys()
    assert {a.mode for a in store.attempts()} == {"exam"} and len(store.attempts()) == 2


def test_time_up_auto_submits(library, store, clock):
    items = select_exam_items(library, count=4, seed=1)
    exam = Exam(items, duration_s=60, clock=clock, judge=judge_equal, store=store)
    exam.set_answer(0, 0)
    clock.advance(seconds=59)
    exam.set_answer(1, 0)
    clock.advance(seconds=5)
    assert exam.remaining_s() == 0 and exam.time_up
    with pytest.raises(ExamClosed):
        exam.set_answer(2, 0)   # too late: the answer is not taken, the exam is submitted
    report = exam.report
    assert report is not None and report.timed_out and report.correct == 2
    assert report.finished == exam.deadline
    assert [e.timed_out for e in store.exams()] == [True]


def test_exam_history_accumulates(library, store, clock):
    for k in range(3):
        exam = Exam(select_exam_items(library, count=3, seed=k), duration_s=60, clock=clock,
                    judge=judge_equal, store=store)
        for pos in range(k):
            exam.set_answer(pos, 0)
        clock.advance(seconds=10)
        exam.submit()
    assert [e.score for e in store.exams()] == [0, 1, 2]
