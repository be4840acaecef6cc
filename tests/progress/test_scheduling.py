from __future__ import annotations

from datetime import timedelta

import pytest
from fsrs import Rating, Scheduler

from studyapp.progress.scheduling import ReviewScheduler, rating_for
from studyapp.progress.store import Attempt

from .conftest import make_item


@pytest.fixture
def sched(store, clock):
    return ReviewScheduler(store, clock=clock, scheduler=Scheduler(enable_fuzzing=False))


@pytest.mark.parametrize("kwargs, expected", [
    (dict(correct=False, score=0.0, seconds=5), Rating.Again),
    (dict(correct=False, score=0.6, seconds=5), Rating.Hard),          # partial credit
    (dict(correct=True, score=1.0, seconds=20), Rating.Good),
    (dict(correct=True, score=1.0, seconds=None), Rating.Good),
    (dict(correct=True, score=1.0, seconds=61), Rating.Hard),          # > 2x typical (30 s)
    (dict(correct=True, score=1.0, seconds=9), Rating.Easy),           # < typical / 3
    (dict(correct=True, score=1.0, seconds=9, hint_used=True), Rating.Hard),
])
def test_rating_mapping(kwargs, expected):
    assert rating_for(kind="single", **kwargs) == expected


def test_code_kind_has_its_own_typical_time():
    assert rating_for(correct=True, score=1, seconds=300, kind="code") == Rating.Good
    assert rating_for(correct=True, score=1, seconds=300, kind="truefalse") == Rating.Hard


def test_right_answers_push_due_later_wrong_brings_back(sched, clock):
    item = make_item("rnn-1")
    intervals = []
    for _day in range(5):
        r = sched.record_answer(item, score=1.0, seconds=20)
        intervals.append(r.card.due - clock.now)
        clock.now = r.card.due + timedelta(minutes=1)  # come back when due
    assert intervals[-1] > timedelta(days=3)
    assert intervals[-1] > intervals[-2] > intervals[-3]
    r = sched.record_answer(item, score=0.0, seconds=20)
    assert r.rating == Rating.Again
    assert r.card.due - clock.now < timedelta(hours=1)
    row = sched.store.card("item:rnn-1")
    assert row.reps == 6 and row.lapses == 1
    assert len(sched.store.attempts("rnn-1")) == 6


def test_due_queue_over_simulated_days(sched, clock):
    good, bad = make_item("good"), make_item("bad")
    sched.record_answer(good, score=1.0, seconds=5)   # Easy: days away
    sched.record_answer(bad, score=0.0, seconds=5)    # Again: minutes away
    assert sched.due_now() == []
    clock.advance(hours=1)
    assert sched.due_now() == ["bad"]
    clock.advance(days=60)
    assert set(sched.due_now()) == {"good", "bad"}
    assert sched.due_now(known=["good"]) == ["good"]


def test_mistakes_and_weakest_topics(sched, clock):
    a = make_item("a", section="rnn", tags=("bptt",))
    b = make_item("b", section="lstm", tags=("gates", "bptt"))
    c = make_item("c", section="lstm", tags=("gates",))
    sched.record_answer(a, score=0.0)
    clock.advance(minutes=1)
    sched.record_answer(a, score=1.0)
    clock.advance(minutes=1)
    sched.record_answer(b, score=0.0)
    clock.advance(minutes=1)
    sched.record_answer(c, score=0.0)
    assert sched.mistakes() == ["c", "b"]
    assert sched.mistakes(known=["b"]) == ["b"]
    topics = sched.weakest_topics()
    assert [t.name for t in topics] == ["lstm", "rnn"] and topics[0].accuracy == 0.0
    tags = {t.name: t for t in sched.weakest_topics(by="tag")}
    assert tags["gates"].accuracy == 0.0 and tags["gates"].attempts == 2
    assert tags["bptt"].accuracy == pytest.approx(1 / 3)


def test_weakest_uses_last_window_only(sched, clock, store):
    store.record_attempts(Attempt(item_id="x", score=0, correct=False, section="old", uuid=f"w{k}",
                                  at=clock.advance(seconds=1)) for k in range(30))
    store.record_attempts(Attempt(item_id="x", score=1, correct=True, section="old", uuid=f"r{k}",
                                  at=clock.advance(seconds=1)) for k in range(20))
    [t] = sched.weakest_topics(window=20)
    assert t.accuracy == 1.0 and t.attempts == 20


def test_code_exercise_is_a_card(sched, clock):
    from studyapp.content.model import Exercise, Text
    ex = Exercise(id="lstm_step", reference="r", function="f", title=Text.neutral("t"),
                  statement=Text.neutral("s"), starter="", solution="", bank="day3", content_hash="eh")
    r = sched.record_submission(ex, source="def f(): ...", verdict={"ok": False}, passed=False, seconds=100)
    assert r.rating == Rating.Again
    clock.advance(hours=1)
    assert sched.due_now(target_kind="exercise") == ["lstm_step"]
    assert sched.store.submissions("lstm_step")[0].exercise_hash == "eh"
