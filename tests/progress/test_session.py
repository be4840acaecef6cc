from __future__ import annotations

from types import SimpleNamespace

import pytest
from fsrs import Scheduler

from studyapp.progress.scheduling import ReviewScheduler
from studyapp.progress.session import (SessionError, StudySession, practice_section, random_mix, review_bookmarks,
                                       review_due, review_mistakes)

from .conftest import make_library


def judge_equal(item, answer):
    ok = answer == item.answer
    return SimpleNamespace(score=1.0 if ok else 0.0, correct=ok)


@pytest.fixture
def library():
    return make_library({"rnn": 4, "lstm": 3, "gru": 2})


@pytest.fixture
def rec(store, clock):
    return ReviewScheduler(store, clock=clock, scheduler=Scheduler(enable_fuzzing=False))


def test_practice_section_flow(library, rec, clock):
    s = practice_section(library, "rnn", recorder=rec, judge=judge_equal)
    assert s.total == 4 and s.current().id == "rnn-0"
    clock.advance(seconds=10)
    o = s.answer(0)  # judged by the callable, time from the clock
    assert o.correct and o.seconds == 10 and o.rating is not None
    with pytest.raises(SessionError):
        s.answer(0)
    s.next()
    s.answer(1, judged_score=0.0, seconds=5)  # explicit score wins
    s.next()
    s.answer("x", judged_score=SimpleNamespace(score=0.5, correct=False), seconds=5, hint_used=True)
    s.next()
    s.skip()
    assert s.finished and s.current() is None
    summ = s.summary()
    assert (summ.total, summ.answered, summ.correct, summ.skipped) == (4, 3, 1, 1)
    assert summ.score == pytest.approx(1.5)
    assert summ.by_section["rnn"].answered == 3 and summ.by_section["rnn"].accuracy == pytest.approx(1 / 3)
    assert summ.revisit == ("rnn-1", "rnn-2", "rnn-3")
    assert summ.answer_seconds == 20 and summ.elapsed_seconds == 10
    assert len(rec.store.attempts()) == 3  # skipped items are not recorded
    assert {a.mode for a in rec.store.attempts()} == {"practice"}


def test_session_without_recorder_and_default_clock(library):
    s = StudySession(library.items()[:2], judge=judge_equal)
    s.answer(0, seconds=1)
    s.next()
    s.next()  # unanswered -> skipped
    assert s.finished and s.summary().skipped == 1 and s.summary().correct == 1


def test_review_due_and_mistakes_sessions(library, rec, clock):
    first = practice_section(library, "lstm", recorder=rec, judge=judge_equal)
    answers = [0, 1, 0]  # lstm-1 wrong
    while not first.finished:
        first.answer(answers[first.position], seconds=20)
        first.next()
    m = review_mistakes(library, rec, judge=judge_equal)
    assert [i.id for i in m.items] == ["lstm-1"]
    clock.advance(minutes=5)  # Again: 1 min learning step; Good on a new card: 10 min step
    due = review_due(library, rec, judge=judge_equal)
    assert [i.id for i in due.items] == ["lstm-1"]
    due.answer(0, seconds=20)
    due.next()
    assert due.finished and due.summary().correct == 1
    assert review_mistakes(library, rec, judge=judge_equal).items == ()
    clock.advance(days=30)
    assert len(review_due(library, rec, judge=judge_equal).items) == 3


def test_random_mix_is_seeded(library):
    a = random_mix(library, 5, seed=3, judge=judge_equal)
    b = random_mix(library, 5, seed=3, judge=judge_equal)
    c = random_mix(library, 5, seed=4, judge=judge_equal)
    assert [i.id for i in a.items] == [i.id for i in b.items]
    assert len(set(i.id for i in a.items)) == 5
    assert [i.id for i in a.items] != [i.id for i in c.items]
    only = random_mix(library, 50, seed=1, sections=["gru"], judge=judge_equal)
    assert sorted(i.id for i in only.items) == ["gru-0", "gru-1"]


def test_bookmarks_session(library, rec):
    rec.store.set_bookmark("gru-1")
    rec.store.set_bookmark("deleted-item")
    assert [i.id for i in review_bookmarks(library, rec, judge=judge_equal).items] == ["gru-1"]


def test_empty_session_is_finished():
    s = StudySession([], judge=judge_equal)
    assert s.finished and s.summary().total == 0
    with pytest.raises(SessionError):
        s.answer(1)
