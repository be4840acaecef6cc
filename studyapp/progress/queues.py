"""Review queues and the "what to do today" plan, shared by the Review screen, the home page and the CLI.

Queues (ids of items still in the library, best first):

* ``due``      -- cards due now, most overdue first (learning and review cards alike);
* ``mistakes`` -- items whose last attempt was wrong, most recent first;
* ``weakest``  -- items of the sections with the lowest recent accuracy, weakest section first;
  inside a section, items last answered wrongly, then never answered, then the rest;
* ``marked``   -- items marked for review, oldest mark first;
* ``new``      -- items never answered and without a card, in bank, section and file order.

The day plan follows Anki's deck overview: per bank, how many cards are in
learning (steps due within :data:`LEARN_AHEAD`), due for review, and new (new ones capped by a daily quota shared
by all banks, minus the items already introduced today), the time that takes
from the scheduler's typical answer times, and one study order (due, then
learning, then new) that "Study now" runs.

Everything here reads the store only (no FSRS import), so the home page can show it at start-up;
:class:`~studyapp.progress.scheduling.ReviewScheduler` answers its own queue questions through these functions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Iterable, Mapping

from .overview import section_item_ids
from .store import Store
from .typical import DEFAULT_TYPICAL_SECONDS, TYPICAL_SECONDS

if TYPE_CHECKING:
    from studyapp.content.model import Library, Text

QUEUE_NAMES: tuple[str, ...] = ("due", "mistakes", "weakest", "marked", "new")
DEFAULT_NEW_PER_DAY = 20
WEAKEST_SECTIONS = 3
LEARNING_STATES = (1, 3)  # fsrs.State.Learning and State.Relearning, as stored in the cards table
LEARN_AHEAD = timedelta(minutes=20)  # like Anki: learning steps due within 20 minutes count as today's work


class UnknownQueue(ValueError):
    """A queue name not in :data:`QUEUE_NAMES`."""


def library_item_ids(library: "Library") -> list[str]:
    """Every item id in bank, section and file order, without building the items."""
    return [item_id for bank in library.banks for section in bank.sections for item_id in section_item_ids(section)]


def _section_of(library: "Library") -> dict[str, str]:
    return {item_id: section.id for bank in library.banks for section in bank.sections
            for item_id in section_item_ids(section)}


@dataclass(frozen=True)
class Topic:
    name: str
    accuracy: float
    attempts: int


def due_item_ids(store: Store, now: datetime, *, target_kind: str = "item", known: Iterable[str] | None = None,
                 limit: int | None = None) -> list[str]:
    """Ids whose card is due at ``now``, most overdue first; ``known`` keeps only ids still in the library."""
    keep = None if known is None else set(known)
    ids = [c.target_id for c in store.due_cards(now, target_kind=target_kind) if keep is None or c.target_id in keep]
    return ids[:limit] if limit is not None else ids


def mistake_ids(store: Store, *, known: Iterable[str] | None = None) -> list[str]:
    """Items whose last attempt was wrong, most recent first."""
    keep = None if known is None else set(known)
    wrong = [(ts, item_id) for item_id, (ok, ts) in store.last_results().items()
             if not ok and (keep is None or item_id in keep)]
    return [item_id for _ts, item_id in sorted(wrong, reverse=True)]


def weakest_topics(store: Store, *, by: str = "section", window: int = 20, min_attempts: int = 1,
                   limit: int | None = None) -> list[Topic]:
    """Topics by ascending recent accuracy (ties: more attempts first)."""
    acc = store.recent_accuracy(by=by, window=window)
    topics = sorted((Topic(name, a, n) for name, (a, n) in acc.items() if n >= min_attempts and name),
                    key=lambda t: (t.accuracy, -t.attempts, t.name))
    return topics[:limit] if limit is not None else topics


def seen_item_ids(store: Store) -> set[str]:
    """Items with an attempt or a card: not new any more."""
    attempted = {row[0] for row in store.query("SELECT DISTINCT item_id FROM attempts")}
    carded = {row[0] for row in store.query("SELECT target_id FROM cards WHERE target_kind = 'item'")}
    return attempted | carded


def queue_item_ids(name: str, library: "Library", store: Store, *, now: datetime | None = None,
                   limit: int | None = None) -> list[str]:
    """The ids in queue ``name`` (see the module docstring); ``limit`` keeps the first ones."""
    ordered = library_item_ids(library)
    known = set(ordered)
    if name == "due":
        ids = due_item_ids(store, now or store.now(), known=known)
    elif name == "mistakes":
        ids = mistake_ids(store, known=known)
    elif name == "marked":
        ids = [i for i in store.bookmarks() if i in known]
    elif name == "new":
        seen = seen_item_ids(store)
        ids = [i for i in ordered if i not in seen]
    elif name == "weakest":
        ids = _weakest_items(ordered, library, store)
    else:
        raise UnknownQueue(f"unknown queue {name!r}; choose one of {', '.join(QUEUE_NAMES)}")
    return ids[:limit] if limit is not None else ids


def _weakest_items(ordered: list[str], library: "Library", store: Store) -> list[str]:
    weak = [t.name for t in weakest_topics(store, by="section") if t.accuracy < 1.0][:WEAKEST_SECTIONS]
    section_of = _section_of(library)
    last = store.last_results()

    def rank(item_id: str) -> int:
        if item_id not in last:
            return 1
        return 0 if not last[item_id][0] else 2

    ids: list[str] = []
    for section in weak:
        members = [i for i in ordered if section_of.get(i) == section]
        ids += sorted(members, key=rank)  # sorted() is stable: file order inside each rank
    return ids


def queue_counts(library: "Library", store: Store, *, now: datetime | None = None) -> dict[str, int]:
    """``{queue name: number of items}`` for every queue."""
    return {name: len(queue_item_ids(name, library, store, now=now)) for name in QUEUE_NAMES}


# ------------------------------------------------------------------------------------------ today


@dataclass(frozen=True)
class BankToday:
    bank_id: str
    title: "Text"
    new: int
    learning: int
    due: int
    minutes: float

    @property
    def total(self) -> int:
        return self.new + self.learning + self.due


@dataclass(frozen=True)
class ExerciseState:
    exercise_id: str
    title: "Text"
    state: str  # "not_started" | "failed" | "passed"
    due: bool


@dataclass(frozen=True)
class TodayPlan:
    banks: tuple[BankToday, ...]
    study_order: tuple[str, ...]
    new_quota: int
    new_today: int
    minutes: float
    exercises: tuple[ExerciseState, ...]

    @property
    def new(self) -> int:
        return sum(b.new for b in self.banks)

    @property
    def learning(self) -> int:
        return sum(b.learning for b in self.banks)

    @property
    def due(self) -> int:
        return sum(b.due for b in self.banks)

    def to_dict(self) -> dict[str, object]:
        return {
            "new": self.new, "learning": self.learning, "due": self.due, "minutes": round(self.minutes, 1),
            "new_quota": self.new_quota, "new_today": self.new_today, "study_order": list(self.study_order),
            "banks": [{"id": b.bank_id, "new": b.new, "learning": b.learning, "due": b.due,
                       "minutes": round(b.minutes, 1)} for b in self.banks],
            "exercises": [{"id": e.exercise_id, "state": e.state, "due": e.due} for e in self.exercises],
        }


def _start_of_local_day(now: datetime) -> datetime:
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def new_introduced_today(store: Store, now: datetime) -> int:
    """Items whose first attempt was today (local time): they use up today's new quota."""
    since = _start_of_local_day(now).timestamp()
    rows = store.query(
        "SELECT count(*) FROM (SELECT item_id, min(ts) AS first FROM attempts GROUP BY item_id) WHERE first >= ?",
        (since,))
    return int(rows[0][0]) if rows else 0


