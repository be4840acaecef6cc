"""What a stored value may be: one rule per column, used twice.

Imports check every incoming value in Python with :meth:`Rule.problem`;
readers add :func:`valid_rows_sql` to their queries, so a row that is
already stored but out of range (an old import, a damaged page, a hand
edit) is skipped and counted instead of crashing a screen. Keeping both
uses on one table means the two cannot disagree.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

TS_LOW = 946_684_800.0  # 2000-01-01: nothing was learned with this app before
TS_HIGH = 4_102_444_800.0  # 2100-01-01
DUE_HIGH = 7_258_118_400.0  # 2200-01-01: FSRS intervals reach a century
CARD_STATES = (1, 2, 3)  # fsrs.State: Learning, Review, Relearning
_NO_DEFAULT = object()


@dataclass(frozen=True)
class Rule:
    """One column: its kind (text, real, int, bool, json), whether NULL is allowed, its range or length."""

    kind: str
    nullable: bool = False
    low: float | None = None
    high: float | None = None
    max_len: int = 1_000
    choices: tuple[Any, ...] = ()
    default: Any = _NO_DEFAULT
    non_empty: bool = False

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT

    def problem(self, value: Any) -> str | None:
        """Why ``value`` cannot be stored (``None`` when it can)."""
        if value is None:
            return None if self.nullable else "missing (null)"
        if self.kind in ("text", "json"):
            if not isinstance(value, str):
                return f"expected text, got {type(value).__name__}"
            if len(value) > self.max_len:
                return f"text of {len(value)} characters is longer than {self.max_len}"
            if self.non_empty and not value.strip():
                return "must not be empty"
            if self.kind == "json":
                try:
                    json.loads(value, parse_constant=_no_constant)
                except (ValueError, RecursionError):
                    return "not valid JSON text"
            return None if not self.choices or value in self.choices else f"{value!r} is not one of {list(self.choices)}"
        if self.kind == "bool":
            return None if value in (0, 1) and not isinstance(value, float) else f"expected 0 or 1, got {value!r}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected a number, got {type(value).__name__}"
        if self.kind == "int" and not isinstance(value, int):
            return f"expected an integer, got {value!r}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{value!r} is not a finite number"
        if self.choices and value not in self.choices:
            return f"{value!r} is not one of {list(self.choices)}"
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            if self.low is not None and self.low >= TS_LOW:  # a time: say it in dates
                return f"{value!r} is not a time between {_date(self.low)} and {_date(self.high)}"
            return f"{value!r} is outside {self.low:g}..{self.high:g}"
        return None

    def sql(self, column: str) -> str:
        """The same rule as an SQL condition on ``column`` (used by readers to skip bad rows)."""
        parts = []
        if self.kind in ("text", "json"):
            parts.append(f"typeof({column}) = 'text'")
            if self.kind == "json":
                parts.append(f"json_valid({column})")
            if self.choices:
                parts.append(f"{column} IN ({', '.join(_quote(c) for c in self.choices)})")
        else:
            parts.append(f"typeof({column}) IN ('integer', 'real')" if self.kind != "int" else f"typeof({column}) = 'integer'")
            if self.kind == "bool":
                parts.append(f"{column} IN (0, 1)")
            if self.choices:
                parts.append(f"{column} IN ({', '.join(str(c) for c in self.choices)})")
            if self.low is not None:
                parts.append(f"{column} >= {self.low!r}")
            if self.high is not None:
                parts.append(f"{column} <= {self.high!r}")
        condition = " AND ".join(parts)
        return f"({column} IS NULL OR ({condition}))" if self.nullable else f"({condition})"


def _date(ts: float | None) -> str:
    from datetime import datetime, timezone

    return "?" if ts is None else datetime.fromtimestamp(ts, timezone.utc).date().isoformat()


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN/Infinity: Python accepts them, SQLite's json_valid does not


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


ID = Rule("text", max_len=200, non_empty=True)
UUID = Rule("text", max_len=64, non_empty=True)
HASH = Rule("text", max_len=64, default="")
LABEL = Rule("text", max_len=200, default="")
TS = Rule("real", low=TS_LOW, high=TS_HIGH)
BOOL = Rule("bool", default=0)
SOURCE = Rule("text", max_len=1_000_000)
ANSWER = Rule("json", nullable=True, max_len=200_000, default=None)
SCORE = Rule("real", low=0.0, high=1.0)
COUNT = Rule("int", low=0, high=10_000_000, default=0)

COLUMNS: dict[str, dict[str, Rule]] = {
    "attempts": {
        "uuid": UUID, "item_id": ID, "item_hash": HASH, "bank_hash": HASH, "answer_json": ANSWER, "score": SCORE,
        "correct": BOOL, "seconds": Rule("real", nullable=True, low=0.0, high=1e7, default=None), "ts": TS,
        "hint_used": BOOL, "section": LABEL, "kind": LABEL, "tags": Rule("text", max_len=5_000, default=""),
        "mode": Rule("text", max_len=50, default="practice"),
    },
    "submissions": {
        "uuid": UUID, "exercise_id": ID, "exercise_hash": HASH, "source": SOURCE,
        "verdict_json": Rule("json", nullable=True, max_len=1_000_000, default=None), "passed": BOOL, "ts": TS,
    },
    "drafts": {"exercise_id": ID, "source": SOURCE, "updated": TS},
    "bookmarks": {"item_id": ID, "note": Rule("text", max_len=10_000, default=""), "ts": TS},
    "cards": {
        "card_key": Rule("text", max_len=210, non_empty=True), "target_kind": Rule("text", choices=("item", "exercise")),
        "target_id": ID, "card_id": Rule("int", low=0, high=2**62), "state": Rule("int", choices=CARD_STATES),
        "step": Rule("int", nullable=True, low=0, high=100, default=None),
        "stability": Rule("real", nullable=True, low=0.0, high=1e6, default=None),
        "difficulty": Rule("real", nullable=True, low=0.0, high=11.0, default=None),
        "due": Rule("real", low=TS_LOW, high=DUE_HIGH), "last_review": Rule("real", nullable=True, low=TS_LOW, high=TS_HIGH, default=None),
        "reps": COUNT, "lapses": COUNT,
    },
    "exams": {
        "uuid": UUID, "started": TS, "finished": TS, "duration_s": Rule("real", low=0.0, high=1e7),
        "score": Rule("real", low=0.0, high=1e6), "max_score": Rule("real", low=0.0, high=1e6), "timed_out": BOOL,
        "seed": Rule("int", nullable=True, low=-(2**63), high=2**63 - 1, default=None),
        "report_json": Rule("json", max_len=1_000_000, default="{}"),
    },
    "exam_items": {
        "exam_uuid": UUID, "position": Rule("int", low=0, high=100_000), "item_id": ID, "section": LABEL,
        "answer_json": ANSWER, "score": SCORE, "correct": BOOL,
    },
}


def valid_rows_sql(table: str, columns: tuple[str, ...] = ()) -> str:
    """An SQL condition true for the rows of ``table`` that every reader can use.

    ``columns`` narrows it to the columns a query reads, so an aggregate over
    a covering index stays on the index.
    """
    rules = COLUMNS[table]
    return " AND ".join(rules[c].sql(c) for c in (columns or tuple(rules)))


def invalid_row_counts(query: Any) -> dict[str, int]:
    """``{table: stored rows out of range}`` (only tables that have some), via a read-only ``query``."""
    out = {}
    for table in COLUMNS:
        n = int(query(f"SELECT count(*) FROM {table} WHERE NOT ({valid_rows_sql(table)})")[0][0])
        if n:
            out[table] = n
    return out
