"""Study sessions: pure logic over a queue of items, driven by the UI.

>>> s = practice_section(library, "lstm", recorder=reviews)     # doctest: +SKIP
>>> while not s.finished:                                       # doctest: +SKIP
...     item = s.current()
...     outcome = s.answer(user_answer, judged_score=None, seconds=12.0)   # judged via ``judge``
...     s.next()
>>> s.summary()                                                 # doctest: +SKIP

``answer`` takes either a ready score (0..1, or a Verdict-like object with
``.score``/``.correct``) or ``None`` to call the ``judge`` callable (default:
``studyapp.content.judging.judge``, imported lazily).  When a ``recorder``
(:class:`~studyapp.progress.scheduling.ReviewScheduler`) is given every answer
is stored and its FSRS card updated; skipped items are not recorded.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from .store import Clock, utc_now

if TYPE_CHECKING:
    from studyapp.content.model import Item, Library

    from .scheduling import ReviewScheduler

Judge = Callable[["Item", Any], Any]
"""``judge(item, answer) -> verdict`` with ``.score`` (0..1) and ``.correct``."""

SESSION_KINDS = ("practice", "review_due", "mistakes", "random", "bookmarks", "custom")


class SessionError(Exception):
    pass


def default_judge(item: "Item", answer: Any) -> Any:
    from studyapp.content.judging import judge  # the lead's module; imported only when needed

    return judge(item, answer)


def _score_of(verdict: Any) -> tuple[float, bool]:
    if isinstance(verdict, (int, float)) and not isinstance(verdict, bool):
        score = float(verdict)
        return score, score >= 0.999
    score = float(getattr(verdict, "score"))
    correct = getattr(verdict, "correct", None)
    return score, bool(score >= 0.999) if correct is None else bool(correct)


@dataclass(frozen=True)
class Outcome:
    item_id: str
    section: str
    answer: Any
    score: float
    correct: bool
    seconds: float | None
    hint_used: bool
    skipped: bool = False
    rating: int | None = None  # fsrs Rating value when recorded
    overridden: bool = False  # the learner said "I was right"


@dataclass(frozen=True)
class SectionScore:
    answered: int
    correct: int
    score: float  # sum of scores
    skipped: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class SessionSummary:
    kind: str
    total: int
    answered: int
    correct: int
    skipped: int
    score: float
    by_section: dict[str, SectionScore]
    elapsed_seconds: float
    answer_seconds: float
    revisit: tuple[str, ...]  # wrong, partial, hinted or skipped item ids, in session order
    outcomes: tuple[Outcome, ...] = field(default=(), repr=False)

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


class StudySession:
    """A queue of items answered one at a time."""

    def __init__(self, items: Sequence["Item"], *, kind: str = "custom", recorder: "ReviewScheduler | None" = None,
                 judge: Judge | None = None, clock: Clock | None = None, start: int = 0) -> None:
        self.items: tuple["Item", ...] = tuple(items)
        self.kind = kind
        self.recorder = recorder
        self.judge: Judge = judge or default_judge
        self.clock: Clock = clock or (recorder.clock if recorder else utc_now)
        self.started: datetime = self.clock()
        self.finished_at: datetime | None = None
        self._index = max(0, min(start, len(self.items)))  # a resumed section starts at its first unanswered item
        self._shown_at = self.started
        self._outcomes: list[Outcome | None] = [None] * len(self.items)
        self._last_answered: int | None = None
        if not self.items:
            self.finished_at = self.started

    # -- navigation --------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self._index >= len(self.items)

    @property
    def position(self) -> int:
        """0-based index of the current item (== total when finished)."""
        return self._index

    @property
    def total(self) -> int:
        return len(self.items)

    def current(self) -> "Item | None":
        return None if self.finished else self.items[self._index]

    def current_outcome(self) -> Outcome | None:
        """The answer to the current item, once given (for showing feedback)."""
        return None if self.finished else self._outcomes[self._index]

    def next(self) -> "Item | None":
        """Move on (whether or not the current item was answered; unanswered counts as skipped)."""
        if self.finished:
            return None
        if self._outcomes[self._index] is None:
            self._mark_skipped()
        self._index += 1
        self._shown_at = self.clock()
        if self.finished and self.finished_at is None:
            self.finished_at = self._shown_at
        return self.current()

    def skip(self) -> "Item | None":
        if self.finished:
            raise SessionError("session is finished")
        return self.next()

    def _mark_skipped(self) -> None:
        item = self.items[self._index]
        self._outcomes[self._index] = Outcome(item.id, item.section, None, 0.0, False, None, False, skipped=True)

    # -- answering -----------------------------------------------------------------------

    def answer(self, answer: Any, judged_score: Any = None, seconds: float | None = None,
               hint_used: bool = False) -> Outcome:
        """Judge (unless ``judged_score`` is given), record, and return the outcome; does not advance."""
        item = self.current()
        if item is None:
            raise SessionError("session is finished")
        if self._outcomes[self._index] is not None:
            raise SessionError(f"item {item.id} was already answered; call next()")
        verdict = self.judge(item, answer) if judged_score is None else judged_score
        score, correct = _score_of(verdict)
        if seconds is None:
            seconds = max(0.0, (self.clock() - self._shown_at).total_seconds())
        rating = None
        if self.recorder is not None:
            result = self.recorder.record_answer(item, score=score, correct=correct, answer=answer,
                                                 seconds=seconds, hint_used=hint_used, mode=self.kind)
            rating = int(result.rating)
        outcome = Outcome(item.id, item.section, answer, score, correct, seconds, hint_used, rating=rating)
        self._outcomes[self._index] = outcome
        self._last_answered = self._index
        return outcome

    @property
    def can_undo(self) -> bool:
        return self._last_answered is not None

    def undo_last(self) -> "Item | None":
        """Take back the last answer (also from the store and the scheduler) and show its item again."""
        if self._last_answered is None:
            return None
        position, self._last_answered = self._last_answered, None
        if self.recorder is not None:
            self.recorder.undo_last()
        self._outcomes[position] = None
        self._index = position
        self.finished_at = None
        self._shown_at = self.clock()
        return self.items[position]

    def override_last_as_correct(self) -> Outcome | None:
        """"I was right": the last answer counts as correct (recorded as an override, rated as a right answer)."""
        if self._last_answered is None:
            return None
        old = self._outcomes[self._last_answered]
        if old is None or old.correct:
            return old
        rating = old.rating
        if self.recorder is not None:
            result = self.recorder.override_last_as_correct()
            rating = None if result is None else int(result.rating)
        new = Outcome(old.item_id, old.section, old.answer, 1.0, True, old.seconds, old.hint_used, rating=rating,
                      overridden=True)
        self._outcomes[self._last_answered] = new
        return new

    # -- summary ---------------------------------------------------------------------------

    def summary(self) -> SessionSummary:
        done = [o for o in self._outcomes if o is not None]
        answered = [o for o in done if not o.skipped]
        by_section: dict[str, SectionScore] = {}
        for o in done:
            s = by_section.get(o.section, SectionScore(0, 0, 0.0, 0))
            if o.skipped:
                s = SectionScore(s.answered, s.correct, s.score, s.skipped + 1)
            else:
                s = SectionScore(s.answered + 1, s.correct + int(o.correct), s.score + o.score, s.skipped)
            by_section[o.section] = s
        end = self.finished_at or self.clock()
        revisit = tuple(o.item_id for o in done if o.skipped or not o.correct or o.hint_used or o.score < 0.999)
        return SessionSummary(
            kind=self.kind, total=len(self.items), answered=len(answered),
            correct=sum(o.correct for o in answered), skipped=sum(o.skipped for o in done),
            score=sum(o.score for o in answered), by_section=by_section,
            elapsed_seconds=(end - self.started).total_seconds(),
            answer_seconds=sum(o.seconds or 0.0 for o in answered), revisit=revisit, outcomes=tuple(done),
        )


# ------------------------------------------------------------------------------ factories

def _exclude(items: Iterable["Item"], kinds: Sequence[str]) -> list["Item"]:
    return [i for i in items if i.kind not in kinds]


def practice_section(library: "Library", section: str, *, recorder: "ReviewScheduler | None" = None,
                     judge: Judge | None = None, clock: Clock | None = None, shuffle_seed: int | None = None,
                     limit: int | None = None, exclude_kinds: Sequence[str] = ()) -> StudySession:
    """All items of one section (by section id), in file order unless ``shuffle_seed`` is given."""
    items = _exclude((i for i in library.items() if i.section == section), exclude_kinds)
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(items)
    return StudySession(items[:limit], kind="practice", recorder=recorder, judge=judge, clock=clock)


def review_due(library: "Library", recorder: "ReviewScheduler", *, judge: Judge | None = None,
               limit: int | None = None) -> StudySession:
    """Items whose FSRS card is due now, most overdue first (items no longer in the library are left out)."""
    ids = recorder.due_now(known=(i.id for i in library.items()), limit=limit)
    return StudySession([library.item(i) for i in ids], kind="review_due",  # type: ignore[misc]
                        recorder=recorder, judge=judge)


def review_mistakes(library: "Library", recorder: "ReviewScheduler", *, judge: Judge | None = None,
                    limit: int | None = None) -> StudySession:
    """Items whose last attempt was wrong, most recent first."""
    ids = recorder.mistakes(known=(i.id for i in library.items()))[:limit]
    return StudySession([library.item(i) for i in ids], kind="mistakes",  # type: ignore[misc]
                        recorder=recorder, judge=judge)


def random_mix(library: "Library", count: int, *, seed: int, sections: Sequence[str] | None = None,
               recorder: "ReviewScheduler | None" = None, judge: Judge | None = None, clock: Clock | None = None,
               exclude_kinds: Sequence[str] = ()) -> StudySession:
    """``count`` items drawn uniformly (seeded, reproducible) from the library or some sections."""
    pool = _exclude((i for i in library.items() if sections is None or i.section in sections), exclude_kinds)
    pool.sort(key=lambda i: i.id)
    items = random.Random(seed).sample(pool, min(count, len(pool)))
    return StudySession(items, kind="random", recorder=recorder, judge=judge, clock=clock)


def review_bookmarks(library: "Library", recorder: "ReviewScheduler", *, judge: Judge | None = None) -> StudySession:
    """Items marked for review, oldest mark first."""
    items = [it for it in (library.item(i) for i in recorder.store.bookmarks()) if it is not None]
    return StudySession(items, kind="bookmarks", recorder=recorder, judge=judge)
