"""Spaced review with FSRS (the ``fsrs`` package): every item and every code exercise is a card.

Answer -> rating
================
``typical`` is the kind's typical answer time (:data:`TYPICAL_SECONDS`, overridable).

=====================================================================  ============
answer                                                                 rating
=====================================================================  ============
wrong (``correct`` false and score < 0.5), or a failed code submission  ``Again``
partial credit (not correct, 0.5 <= score < 1)                          ``Hard``
right but a hint was used, or slower than ``2 x typical``,
or judged correct with score < 1                                        ``Hard``
right and faster than ``typical / 3``                                   ``Easy``
right otherwise (also when the time is unknown)                         ``Good``
=====================================================================  ============

The card's new state and the attempt are written in one transaction.

Queues
======
* :meth:`ReviewScheduler.due_now` -- cards whose ``due`` is at or before now
  (only things already seen; new items are not "due").
* :meth:`ReviewScheduler.weakest_topics` -- sections (or tags) with the lowest
  accuracy over their last ``window`` (20) attempts.
* :meth:`ReviewScheduler.mistakes` -- items whose last attempt was wrong.

Time comes from an injectable ``clock`` (a callable returning an aware UTC
datetime); by default the store's.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from fsrs import Card, Rating, Scheduler, State

from .queues import Topic, due_item_ids, mistake_ids, weakest_topics
from .store import Attempt, CardRow, Clock, Store, Submission
from .store.records import Review
from .typical import DEFAULT_TYPICAL_SECONDS, TYPICAL_SECONDS

SLOW_FACTOR = 2.0
FAST_FACTOR = 1.0 / 3.0
PARTIAL_CREDIT = 0.5


def rating_for(*, correct: bool, score: float, seconds: float | None, kind: str, hint_used: bool = False,
               typical_seconds: Mapping[str, float] | None = None) -> Rating:
    """Map one answer to an FSRS rating (see the module docstring)."""
    if not correct:
        return Rating.Hard if score >= PARTIAL_CREDIT else Rating.Again
    typical = (typical_seconds or TYPICAL_SECONDS).get(kind, DEFAULT_TYPICAL_SECONDS)
    if hint_used or score < 0.999:
        return Rating.Hard
    if seconds is not None:
        if seconds > SLOW_FACTOR * typical:
            return Rating.Hard
        if seconds < FAST_FACTOR * typical:
            return Rating.Easy
    return Rating.Good


def card_key(target_kind: str, target_id: str) -> str:
    """``'item:<id>'`` or ``'exercise:<id>'``."""
    if target_kind not in ("item", "exercise"):
        raise ValueError(f"target_kind must be 'item' or 'exercise', not {target_kind!r}")
    return f"{target_kind}:{target_id}"


def _stable_card_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=6).digest(), "big")


def _utc(when: datetime) -> datetime:
    return when.astimezone(timezone.utc)


@dataclass(frozen=True)
class ReviewResult:
    rating: Rating
    card: Card
    attempt: Attempt | None = None
    submission: Submission | None = None


@dataclass(frozen=True)
class _Undo:
    """What :meth:`ReviewScheduler.undo_last` needs to take the last answer back."""

    item: Any
    attempt: Attempt
    card_key: str
    previous: CardRow | None
    scheduled: bool


class ReviewScheduler:
    """Records answers into the store and keeps each card's FSRS state."""

    def __init__(self, store: Store, *, clock: Clock | None = None, scheduler: Scheduler | None = None,
                 typical_seconds: Mapping[str, float] | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or store.clock
        self.scheduler = scheduler or Scheduler()
        self.typical_seconds = {**TYPICAL_SECONDS, **(typical_seconds or {})}
        self._reviewed: dict[str, Card] = {}
        store.reviewer = self.apply_review  # the store calls it inside the write transaction
        if store.pending_count():
            store.flush_pending()  # reviews kept from an earlier failed write can be applied now
        self._undo: _Undo | None = None

    def now(self) -> datetime:
        return _utc(self.clock())

    # -- cards ---------------------------------------------------------------------

    def card(self, target_kind: str, target_id: str) -> Card:
        """The card's FSRS state; a new card (due now) if never reviewed."""
        key = card_key(target_kind, target_id)
        return self._as_card(key, self.store.card(key))

    def _as_card(self, key: str, row: CardRow | None) -> Card:
        if row is None:
            return Card(card_id=_stable_card_id(key), due=self.now())
        return Card(card_id=row.card_id, state=State(row.state), step=row.step, stability=row.stability,
                    difficulty=row.difficulty, due=_utc(row.due),
                    last_review=None if row.last_review is None else _utc(row.last_review))

    def apply_review(self, review: Review, old_row: CardRow | None) -> CardRow:
        """The card's new state from its state as read inside the write transaction (see :class:`Review`)."""
        card = self._as_card(review.card_key, old_row)
        rating = Rating(review.rating)
        new_card, _log = self.scheduler.review_card(
            card, rating, review_datetime=_utc(review.at),
            review_duration=None if review.seconds is None else int(review.seconds * 1000))
        reps = (old_row.reps if old_row else 0) + 1
        lapses = (old_row.lapses if old_row else 0) + int(rating == Rating.Again and card.state == State.Review)
        self._reviewed[review.card_key] = new_card
        return CardRow(review.card_key, review.target_kind, review.target_id, new_card.card_id, int(new_card.state),
                       new_card.step, new_card.stability, new_card.difficulty, new_card.due, new_card.last_review,
                       reps, lapses)

    def _result_card(self, review: Review) -> Card:
        """The state the review produced; while the write is pending, the state it will produce from what is stored."""
        card = self._reviewed.pop(review.card_key, None)
        if card is None:
            card = self._as_card(review.card_key, None)
            self.apply_review(review, self.store.card(review.card_key))
            card = self._reviewed.pop(review.card_key, card)
        return card

    # -- recording -------------------------------------------------------------------

    def record_answer(self, item: Any, *, score: float, correct: bool | None = None, answer: Any = None,
                      seconds: float | None = None, hint_used: bool = False, mode: str = "practice",
                      bank_hash: str = "", schedule: bool = True) -> ReviewResult:
        """Store an attempt on ``item`` (a content ``Item``) and update its card, atomically."""
        at = self.now()
        is_correct = bool(score >= 0.999) if correct is None else bool(correct)
        rating = rating_for(correct=is_correct, score=score, seconds=seconds, kind=item.kind,
                            hint_used=hint_used, typical_seconds=self.typical_seconds)
        attempt = Attempt.for_item(item, score=score, correct=is_correct, answer=answer, seconds=seconds,
                                   hint_used=hint_used, bank_hash=bank_hash, mode=mode, at=at)
        key = card_key("item", item.id)
        previous = self.store.card(key)  # for undo: the card as it was before this answer
        review = Review("item", item.id, int(rating), at, seconds)
        stored = self.store.record_attempt(attempt, review=review if schedule else None)
        card = self._result_card(review) if schedule else self.card("item", item.id)
        self._undo = _Undo(item, stored, key, previous, schedule)
        return ReviewResult(rating, card, attempt=stored)

    @property
    def can_undo(self) -> bool:
        return self._undo is not None

    def undo_last(self) -> Attempt | None:
        """Take back the last answer recorded here: its attempt is deleted and its card restored (Anki's Undo)."""
        undo, self._undo = self._undo, None
        if undo is None:
            return None
        if undo.scheduled:
            self.store.undo_attempt(undo.attempt.uuid, undo.card_key, undo.previous)
        else:
            self.store.undo_attempt(undo.attempt.uuid, undo.card_key, self.store.card(undo.card_key))
        return undo.attempt

    def override_last_as_correct(self) -> ReviewResult | None:
        """"I was right": the last answer is recorded again as correct, the override kept in the attempt's answer."""
        undo = self._undo
        if undo is None:
            return None
        self.undo_last()
        previous = undo.attempt
        return self.record_answer(undo.item, score=1.0, correct=True,
                                  answer={"given": previous.answer, "override": "learner_marked_correct"},
                                  seconds=previous.seconds, hint_used=previous.hint_used, mode=previous.mode,
                                  bank_hash=previous.bank_hash, schedule=undo.scheduled)

    def record_submission(self, exercise: Any, *, source: str, verdict: Any, passed: bool,
                          seconds: float | None = None, hint_used: bool = False, schedule: bool = True) -> ReviewResult:
        """Store a code submission for ``exercise`` (a content ``Exercise``) and update its card.

        ``schedule=False`` (the grader failed, not the learner) stores the run without rating it.
        """
        at = self.now()
        rating = rating_for(correct=passed, score=1.0 if passed else 0.0, seconds=seconds, kind="code",
                            hint_used=hint_used, typical_seconds=self.typical_seconds)
        review = Review("exercise", exercise.id, int(rating), at, seconds)
        sub = self.store.record_submission(
            Submission(exercise.id, source, verdict, passed, exercise_hash=getattr(exercise, "content_hash", ""),
                       at=at), review=review if schedule else None)
        card = self._result_card(review) if schedule else self.card("exercise", exercise.id)
        return ReviewResult(rating, card, submission=sub)

    # -- queues ----------------------------------------------------------------------

    def due_now(self, *, target_kind: str = "item", known: Iterable[str] | None = None,
                limit: int | None = None) -> list[str]:
        """Ids due now, most overdue first; ``known`` keeps only ids still in the library."""
        return due_item_ids(self.store, self.now(), target_kind=target_kind, known=known, limit=limit)

    def weakest_topics(self, *, by: str = "section", window: int = 20, min_attempts: int = 1,
                       limit: int | None = None) -> list[Topic]:
        """Topics by ascending recent accuracy (ties: more attempts first)."""
        return weakest_topics(self.store, by=by, window=window, min_attempts=min_attempts, limit=limit)

    def mistakes(self, *, known: Iterable[str] | None = None) -> list[str]:
        """Items whose last attempt was wrong, most recent first."""
        return mistake_ids(self.store, known=known)
