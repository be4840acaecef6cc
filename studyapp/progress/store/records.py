"""What the store keeps, as plain frozen records, and the time and JSON conventions they use.

Time is epoch seconds (UTC, REAL) in the database; the API speaks aware UTC
datetimes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from studyapp.content.textclean import clean

Clock = Callable[[], datetime]

def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def to_ts(when: datetime) -> float:
    if when.tzinfo is None:
        raise ValueError("naive datetime; the progress store wants aware UTC datetimes")
    return when.timestamp()


def from_ts(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc)


class StoreError(Exception):
    """A problem with the progress database that the UI should show."""


class NewerSchemaError(StoreError):
    """The file was written by a newer version of the app."""


@dataclass(frozen=True)
class Attempt:
    """One answer to one item.  ``at``/``uuid`` are filled by the store when empty."""

    item_id: str
    score: float
    correct: bool
    answer: Any = None
    seconds: float | None = None
    hint_used: bool = False
    item_hash: str = ""
    bank_hash: str = ""
    section: str = ""
    kind: str = ""
    tags: tuple[str, ...] = ()
    mode: str = "practice"
    at: datetime | None = None
    uuid: str = ""

    @classmethod
    def for_item(cls, item: Any, *, score: float, correct: bool | None = None, answer: Any = None,
                 seconds: float | None = None, hint_used: bool = False, bank_hash: str = "",
                 mode: str = "practice", at: datetime | None = None) -> "Attempt":
        """Build an attempt from a :class:`studyapp.content.model.Item`."""
        return cls(
            item_id=item.id, score=float(score),
            correct=bool(score >= 0.999) if correct is None else bool(correct),
            answer=answer, seconds=seconds, hint_used=hint_used, item_hash=item.content_hash,
            bank_hash=bank_hash, section=item.section, kind=item.kind, tags=tuple(item.tags),
            mode=mode, at=at,
        )


@dataclass(frozen=True)
class CardRow:
    """FSRS card state as stored (the scheduler converts to/from ``fsrs.Card``)."""

    card_key: str
    target_kind: str
    target_id: str
    card_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class Review:
    """One review of a card, as data: the store applies it inside the write that records the answer.

    Reading the card and writing its new state in one transaction is what
    keeps two writers from overwriting each other's update; being plain data
    it can also wait in the pending-writes journal and be applied later.
    """

    target_kind: str
    target_id: str
    rating: int
    at: datetime
    seconds: float | None = None

    @property
    def card_key(self) -> str:
        return f"{self.target_kind}:{self.target_id}"


@dataclass(frozen=True)
class Submission:
    exercise_id: str
    source: str
    verdict: Any
    passed: bool
    exercise_hash: str = ""
    at: datetime | None = None
    uuid: str = ""


@dataclass(frozen=True)
class ExamRecord:
    """An exam's result as stored; ``items`` are (item_id, section, answer, score, correct)."""

    started: datetime
    finished: datetime
    duration_s: float
    score: float
    max_score: float
    timed_out: bool = False
    seed: int | None = None
    report: Mapping[str, Any] = field(default_factory=dict)
    items: tuple[tuple[str, str, Any, float, bool], ...] = ()
    uuid: str = ""


def _json(value: Any) -> str:
    # text from graded code may hold lone surrogates, which SQLite cannot encode: cleaned, not refused
    return clean(json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict
        return asdict(value)
    return repr(value)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)

