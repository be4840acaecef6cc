"""Exam mode: a timed mock test with no feedback until it is submitted.

>>> items = select_exam_items(library, count=40, seed=7)             # doctest: +SKIP
>>> exam = Exam(items, duration_s=60 * 60, clock=clock, recorder=reviews)  # doctest: +SKIP
>>> exam.set_answer(0, 2); exam.set_answer(0, 3)   # answers can change until submit
>>> exam.tick()        # call from a UI timer: auto-submits when time is up, returns the report then
>>> report = exam.submit()

Selection is seeded and proportional to the sections' sizes (largest
remainder), at least one item per chosen section when the count allows.
The report lists every item with its score and the item id to show the
explanation of (the UI renders it); the result goes to the store's exam
history (and, with a ``recorder``, each answer is also stored as an attempt
with mode ``"exam"``, so wrong ones reach the Mistakes and Weakest queues, and
updates its FSRS card unless ``schedule=False``).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Sequence

from .session import Judge, _score_of, default_judge
from .store import Clock, ExamRecord, Store, utc_now

if TYPE_CHECKING:
    from studyapp.content.model import Item, Library

    from .scheduling import ReviewScheduler

DEFAULT_COUNT = 40
DEFAULT_DURATION_S = 60 * 60.0


class ExamClosed(Exception):
    """The exam was already submitted (or its time ran out)."""


def select_exam_items(library: "Library", *, count: int = DEFAULT_COUNT, sections: Sequence[str] | None = None,
                      seed: int = 0, exclude_kinds: Sequence[str] = ()) -> list["Item"]:
    """Seeded selection of ``count`` items spread over sections in proportion to their sizes."""
    pools: dict[str, list["Item"]] = {}
    for item in library.items():
        if (sections is None or item.section in sections) and item.kind not in exclude_kinds:
            pools.setdefault(item.section, []).append(item)
    total = sum(len(p) for p in pools.values())
    count = min(count, total)
    if count <= 0:
        return []
    rng = random.Random(seed)
    names = sorted(pools)
    quotas = {n: count * len(pools[n]) / total for n in names}
    alloc = {n: int(q) for n, q in quotas.items()}
    if count >= len(names):  # every section gets at least one
        for n in names:
            alloc[n] = max(alloc[n], 1)
    while sum(alloc.values()) > count:  # only possible after the minimums: take from the largest
        n = max((k for k in names if alloc[k] > 1), key=lambda k: (alloc[k] - quotas[k], alloc[k]))
        alloc[n] -= 1
    for n in sorted(names, key=lambda k: (-(quotas[k] - int(quotas[k])), rng.random())):
        if sum(alloc.values()) >= count:
            break
        if alloc[n] < len(pools[n]):
            alloc[n] += 1
    while sum(alloc.values()) < count:  # fill from any section with room left
        n = max((k for k in names if alloc[k] < len(pools[k])), key=lambda k: len(pools[k]) - alloc[k])
        alloc[n] += 1
    chosen: list["Item"] = []
    for n in names:
        chosen += rng.sample(sorted(pools[n], key=lambda i: i.id), alloc[n])
    rng.shuffle(chosen)
    return chosen


@dataclass(frozen=True)
class ExamItemResult:
    position: int
    item_id: str  # also the reference to the explanation the UI shows
    section: str
    answer: Any
    answered: bool
    score: float
    correct: bool


@dataclass(frozen=True)
class SectionResult:
    items: int
    correct: int
    score: float

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.items if self.items else 0.0


@dataclass(frozen=True)
class ExamReport:
    started: datetime
    finished: datetime
    duration_s: float
    timed_out: bool
    score: float
    max_score: float
    correct: int
    unanswered: int
    by_section: dict[str, SectionResult]
    items: tuple[ExamItemResult, ...]
    seed: int | None = None
    uuid: str = ""

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def elapsed_s(self) -> float:
        return (self.finished - self.started).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score, "max_score": self.max_score, "percent": self.percent, "correct": self.correct,
            "unanswered": self.unanswered, "timed_out": self.timed_out, "elapsed_s": self.elapsed_s,
            "by_section": {k: {"items": v.items, "correct": v.correct, "score": v.score}
                           for k, v in self.by_section.items()},
        }


class Exam:
    """A running exam.  Starts when constructed; ``deadline = start + duration``."""

    def __init__(self, items: Sequence["Item"], *, duration_s: float = DEFAULT_DURATION_S, clock: Clock | None = None,
                 judge: Judge | None = None, store: Store | None = None, recorder: "ReviewScheduler | None" = None,
                 seed: int | None = None, schedule: bool = True) -> None:
        if duration_s <= 0:
            raise ValueError("duration_s must be positive")
        self.items: tuple["Item", ...] = tuple(items)
        self.duration_s = float(duration_s)
        self.recorder = recorder
        self.store = store or (recorder.store if recorder else None)
        self.clock: Clock = clock or (recorder.clock if recorder else (self.store.clock if self.store else utc_now))
        self.judge: Judge = judge or default_judge
        self.seed = seed
        self.schedule = schedule  # False: answers are stored as attempts but leave the FSRS cards alone
        self.started = self.clock()
        self.deadline = self.started + timedelta(seconds=self.duration_s)
        self._answers: dict[int, Any] = {}
        self._report: ExamReport | None = None

    # -- while running -------------------------------------------------------------------

    @property
    def submitted(self) -> bool:
        return self._report is not None

    @property
    def report(self) -> ExamReport | None:
        return self._report

    def remaining_s(self) -> float:
        if self._report is not None:
            return 0.0
        return max(0.0, (self.deadline - self.clock()).total_seconds())

    @property
    def time_up(self) -> bool:
        return self.clock() >= self.deadline

    def tick(self) -> ExamReport | None:
        """Auto-submit when the time is up; returns the report once submitted (else None)."""
        if self._report is None and self.time_up:
            self._finish(timed_out=True)
        return self._report

    def set_answer(self, position: int, answer: Any) -> None:
        """Give or change the answer to item ``position``; ``None`` clears it.  No feedback."""
        if self.tick() is not None:
            raise ExamClosed("the exam is over" + (" (time is up)" if self._report and self._report.timed_out else ""))
        if not 0 <= position < len(self.items):
            raise IndexError(position)
        if answer is None:
            self._answers.pop(position, None)
        else:
            self._answers[position] = answer

    def answer_of(self, position: int) -> Any:
        return self._answers.get(position)

    @property
    def answered_count(self) -> int:
        return len(self._answers)

    def submit(self) -> ExamReport:
        """Judge everything and store the result.  Submitting after the deadline counts as timed out."""
        if self._report is not None:
            return self._report
        return self._finish(timed_out=self.time_up)

    # -- grading ----------------------------------------------------------------------

    def _finish(self, *, timed_out: bool) -> ExamReport:
        finished = min(self.clock(), self.deadline) if timed_out else self.clock()
        results: list[ExamItemResult] = []
        for pos, item in enumerate(self.items):
            if pos in self._answers:
                score, correct = _score_of(self.judge(item, self._answers[pos]))
                results.append(ExamItemResult(pos, item.id, item.section, self._answers[pos], True, score, correct))
            else:
                results.append(ExamItemResult(pos, item.id, item.section, None, False, 0.0, False))
        by_section: dict[str, SectionResult] = {}
        for r in results:
            s = by_section.get(r.section, SectionResult(0, 0, 0.0))
            by_section[r.section] = SectionResult(s.items + 1, s.correct + int(r.correct), s.score + r.score)
        report = ExamReport(
            started=self.started, finished=finished, duration_s=self.duration_s, timed_out=timed_out,
            score=sum(r.score for r in results), max_score=float(len(results)),
            correct=sum(r.correct for r in results), unanswered=sum(not r.answered for r in results),
            by_section=by_section, items=tuple(results), seed=self.seed,
        )
        if self.recorder is not None:
            for r, item in zip(results, self.items):
                if r.answered:
                    self.recorder.record_answer(item, score=r.score, correct=r.correct, answer=r.answer,
                                                seconds=None, mode="exam", schedule=self.schedule)
        if self.store is not None:
            rec = self.store.record_exam(ExamRecord(
                started=report.started, finished=report.finished, duration_s=report.duration_s,
                score=report.score, max_score=report.max_score, timed_out=report.timed_out, seed=self.seed,
                report=report.to_dict(),
                items=tuple((r.item_id, r.section, r.answer, r.score, r.correct) for r in results)))
            report = ExamReport(**{**report.__dict__, "uuid": rec.uuid})
        self._report = report
        return report


# --- presets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamPreset:
    """A ready-made mock exam: how many items, how long, and how much each bank weighs.

    ``weights`` maps bank ids to relative weights; ``None`` means "in proportion to the banks' sizes".
    The Day 3 weights are our estimate of the stage test's emphasis (RNN and BPTT, LSTM and seq2seq
    carry most questions; the CNN review is not examined), not an official table.
    """

    id: str
    count: int
    duration_s: float
    weights: dict[str, float] | None = None


PRESETS: dict[str, ExamPreset] = {
    "day3-full": ExamPreset(
        "day3-full", count=40, duration_s=60 * 60.0,
        weights={"rnn": 0.15, "bptt": 0.15, "lstm": 0.15, "gru": 0.1, "clipping": 0.05, "birnn": 0.05,
                 "seq2seq": 0.15, "word2vec": 0.1, "attention": 0.1},
    ),
    "quick-10": ExamPreset("quick-10", count=10, duration_s=15 * 60.0),
}


def _largest_remainder(weights: dict[str, float], count: int, room: dict[str, int]) -> dict[str, int]:
    """Integer quotas summing to ``count`` (if room allows), proportional to ``weights``, capped by ``room``."""
    alloc = {k: 0 for k in weights}
    active = {k: w for k, w in weights.items() if w > 0 and room.get(k, 0) > 0}
    left = min(count, sum(room.get(k, 0) for k in active))
    while left > 0 and active:
        total = sum(active.values())
        quotas = {k: left * w / total for k, w in active.items()}
        step = {k: min(int(q), room[k] - alloc[k]) for k, q in quotas.items()}
        for k in sorted(active, key=lambda k: -(quotas[k] - int(quotas[k]))):
            if sum(step.values()) >= left:
                break
            if alloc[k] + step[k] < room[k]:
                step[k] += 1
        for k, n in step.items():
            alloc[k] += n
        left -= sum(step.values())
        active = {k: w for k, w in active.items() if alloc[k] < room[k]}
    return alloc


def select_preset_items(library: "Library", preset: ExamPreset, *, seed: int = 0) -> list["Item"]:
    """The items of ``preset``: bank quotas by weight (a full bank's share goes to the others), sections within a bank by size."""
    if preset.weights is None:
        return select_exam_items(library, count=preset.count, seed=seed)
    sections_of: dict[str, list[str]] = {}
    room: dict[str, int] = {}
    for item in library.items():
        if item.bank in preset.weights:
            sections_of.setdefault(item.bank, [])
            if item.section not in sections_of[item.bank]:
                sections_of[item.bank].append(item.section)
            room[item.bank] = room.get(item.bank, 0) + 1
    alloc = _largest_remainder(preset.weights, preset.count, room)
    chosen: list["Item"] = []
    for k, bank in enumerate(sorted(alloc)):
        if alloc[bank]:
            chosen += select_exam_items(library, count=alloc[bank], sections=sections_of[bank], seed=seed * 1009 + k)
    random.Random(seed).shuffle(chosen)
    return chosen
