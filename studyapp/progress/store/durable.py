"""The store's write path that loses nothing: try the write, else keep it pending and retry in order.

A mixin of :class:`~.core.Store` (kept apart so each file stays readable);
it uses the store's lock, connection and ``_apply_<name>`` methods.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Callable

from .pending import classify, is_transient
from .records import Review

Listener = Callable[[], None]


class DurableWrites:
    """Writes go through :meth:`_durable`; failures of the place are kept (see :mod:`.pending`)."""


    def add_listener(self, listener: Listener) -> None:
        """Called (from the writing thread) whenever :attr:`write_problem` or the pending count changes."""
        self._listeners.append(listener)

    def _set_problem(self, problem: str | None, detail: str = "") -> None:
        self.write_problem, self.write_problem_detail = problem, detail
        for listener in list(self._listeners):
            listener()

    def pending_count(self) -> int:
        return len(self._pending)

    def _durable(self, name: str, *args: Any) -> None:
        """Apply one write; if the place fails (locked, read-only, full), keep it pending instead of losing it."""
        with self._lock:
            if self._pending or not self._try_apply(name, list(args)):
                self._pending.add(name, list(args))
                self.flush_pending()

    def _try_apply(self, name: str, args: list[Any]) -> bool:
        """One write in its own transaction; ``False`` (and :attr:`write_problem` set) if the place failed."""
        if self.reviewer is None and any(isinstance(a, Review) for a in args):
            from studyapp.progress.scheduling import ReviewScheduler

            ReviewScheduler(self)  # the default scheduler registers itself as the reviewer
        try:
            if self.read_only:
                raise sqlite3.OperationalError("attempt to write a readonly database")
            with self._write() as conn:
                getattr(self, "_apply_" + name)(conn, *args)
        except Exception as exc:  # noqa: BLE001 - only errors of the place are kept for later
            if not is_transient(exc):
                raise
            self._set_problem(classify(exc), str(exc))
            return False
        return True

    def flush_pending(self) -> bool:
        """Apply the pending writes in order; ``True`` when none is left."""
        with self._lock:
            if self._flushing:  # re-entered (the default scheduler registering itself): the outer call goes on
                return False
            self._flushing = True
            try:
                return self._flush()
            finally:
                self._flushing = False
        self._reindexed = False
        self.read_problem: str | None = None  # a read that failed on a damaged page (see _read)

    def _flush(self) -> bool:
        while self._pending:
            name, args = self._pending.ops[0]
            try:
                if not self._try_apply(name, args):
                    break
            except Exception:
                self._pending.drop_first()  # a bug in the data, not the place: retrying cannot help
                raise
            self._pending.drop_first()
        if not self._pending and self.write_problem is not None and not self.read_only:
            self._set_problem(None)
        elif self._pending:
            for listener in list(self._listeners):
                listener()
        return not self._pending

