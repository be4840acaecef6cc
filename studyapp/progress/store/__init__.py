"""The learner's progress: one SQLite file, ``data_dir()/progress.sqlite3``.

What it records
    attempts (one row per answered item, with a stable ``uuid`` so export and
    import merge without duplicates), code submissions, autosaved drafts of
    code being edited, bookmarks ("mark for review"), exam results and the
    FSRS card state of every item / code exercise.

Durability
    WAL journal, ``synchronous=NORMAL`` (a committed transaction survives a
    crash or ``kill -9`` of the app; only an OS crash / power loss may lose the
    last few commits, never corrupt the file), foreign keys on.  Every write is
    one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``).

Schema
    ``PRAGMA user_version`` holds the number of applied migrations;
    :data:`MIGRATIONS` is the ordered list of forward migrations, each run in
    its own transaction when the store opens.  A file written by a newer app
    (user_version larger than we know) is refused with :class:`NewerSchemaError`
    rather than touched.

Damage
    At open the file is checked (``PRAGMA quick_check``; ``sqlite3.DatabaseError``
    such as "file is not a database" counts as damage).  A damaged file is
    moved aside as ``progress.sqlite3.corrupt-<UTC timestamp>`` together with
    its ``-wal`` / ``-shm`` files, a fresh database is started and
    :attr:`Store.recovery_message` says what happened so the UI can show it.

Threads
    One connection guarded by a re-entrant lock: the UI thread and a grading
    worker may both call any method.

Content updates
    Item ids are stable; attempts keep the item's content hash at the time of
    answering.  :meth:`Store.attempt_status` classifies every attempt against
    the current library's ``{item id: content hash}`` as ``current``,
    ``changed`` or ``removed`` -- nothing is deleted.

Time is epoch seconds (UTC, REAL) in the database; the API speaks aware UTC
datetimes and takes an injectable ``clock``.
"""
from __future__ import annotations

import sqlite3  # noqa: F401 - tests patch ``store.sqlite3.connect``

from .core import DB_NAME, Store
from . import schema  # noqa: F401 - tests patch store.schema.MIGRATIONS
from .records import (Attempt, CardRow, Clock, ExamRecord, NewerSchemaError, StoreError, Submission, from_ts, to_ts,
                      utc_now)
from .schema import MIGRATIONS, SCHEMA_VERSION
from .transfer import EXPORT_FORMAT, EXPORT_VERSION, ImportReport, read_export

__all__ = ["DB_NAME", "EXPORT_FORMAT", "EXPORT_VERSION", "MIGRATIONS", "SCHEMA_VERSION", "Attempt", "CardRow", "Clock",
           "ExamRecord", "ImportReport", "NewerSchemaError", "Store", "StoreError", "Submission", "from_ts", "read_export", "to_ts", "utc_now"]