def today_plan(library: "Library", store: Store, *, now: datetime | None = None,
               new_per_day: int = DEFAULT_NEW_PER_DAY, typical: Mapping[str, float] = TYPICAL_SECONDS) -> TodayPlan:
    """What to study now: per-bank counts, the time it takes and the order "Study now" runs."""
    now = now or store.now()
    ahead = now + LEARN_AHEAD
    state_of = {c.target_id: c.state for c in store.due_cards(ahead, target_kind="item")}
    due_ids = due_item_ids(store, ahead, known=set(library_item_ids(library)))
    due_now = set(due_item_ids(store, now, known=due_ids))
    review_ids = [i for i in due_ids if state_of.get(i) not in LEARNING_STATES and i in due_now]
    learning_ids = [i for i in due_ids if state_of.get(i) in LEARNING_STATES]
    new_today = new_introduced_today(store, now)
    quota = max(0, new_per_day - new_today)
    new_ids = queue_item_ids("new", library, store, now=now, limit=quota)

    bank_of = {i: bank.id for bank in library.banks for s in bank.sections for i in section_item_ids(s)}
    kind_of = {item.id: item.kind for item in _items_of(library, set(review_ids) | set(learning_ids) | set(new_ids))}

    def minutes(ids: Iterable[str]) -> float:
        return sum(typical.get(kind_of.get(i, ""), DEFAULT_TYPICAL_SECONDS) for i in ids) / 60.0

    banks = []
    for bank in library.banks:
        mine = [[i for i in ids if bank_of.get(i) == bank.id] for ids in (new_ids, learning_ids, review_ids)]
        banks.append(BankToday(bank.id, bank.title, len(mine[0]), len(mine[1]), len(mine[2]),
                               minutes(mine[0] + mine[1] + mine[2])))
    order = tuple(review_ids + learning_ids + new_ids)
    return TodayPlan(tuple(banks), order, quota, new_today, minutes(order), exercise_states(library, store, now))


