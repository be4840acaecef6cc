"""Queues, the day plan, resuming, undo and "I was right" (core, no Qt)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from studyapp.content.textdiff import answer_diff, nearest_answer
from studyapp.progress.exam import Exam
from studyapp.progress.queues import (QUEUE_NAMES, UnknownQueue, interval_parts, next_interval, queue_counts,
                                      queue_item_ids, resume_index, today_plan)
from studyapp.progress.scheduling import ReviewScheduler
from studyapp.progress.session import StudySession

from .conftest import make_library


@pytest.fixture
def library():
    return make_library({"rnn": 5, "lstm": 4, "gru": 3})


@pytest.fixture
def reviews(store, clock):
    return ReviewScheduler(store, clock=clock)


def _answer(reviews, library, item_id, correct, seconds=20.0):
    reviews.record_answer(library.item(item_id), score=1.0 if correct else 0.0, correct=correct, seconds=seconds)


def test_new_queue_is_every_unseen_item_in_library_order(library, reviews, store):
    everything = [i.id for i in library.items()]
    assert queue_item_ids("new", library, store) == everything
    _answer(reviews, library, "rnn-1", True)
    assert queue_item_ids("new", library, store) == [i for i in everything if i != "rnn-1"]
    assert queue_item_ids("new", library, store, limit=2) == ["rnn-0", "rnn-2"]


def test_mistakes_marked_and_due_queues(library, reviews, store, clock):
    _answer(reviews, library, "rnn-0", False)
    clock.advance(seconds=5)
    _answer(reviews, library, "lstm-2", False)
    _answer(reviews, library, "gru-1", True)
    store.set_bookmark("gru-2")
    store.set_bookmark("gone-from-library")
    assert queue_item_ids("mistakes", library, store) == ["lstm-2", "rnn-0"]
    assert queue_item_ids("marked", library, store) == ["gru-2"]
    clock.advance(days=400)
    assert set(queue_item_ids("due", library, store)) == {"rnn-0", "lstm-2", "gru-1"}
    counts = queue_counts(library, store)
    assert set(counts) == set(QUEUE_NAMES)
    assert counts["new"] == 12 - 3 and counts["marked"] == 1 and counts["mistakes"] == 2


def test_weakest_queue_puts_the_weakest_section_first_and_its_wrong_items_first(library, reviews, store):
    _answer(reviews, library, "lstm-3", False)
    _answer(reviews, library, "lstm-0", True)
    _answer(reviews, library, "rnn-0", True)
    ids = queue_item_ids("weakest", library, store)
    assert ids[:4] == ["lstm-3", "lstm-1", "lstm-2", "lstm-0"]  # wrong, unseen (file order), right
    assert "rnn-0" not in ids  # a section at 100% is not weak


def test_unknown_queue_is_a_clear_error(library, reviews, store):
    with pytest.raises(UnknownQueue, match="choose one of"):
        queue_item_ids("tomorrow", library, store)


def test_exam_answers_reach_the_mistakes_queue(library, reviews, store):
    items = [library.item(i) for i in ("rnn-0", "rnn-1", "lstm-0")]
    exam = Exam(items, recorder=reviews, judge=lambda item, answer: float(answer == "right"))
    exam.set_answer(0, "right")
    exam.set_answer(1, "wrong")
    exam.set_answer(2, "wrong")
    exam.submit()
    assert set(queue_item_ids("mistakes", library, store)) == {"rnn-1", "lstm-0"}
    assert {a.mode for a in store.attempts()} == {"exam"}


def test_exam_can_leave_the_scheduler_alone(library, reviews, store):
    exam = Exam([library.item("rnn-0")], recorder=reviews, judge=lambda item, answer: 0.0, schedule=False)
    exam.set_answer(0, "x")
    exam.submit()
    assert store.attempt_count() == 1 and store.cards() == []
    assert queue_item_ids("mistakes", library, store) == ["rnn-0"]


def test_today_plan_caps_new_items_and_orders_due_then_learning_then_new(library, reviews, clock, store):
    _answer(reviews, library, "rnn-0", True, seconds=2)  # Easy: a review card due in days
    _answer(reviews, library, "rnn-1", False)  # learning, due in minutes
    plan = today_plan(library, store, new_per_day=3)
    assert plan.new_today == 2 and plan.new_quota == 1 and plan.new == 1
    assert plan.learning == 1 and plan.due == 0  # the wrong one's next step is minutes away (learn ahead)
    assert plan.study_order == ("rnn-1", "rnn-2")  # learning, then the one new item left in the quota
    clock.advance(days=60)
    plan = today_plan(library, store, new_per_day=3)
    assert plan.due >= 1 and plan.study_order[0] in {"rnn-0", "rnn-1"}
    assert plan.study_order[-1] not in {"rnn-0", "rnn-1"}  # new items come last
    assert plan.minutes > 0 and sum(b.total for b in plan.banks) == len(plan.study_order)
    json.dumps(plan.to_dict())


def test_resume_index_is_first_unanswered():
    ids = ["a", "b", "c", "d", "e"]
    assert resume_index(ids, {"a", "b", "c"}) == 3
    assert resume_index(ids, {"a", "c"}) == 1
    assert resume_index(ids, set(ids)) == 0
    session = StudySession([], start=3)
    assert session.finished


def test_section_resumes_at_item_four_after_three_answers(library, reviews, store):
    section_items = [i for i in library.items() if i.section == "rnn"]
    first = StudySession(section_items, kind="practice", recorder=reviews)
    for _ in range(3):
        first.answer(0)
        first.next()
    start = resume_index([i.id for i in section_items], store.last_results())
    again = StudySession(section_items, kind="practice", recorder=reviews, start=start)
    assert again.position == 3 and again.current().id == "rnn-3"


def test_undo_removes_the_attempt_and_restores_the_card(library, reviews, store):
    item = library.item("gru-0")
    session = StudySession([item], recorder=reviews)
    session.answer(0)
    first_card = store.card("item:gru-0")
    session.next()
    session2 = StudySession([item], recorder=reviews)
    session2.answer(1)  # wrong
    assert store.attempt_count() == 2
    assert session2.undo_last() is item
    assert store.attempt_count() == 1 and store.card("item:gru-0") == first_card
    assert session2.current() is item and session2.current_outcome() is None
    session2.answer(0)  # can answer again after undo
    assert store.attempt_count() == 2


def test_i_was_right_records_the_override_as_a_correct_answer(library, reviews, store):
    item = library.item("gru-1")
    session = StudySession([item], recorder=reviews)
    outcome = session.answer(3)
    assert not outcome.correct
    fixed = session.override_last_as_correct()
    assert fixed.correct and fixed.overridden and fixed.rating is not None and fixed.rating > 1
    attempts = store.attempts("gru-1")
    assert len(attempts) == 1 and attempts[0].correct
    assert attempts[0].answer == {"given": 3, "override": "learner_marked_correct"}
    assert queue_item_ids("mistakes", library, store) == []


def test_next_interval_after_an_answer(library, reviews, store, clock):
    _answer(reviews, library, "rnn-2", False)
    unit, n = interval_parts(next_interval(store, "rnn-2", clock()))
    assert unit == "minutes" and 1 <= n <= 30
    assert next_interval(store, "never-seen", clock()) is None
    assert interval_parts(timedelta(days=3)) == ("days", 3)
    assert interval_parts(timedelta(hours=5)) == ("hours", 5)
    assert interval_parts(timedelta(days=90)) == ("months", 3)


def test_typed_answer_diff_shows_the_missing_letter():
    diff = answer_diff("hidden stat", ["cell state", "hidden state"])
    assert diff.expected == "hidden state"
    assert [(p.tag, p.text) for p in diff.pieces] == [("same", "hidden stat"), ("missing", "e")]
    assert 0.9 < diff.similarity < 1
    extra = answer_diff("Hiddenn state", ["hidden state"])
    assert [p.tag for p in extra.pieces] == ["same", "extra", "same"]
    assert nearest_answer("x", []) is None and answer_diff("x", []) is None
    assert answer_diff("ＬＳＴＭ", ["LSTM"]).pieces == (answer_diff("LSTM", ["LSTM"]).pieces)
