"""Progress statistics as plain data for plots, computed with SQL aggregates.

Days are calendar days at ``utc_offset_minutes`` from UTC (default 0) and are
given as ISO dates (``"2026-01-05"``).  Everything is JSON-able through
:meth:`Stats.to_dict`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .store import Store, to_ts
from .store.validity import valid_rows_sql

_EPOCH = date(1970, 1, 1)


def _day(n: int) -> str:
    return (_EPOCH + timedelta(days=int(n))).isoformat()


@dataclass(frozen=True)
class SectionDay:
    day: str
    section: str
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


@dataclass(frozen=True)
class Stats:
    generated_at: str
    total_attempts: int
    total_correct: int
    accuracy_by_section_day: list[SectionDay]
    attempts_per_day: list[tuple[str, int]]
    accuracy_by_section: dict[str, tuple[int, int]]  # section -> (attempts, correct)
    due_forecast: list[tuple[str, int]]  # next N days; today includes overdue cards
    exercises_attempted: int
    exercises_passed: int
    submissions: int
    exams: list[tuple[str, float, float]] = field(default_factory=list)  # (finished day, score, max)
    skipped_rows: dict[str, int] = field(default_factory=dict)  # stored rows out of range, left out above

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["accuracy_by_section_day"] = [
            {**asdict(s), "accuracy": s.accuracy} for s in self.accuracy_by_section_day
        ]
        d["attempts_per_day"] = [{"day": k, "attempts": n} for k, n in self.attempts_per_day]
        d["accuracy_by_section"] = {
            k: {"attempts": n, "correct": c, "accuracy": c / n if n else 0.0}
            for k, (n, c) in self.accuracy_by_section.items()
        }
        d["due_forecast"] = [{"day": k, "due": n} for k, n in self.due_forecast]
        d["exams"] = [{"day": k, "score": s, "max_score": m} for k, s, m in self.exams]
        return d


def compute(store: Store, *, now: datetime | None = None, forecast_days: int = 30,
            utc_offset_minutes: int = 0) -> Stats:
    now = (now or store.clock()).astimezone(timezone.utc)
    off = utc_offset_minutes * 60.0
    day_expr = "CAST((ts + :off) / 86400 AS INTEGER)"
    params = {"off": off}

    per_section_day = store.query(
        f"SELECT {day_expr} AS d, section, count(*), sum(correct) FROM attempts WHERE {valid_rows_sql('attempts', ('ts', 'correct'))}"
        " GROUP BY d, section ORDER BY d, section",
        params)
    section_days = [SectionDay(_day(d), s, n, int(c)) for d, s, n, c in per_section_day]
    per_day: dict[str, int] = {}
    by_section: dict[str, tuple[int, int]] = {}
    for sd in section_days:  # derived from the same aggregate: no second scan
        per_day[sd.day] = per_day.get(sd.day, 0) + sd.attempts
        n, c = by_section.get(sd.section, (0, 0))
        by_section[sd.section] = (n + sd.attempts, c + sd.correct)

    now_ts = to_ts(now)
    today = int((now_ts + off) // 86400)
    end_day = today + forecast_days - 1
    due_rows = dict(store.query(
        "SELECT max(CAST((due + :off) / 86400 AS INTEGER), :today) AS d, count(*) FROM cards"
        f" WHERE due < (:end + 1) * 86400.0 - :off AND {valid_rows_sql('cards')} GROUP BY d",
        {"off": off, "today": today, "end": end_day}))
    forecast = [(_day(d), int(due_rows.get(d, 0))) for d in range(today, end_day + 1)]

    attempted, passed, subs = store.query(
        "SELECT count(DISTINCT exercise_id), count(DISTINCT CASE WHEN passed THEN exercise_id END), count(*)"
        f" FROM submissions WHERE {valid_rows_sql('submissions')}")[0]
    exams = [(_day(d), s, m) for d, s, m in store.query(
        f"SELECT CAST((finished + :off) / 86400 AS INTEGER), score, max_score FROM exams WHERE {valid_rows_sql('exams')}"
        " ORDER BY finished", params)]
    return Stats(
        generated_at=now.isoformat(),
        total_attempts=sum(per_day.values()),
        total_correct=sum(c for _n, c in by_section.values()),
        accuracy_by_section_day=section_days,
        attempts_per_day=sorted(per_day.items()),
        accuracy_by_section=dict(sorted(by_section.items())),
        due_forecast=forecast,
        exercises_attempted=int(attempted), exercises_passed=int(passed or 0), submissions=int(subs),
        exams=exams,
        skipped_rows=store.invalid_rows(),
    )


def format_text(stats: Stats) -> str:
    """Readable summary for ``studyapp stats``."""
    lines = [f"Attempts: {stats.total_attempts}"
             + (f"  (correct {stats.total_correct}, {100 * stats.total_correct / stats.total_attempts:.0f}%)"
                if stats.total_attempts else "")]
    if stats.accuracy_by_section:
        lines.append("By section:")
        width = max(len(s or "(none)") for s in stats.accuracy_by_section)
        for sec, (n, c) in stats.accuracy_by_section.items():
            lines.append(f"  {sec or '(none)':<{width}}  {c:>6}/{n:<6} {100 * c / n:5.1f}%")
    recent = stats.attempts_per_day[-7:]
    if recent:
        lines.append("Attempts per day (last 7 active days):")
        lines += [f"  {d}  {n}" for d, n in recent]
    due_today = stats.due_forecast[0][1] if stats.due_forecast else 0
    lines.append(f"Due today: {due_today}; next {len(stats.due_forecast)} days: "
                 f"{sum(n for _d, n in stats.due_forecast)}")
    lines.append(f"Code exercises passed: {stats.exercises_passed}/{stats.exercises_attempted} "
                 f"({stats.submissions} submissions)")
    if stats.exams:
        last = stats.exams[-1]
        lines.append(f"Exams: {len(stats.exams)}; last {last[0]}: {last[1]:g}/{last[2]:g}")
    if stats.skipped_rows:
        lines.append("Left out (stored values out of range; see 'studyapp progress check'): "
                     + ", ".join(f"{n} {table}" for table, n in stats.skipped_rows.items()))
    return "\n".join(lines)
