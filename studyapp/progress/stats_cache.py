"""Statistics computed once per data change: the Statistics screen shows the cached figures instantly.

The key is a cheap fingerprint of everything :func:`studyapp.progress.stats.compute` reads
(row counts and last ids of attempts, submissions and exams, the cards' due dates) plus
the current UTC day, since the due forecast moves with the date.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone

from .stats import Stats, compute
from .store import Store

_FINGERPRINT = (
    "SELECT (SELECT count(*) FROM attempts), (SELECT max(id) FROM attempts),"
    " (SELECT count(*) FROM submissions), (SELECT max(id) FROM submissions),"
    " (SELECT count(*) FROM exams), (SELECT count(*) FROM cards), (SELECT total(due) FROM cards)"
)


def data_fingerprint(store: Store, now: datetime | None = None) -> tuple[object, ...]:
    """What changes whenever the statistics would."""
    day = (now or store.clock()).astimezone(timezone.utc).date().isoformat()
    return (*store.query(_FINGERPRINT)[0], day)


class StatsCache:
    """The last computed :class:`Stats` and the fingerprint it was computed at."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[object, ...] | None = None
        self._stats: Stats | None = None

    def cached(self, store: Store) -> Stats | None:
        """The cached statistics if the data has not changed since, else ``None``."""
        key = data_fingerprint(store)
        with self._lock:
            return self._stats if key == self._key else None

    def compute(self, store: Store) -> Stats:
        """Compute (safe in a worker thread) and remember."""
        key = data_fingerprint(store)
        stats = compute(store)
        with self._lock:
            self._key, self._stats = key, stats
        return stats
