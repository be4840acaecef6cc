"""Writes that could not reach the database yet, kept so that nothing the learner did is lost.

When a write fails because the database is locked by another process,
read-only, or on a full disk, the store keeps the operation here, in order:
in memory, and in a small journal file in the cache directory (which is
usually on another, writable place when the data dir is not). The store
retries them in order (:meth:`Store.flush_pending`) and on the next start.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import fields, is_dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .records import Attempt, CardRow, ExamRecord, Review, Submission

_TYPES = {cls.__name__: cls for cls in (Attempt, CardRow, Submission, ExamRecord, Review)}
_TUPLE_FIELDS = {"tags", "items"}

# What went wrong, as a key the UI translates.
LOCKED, READ_ONLY, DISK_FULL, IO_ERROR = "locked", "read_only", "disk_full", "io_error"


def classify(exc: BaseException) -> str:
    """The learner-facing kind of a failed write."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return LOCKED
    if "readonly" in text or "read-only" in text or "permission" in text or "unable to open" in text:
        return READ_ONLY
    if "full" in text or getattr(exc, "errno", None) == 28:
        return DISK_FULL
    return IO_ERROR


def is_transient(exc: BaseException) -> bool:
    """Errors of the place, not of the data: worth keeping the write and trying again later."""
    return isinstance(exc, (sqlite3.OperationalError, OSError))


def encode(value: Any) -> Any:
    """JSON-able form of a write's arguments (records, datetimes, tuples)."""
    if isinstance(value, datetime):
        return {"__datetime__": value.timestamp()}
    if is_dataclass(value) and not isinstance(value, type):
        return {"__record__": type(value).__name__, **{f.name: encode(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "__datetime__" in value:
            return datetime.fromtimestamp(value["__datetime__"], timezone.utc)
        if "__record__" in value:
            cls = _TYPES[value["__record__"]]
            args = {k: decode(v) for k, v in value.items() if k != "__record__"}
            for name in _TUPLE_FIELDS & args.keys():
                args[name] = tuple(tuple(x) if isinstance(x, list) else x for x in args[name])
            return cls(**args)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def journal_path(db_path: Path) -> Path:
    from studyapp.paths import cache_dir

    key = hashlib.sha256(str(db_path.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / "pending-writes" / f"{key}.json"


class PendingWrites:
    """An ordered list of ``(operation name, arguments)``, mirrored to a journal file when possible."""

    def __init__(self, journal: Path) -> None:
        self.journal = journal
        self.ops: list[tuple[str, list[Any]]] = []
        self.journal_ok = True
        try:
            raw = json.loads(journal.read_text(encoding="utf-8"))
            self.ops = [(str(name), decode(args)) for name, args in raw["ops"]]
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def __len__(self) -> int:
        return len(self.ops)

    def add(self, name: str, args: list[Any]) -> None:
        self.ops.append((name, args))
        self._save()

    def drop_first(self) -> None:
        self.ops.pop(0)
        self._save()

    def _save(self) -> None:
        """Rewrite the journal atomically; a journal that cannot be written leaves the writes in memory only."""
        tmp: str | None = None
        try:
            if not self.ops:
                self.journal.unlink(missing_ok=True)
                self.journal_ok = True
                return
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.journal.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"ops": [[name, encode(args)] for name, args in self.ops]}, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.journal)
            tmp = None
            self.journal_ok = True
        except OSError:
            self.journal_ok = False
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def latest_draft(self, exercise_id: str) -> tuple[bool, str | None]:
        """``(known, source)`` of the newest pending draft change of an exercise (``None``: deleted)."""
        for name, args in reversed(self.ops):
            if name == "save_draft" and args[0] == exercise_id:
                return True, args[1]
            if name == "delete_draft" and args[0] == exercise_id:
                return True, None
        return False, None
