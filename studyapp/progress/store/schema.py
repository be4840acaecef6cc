"""Schema: the ordered forward migrations; ``PRAGMA user_version`` counts those applied."""
from __future__ import annotations

import sqlite3
from typing import Callable

def _script(conn: sqlite3.Connection, sql: str) -> None:
    """Run several statements inside the caller's transaction (``executescript`` would COMMIT first)."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending!r}")


def _migrate_v1(conn: sqlite3.Connection) -> None:
    """Version 1: attempts, code submissions, drafts, bookmarks."""
    _script(conn, 
        """
        CREATE TABLE attempts (
            id          INTEGER PRIMARY KEY,
            uuid        TEXT NOT NULL UNIQUE,
            item_id     TEXT NOT NULL,
            item_hash   TEXT NOT NULL DEFAULT '',
            answer_json TEXT,
            score       REAL NOT NULL,
            seconds     REAL,
            ts          REAL NOT NULL,
            hint_used   INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX attempts_item ON attempts(item_id, ts);
        CREATE TABLE submissions (
            id           INTEGER PRIMARY KEY,
            uuid         TEXT NOT NULL UNIQUE,
            exercise_id  TEXT NOT NULL,
            source       TEXT NOT NULL,
            verdict_json TEXT,
            passed       INTEGER NOT NULL,
            ts           REAL NOT NULL
        );
        CREATE TABLE drafts (
            exercise_id TEXT PRIMARY KEY,
            source      TEXT NOT NULL,
            updated     REAL NOT NULL
        );
        CREATE TABLE bookmarks (
            item_id TEXT PRIMARY KEY,
            note    TEXT NOT NULL DEFAULT '',
            ts      REAL NOT NULL
        );
        """
    )


def _migrate_v2(conn: sqlite3.Connection) -> None:
    """Version 2: attempt metadata for statistics, FSRS cards, exams."""
    _script(conn, 
        """
        ALTER TABLE attempts ADD COLUMN bank_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE attempts ADD COLUMN correct   INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE attempts ADD COLUMN section   TEXT NOT NULL DEFAULT '';
        ALTER TABLE attempts ADD COLUMN kind      TEXT NOT NULL DEFAULT '';
        ALTER TABLE attempts ADD COLUMN tags      TEXT NOT NULL DEFAULT '';
        ALTER TABLE attempts ADD COLUMN mode      TEXT NOT NULL DEFAULT 'practice';
        UPDATE attempts SET correct = (score >= 0.999);
        CREATE INDEX attempts_ts ON attempts(ts);
        CREATE INDEX attempts_section_ts ON attempts(section, ts);
        ALTER TABLE submissions ADD COLUMN exercise_hash TEXT NOT NULL DEFAULT '';
        CREATE INDEX submissions_exercise ON submissions(exercise_id, ts);
        CREATE TABLE cards (
            card_key    TEXT PRIMARY KEY,          -- 'item:<id>' or 'exercise:<id>'
            target_kind TEXT NOT NULL,
            target_id   TEXT NOT NULL,
            card_id     INTEGER NOT NULL,
            state       INTEGER NOT NULL,
            step        INTEGER,
            stability   REAL,
            difficulty  REAL,
            due         REAL NOT NULL,
            last_review REAL,
            reps        INTEGER NOT NULL DEFAULT 0,
            lapses      INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX cards_due ON cards(due);
        CREATE TABLE exams (
            uuid        TEXT PRIMARY KEY,
            started     REAL NOT NULL,
            finished    REAL NOT NULL,
            duration_s  REAL NOT NULL,
            score       REAL NOT NULL,
            max_score   REAL NOT NULL,
            timed_out   INTEGER NOT NULL DEFAULT 0,
            seed        INTEGER,
            report_json TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE exam_items (
            exam_uuid   TEXT NOT NULL REFERENCES exams(uuid) ON DELETE CASCADE,
            position    INTEGER NOT NULL,
            item_id     TEXT NOT NULL,
            section     TEXT NOT NULL DEFAULT '',
            answer_json TEXT,
            score       REAL NOT NULL,
            correct     INTEGER NOT NULL,
            PRIMARY KEY (exam_uuid, position)
        );
        """
    )


def _migrate_v3(conn: sqlite3.Connection) -> None:
    """Version 3: covering indexes for the review queues (last result per item, recent accuracy per section)."""
    _script(conn, """
        DROP INDEX attempts_item;
        CREATE INDEX attempts_item ON attempts(item_id, ts, correct);
        DROP INDEX attempts_section_ts;
        CREATE INDEX attempts_section_ts ON attempts(section, ts, correct);
        """)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_v1, _migrate_v2, _migrate_v3)
SCHEMA_VERSION = len(MIGRATIONS)