def _items_of(library: "Library", ids: set[str]) -> list:
    return [item for item in (library.item(i) for i in ids) if item is not None]


def exercise_states(library: "Library", store: Store, now: datetime) -> tuple[ExerciseState, ...]:
    """Each code exercise as not started, failed (tried, never passed) or passed, and whether it is due."""
    tried = {row[0] for row in store.query("SELECT DISTINCT exercise_id FROM submissions")}
    passed = store.passed_exercise_ids()
    due = set(due_item_ids(store, now, target_kind="exercise"))
    out = []
    for ex in library.exercises():
        state = "passed" if ex.id in passed else "failed" if ex.id in tried else "not_started"
        out.append(ExerciseState(ex.id, ex.title, state, ex.id in due))
    return tuple(out)


def resume_index(item_ids: Iterable[str], answered: Iterable[str]) -> int:
    """Where a reopened section continues: its first never-answered item (0 when all were answered)."""
    done = set(answered)
    for position, item_id in enumerate(item_ids):
        if item_id not in done:
            return position
    return 0


def next_interval(store: Store, item_id: str, now: datetime, *, target_kind: str = "item") -> timedelta | None:
    """Time until the card is due again (after an answer, the interval it was just given)."""
    row = store.card(f"{target_kind}:{item_id}")
    if row is None:
        return None
    return max(timedelta(0), row.due - now)


def interval_parts(delta: timedelta) -> tuple[str, int]:
    """``(unit, n)`` for showing an interval: minutes under an hour, hours under a day, days, then months."""
    seconds = delta.total_seconds()
    if seconds < 3600:
        return "minutes", max(1, round(seconds / 60))
    if seconds < 86400:
        return "hours", round(seconds / 3600)
    days = seconds / 86400
    if days < 60:
        return "days", round(days)
    return "months", round(days / 30)
