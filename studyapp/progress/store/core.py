"""The :class:`Store` façade: one SQLite connection, its write transactions and the record readers/writers."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid as uuidlib
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from . import recovery, schema, transfer
from .durable import DurableWrites, Listener
from .pending import PendingWrites, journal_path
from .records import (Attempt, CardRow, Clock, ExamRecord, NewerSchemaError, Review, StoreError, Submission, _json,
                      _loads, from_ts, to_ts, utc_now)
from .validity import invalid_row_counts, valid_rows_sql

Reviewer = Callable[[Review, "CardRow | None"], CardRow]

DB_NAME = "progress.sqlite3"
# readers only see rows every screen can use; out-of-range rows are counted by Store.invalid_rows()
_OK = {table: valid_rows_sql(table) for table in ("attempts", "submissions", "drafts", "bookmarks", "cards", "exams", "exam_items")}
_OK_RESULT = valid_rows_sql("attempts", ("ts", "correct"))  # on the covering indexes (.., ts, correct)


class Store(DurableWrites):
    """The progress database.  Use :meth:`open` for the default location."""

    def __init__(self, path: str | os.PathLike[str], *, clock: Clock = utc_now, busy_timeout: float = 10.0) -> None:
        """``busy_timeout``: how long one write waits for another process's lock before it is
        kept as pending (the UI passes a short one so that it never freezes)."""
        self.path = Path(path)
        self.clock = clock
        self.busy_timeout = busy_timeout
        self.recovery_message: str | None = None
        self.recovered_to: Path | None = None
        self.salvage_report: dict[str, int] | None = None  # rows copied out of a damaged file
        self.damage: str | None = None
        self.unclean_shutdown = False  # the last run did not close the store: worth a full integrity check
        self.reviewer: Reviewer | None = None
        self.write_problem: str | None = None  # see pending.LOCKED etc.; None while writes succeed
        self.write_problem_detail = ""
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()
        self._flushing = False
        self._reindexed = False
        self.read_problem: str | None = None  # a read that failed on a damaged page (see _read)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():  # private: SQLite gives its -wal/-shm files the database file's mode
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as exc:
            if not self.path.exists():
                raise StoreError(f"cannot create the data folder {self.path.parent}: {exc.strerror or exc}") from exc
        self.read_only = self.path.exists() and not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))
        self._pending = PendingWrites(journal_path(self.path))
        try:
            self._conn = recovery.open_checked(self)
        except sqlite3.OperationalError as exc:  # e.g. a new file in a read-only folder
            raise StoreError(f"cannot open {self.path}: {exc}") from exc
        try:
            self._migrate()
        except BaseException:
            self._conn.close()
            raise
        if self.recovered_to is not None:
            recovery.salvage_into(self)
        if not self.read_only:
            self.unclean_shutdown = recovery.mark_open(self)
        if self.read_only:
            self._set_problem("read_only", f"{self.path} is read-only")
        elif self._pending:
            self.flush_pending()  # writes kept by an earlier run (see .pending)

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None, *, clock: Clock = utc_now,
             busy_timeout: float = 10.0) -> "Store":
        from studyapp.paths import data_dir as resolve

        return cls(resolve(data_dir) / DB_NAME, clock=clock, busy_timeout=busy_timeout)

    # -- lifecycle -----------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            return self._connect_read_only()
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=self.busy_timeout)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect_read_only(self) -> sqlite3.Connection:
        """Statistics, review and export work on a file (or folder) the learner cannot write.

        ``mode=ro`` still needs to create the WAL index beside the file; where
        even that is impossible, ``immutable=1`` reads the file as it is.
        """
        uri = self.path.resolve().as_uri()
        for query in ("mode=ro", "mode=ro&immutable=1"):
            conn = sqlite3.connect(f"{uri}?{query}", uri=True, isolation_level=None, check_same_thread=False,
                                   timeout=self.busy_timeout)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return conn
            except sqlite3.OperationalError:
                conn.close()
        raise StoreError(f"cannot open {self.path} even for reading")

    def _migrate(self) -> None:
        with self._lock:
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version > schema.SCHEMA_VERSION:
                raise NewerSchemaError(
                    f"{self.path} has schema version {version}, newer than this app's {schema.SCHEMA_VERSION}; "
                    "update the app (the file was not modified)"
                )
            if self.read_only and version < schema.SCHEMA_VERSION:
                raise StoreError(f"{self.path} is read-only and was written by an older version; it cannot be upgraded in place")
            for number in range(version, schema.SCHEMA_VERSION):
                with self._write() as conn:
                    schema.MIGRATIONS[number](conn)
                    conn.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def check_database(self) -> list[str]:
        """Tools → Check database (see :func:`.salvage.check_database`)."""
        from .salvage import check_database

        return check_database(self)

    def integrity_check(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._conn.execute("PRAGMA integrity_check").fetchall()]

    def close(self) -> None:
        with self._lock:
            if self._pending and not self.read_only:
                self.flush_pending()  # what is still pending stays in the journal for the next start
            self._conn.close()
            if not self.read_only:
                recovery.mark_closed(self)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolls back on any exception."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple]:
        """Rows of a read; a damaged page never crashes a screen.

        On damage the indexes are rebuilt once (an index that disagrees with
        its table is the common case, and ``REINDEX`` repairs it losslessly)
        and the read is tried again; if it still fails, the read gives no
        rows and :attr:`read_problem` says why (shown by Tools → Check database).
        """
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                if not recovery.is_damage(exc):
                    raise
                self.read_problem = str(exc)
            if not self.read_only and not self._reindexed:
                self._reindexed = True
                try:
                    self._conn.execute("REINDEX")
                    return self._conn.execute(sql, params).fetchall()
                except sqlite3.DatabaseError:
                    pass
            return []

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple]:
        """Read-only SQL for the progress modules (statistics); do not write through this."""
        return self._read(sql, params)

    def invalid_rows(self) -> dict[str, int]:
        """``{table: stored rows out of range}``: rows the readers skip (reported by stats and Check database)."""
        return invalid_row_counts(self._read)

    def now(self) -> datetime:
        return self.clock()

    # -- attempts ------------------------------------------------------------

    def _attempt_params(self, attempt: Attempt) -> tuple[Attempt, tuple]:
        filled = attempt
        if not attempt.uuid or attempt.at is None:
            filled = replace(attempt, uuid=attempt.uuid or uuidlib.uuid4().hex, at=attempt.at or self.clock())
        assert filled.at is not None
        return filled, (
            filled.uuid, filled.item_id, filled.item_hash, filled.bank_hash, _json(filled.answer),
            float(filled.score), int(bool(filled.correct)), filled.seconds, to_ts(filled.at),
            int(bool(filled.hint_used)), filled.section, filled.kind, " ".join(filled.tags), filled.mode,
        )

    _INSERT_ATTEMPT = (
        "INSERT OR IGNORE INTO attempts (uuid, item_id, item_hash, bank_hash, answer_json, score, correct,"
        " seconds, ts, hint_used, section, kind, tags, mode) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )

    def record_attempt(self, attempt: Attempt, card: CardRow | None = None, *, review: Review | None = None) -> Attempt:
        """Store one attempt and, in the same transaction, the card's new state: ``card`` as given,
        or ``review`` applied to the card as it is inside that transaction."""
        filled, _params = self._attempt_params(attempt)
        self._durable("record_attempt", filled, card, review)
        return filled

    def _apply_record_attempt(self, conn: sqlite3.Connection, attempt: Attempt, card: CardRow | None,
                              review: Review | None) -> None:
        conn.execute(self._INSERT_ATTEMPT, self._attempt_params(attempt)[1])
        self._apply_card(conn, card, review)

    def _apply_card(self, conn: sqlite3.Connection, card: CardRow | None, review: Review | None) -> None:
        if review is not None:
            assert self.reviewer is not None
            rows = conn.execute(f"SELECT {self._CARD_COLS} FROM cards WHERE card_key = ? AND {_OK['cards']}",
                                (review.card_key,)).fetchall()
            card = self.reviewer(review, self._card(rows[0]) if rows else None)
        if card is not None:
            self._put_card(conn, card)

    def undo_attempt(self, uuid: str, card_key: str, previous: CardRow | None) -> None:
        """Remove one attempt and put its card back as it was (``None``: it did not exist): Undo."""
        self._durable("undo_attempt", uuid, card_key, previous)

    def _apply_undo_attempt(self, conn: sqlite3.Connection, uuid: str, card_key: str,
                            previous: CardRow | None) -> None:
        conn.execute("DELETE FROM attempts WHERE uuid = ?", (uuid,))
        if previous is None:
            conn.execute("DELETE FROM cards WHERE card_key = ?", (card_key,))
        else:
            self._put_card(conn, previous)

    def record_attempts(self, attempts: Iterable[Attempt]) -> int:
        """Batch insert (one transaction, ``executemany``); cards are not touched."""
        rows = [self._attempt_params(a)[1] for a in attempts]
        with self._write() as conn:
            before = conn.total_changes
            conn.executemany(self._INSERT_ATTEMPT, rows)
            return conn.total_changes - before

    def attempts(self, item_id: str | None = None, *, limit: int | None = None) -> list[Attempt]:
        """Attempts, newest first (optionally of one item)."""
        sql = ("SELECT uuid, item_id, item_hash, bank_hash, answer_json, score, correct, seconds, ts,"
               f" hint_used, section, kind, tags, mode FROM attempts WHERE {_OK['attempts']}")
        params: list[Any] = []
        if item_id is not None:
            sql += " AND item_id = ?"
            params.append(item_id)
        sql += " ORDER BY ts DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [
            Attempt(uuid=r[0], item_id=r[1], item_hash=r[2], bank_hash=r[3], answer=_loads(r[4]), score=r[5],
                    correct=bool(r[6]), seconds=r[7], at=from_ts(r[8]), hint_used=bool(r[9]), section=r[10],
                    kind=r[11], tags=tuple(r[12].split()) if r[12] else (), mode=r[13])
            for r in self._read(sql, params)
        ]

    def attempt_uuids(self) -> set[str]:
        return {r[0] for r in self._read("SELECT uuid FROM attempts")}

    def attempt_count(self) -> int:
        return int(self._read("SELECT count(*) FROM attempts")[0][0])

    def attempt_status(self, current: Mapping[str, str]) -> dict[str, str]:
        """``{attempt uuid: 'current' | 'changed' | 'removed'}`` against ``{item id: content hash}``.

        An attempt recorded without a hash (old data) counts as current while its item exists.
        """
        with self._lock:
            conn = self._conn
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS _current (item_id TEXT PRIMARY KEY, hash TEXT)")
            conn.execute("DELETE FROM _current")
            conn.executemany("INSERT OR REPLACE INTO _current VALUES (?, ?)", list(current.items()))
            rows = conn.execute(
                "SELECT a.uuid, CASE WHEN c.item_id IS NULL THEN 'removed'"
                " WHEN a.item_hash = '' OR a.item_hash = c.hash THEN 'current' ELSE 'changed' END"
                " FROM attempts a LEFT JOIN _current c ON c.item_id = a.item_id"
            ).fetchall()
            conn.execute("DELETE FROM _current")
        return dict(rows)

    def attempt_status_counts(self, current: Mapping[str, str]) -> dict[str, int]:
        counts = {"current": 0, "changed": 0, "removed": 0}
        for status in self.attempt_status(current).values():
            counts[status] += 1
        return counts

    def last_results(self) -> dict[str, tuple[bool, float]]:
        """``{item id: (last attempt correct, its ts)}``."""
        # SQLite returns the bare column ``correct`` from the row holding max(ts); the covering
        # index (item_id, ts, correct) makes this one index scan.
        rows = self._read(f"SELECT item_id, correct, max(ts) FROM attempts WHERE {_OK_RESULT} GROUP BY item_id")
        return {r[0]: (bool(r[1]), r[2]) for r in rows}

    def recent_accuracy(self, *, by: str = "section", window: int = 20) -> dict[str, tuple[float, int]]:
        """``{section or tag: (accuracy, n)}`` over the last ``window`` attempts of each group."""
        if by == "section":
            # one short index range per section (covering index (section, ts, correct))
            with self._lock:
                sections = [r[0] for r in self._read("SELECT DISTINCT section FROM attempts")]
                out = {}
                for section in sections:
                    acc, n = self._read(
                        f"SELECT avg(correct), count(*) FROM (SELECT correct FROM attempts WHERE section = ? AND {_OK_RESULT}"
                        " ORDER BY ts DESC, id DESC LIMIT ?)", (section, window))[0]
                    if n:
                        out[section] = (float(acc), int(n))
            return out
        if by == "tag":
            # tags are stored space-separated; walk attempts newest first (index on ts) per tag
            with self._lock:
                tags = sorted({t for (joined,) in self._read("SELECT DISTINCT tags FROM attempts WHERE typeof(tags) = 'text'")
                               for t in joined.split()})
                out = {}
                for tag in tags:
                    acc, n = self._read(
                        "SELECT avg(correct), count(*) FROM (SELECT correct FROM attempts INDEXED BY attempts_ts"
                        f" WHERE instr(' ' || tags || ' ', ?) > 0 AND {_OK_RESULT} ORDER BY ts DESC LIMIT ?)",
                        (f" {tag} ", window),
                    )[0]
                    if n:
                        out[tag] = (float(acc), int(n))
            return out
        raise ValueError(f"by must be 'section' or 'tag', not {by!r}")

    # -- cards -----------------------------------------------------------------

    @staticmethod
    def _put_card(conn: sqlite3.Connection, card: CardRow) -> None:
        conn.execute(
            "INSERT INTO cards (card_key, target_kind, target_id, card_id, state, step, stability, difficulty,"
            " due, last_review, reps, lapses) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(card_key) DO UPDATE SET card_id=excluded.card_id, state=excluded.state,"
            " step=excluded.step, stability=excluded.stability, difficulty=excluded.difficulty,"
            " due=excluded.due, last_review=excluded.last_review, reps=excluded.reps, lapses=excluded.lapses",
            (card.card_key, card.target_kind, card.target_id, card.card_id, card.state, card.step,
             card.stability, card.difficulty, to_ts(card.due),
             None if card.last_review is None else to_ts(card.last_review), card.reps, card.lapses),
        )

    def put_card(self, card: CardRow) -> None:
        self._durable("put_card", card)

    def _apply_put_card(self, conn: sqlite3.Connection, card: CardRow) -> None:
        self._put_card(conn, card)

    _CARD_COLS = ("card_key, target_kind, target_id, card_id, state, step, stability, difficulty, due,"
                  " last_review, reps, lapses")

    @staticmethod
    def _card(r: tuple) -> CardRow:
        return CardRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], from_ts(r[8]), from_ts(r[9]), r[10], r[11])

    def card(self, card_key: str) -> CardRow | None:
        rows = self._read(f"SELECT {self._CARD_COLS} FROM cards WHERE card_key = ? AND {_OK['cards']}", (card_key,))
        return self._card(rows[0]) if rows else None

    def cards(self) -> list[CardRow]:
        return [self._card(r) for r in self._read(f"SELECT {self._CARD_COLS} FROM cards WHERE {_OK['cards']} ORDER BY due")]

    def due_cards(self, until: datetime, *, target_kind: str | None = None) -> list[CardRow]:
        sql = f"SELECT {self._CARD_COLS} FROM cards WHERE due <= ? AND {_OK['cards']}"
        params: list[Any] = [to_ts(until)]
        if target_kind is not None:
            sql += " AND target_kind = ?"
            params.append(target_kind)
        return [self._card(r) for r in self._read(sql + " ORDER BY due", params)]

    # -- code submissions and drafts --------------------------------------------

    def record_submission(self, submission: Submission, card: CardRow | None = None, *,
                          review: Review | None = None) -> Submission:
        filled = replace(submission, uuid=submission.uuid or uuidlib.uuid4().hex,
                         at=submission.at or self.clock())
        self._durable("record_submission", filled, card, review)
        return filled

    def _apply_record_submission(self, conn: sqlite3.Connection, filled: Submission, card: CardRow | None,
                                 review: Review | None) -> None:
        assert filled.at is not None
        conn.execute(
            "INSERT OR IGNORE INTO submissions (uuid, exercise_id, exercise_hash, source, verdict_json, passed, ts)"
            " VALUES (?,?,?,?,?,?,?)",
            (filled.uuid, filled.exercise_id, filled.exercise_hash, filled.source.encode("utf-8", "replace").decode("utf-8"),
             _json(filled.verdict),
             int(bool(filled.passed)), to_ts(filled.at)),
        )
        self._apply_card(conn, card, review)

    def submissions(self, exercise_id: str | None = None) -> list[Submission]:
        sql = f"SELECT uuid, exercise_id, exercise_hash, source, verdict_json, passed, ts FROM submissions WHERE {_OK['submissions']}"
        params: tuple = ()
        if exercise_id is not None:
            sql += " AND exercise_id = ?"
            params = (exercise_id,)
        return [
            Submission(uuid=r[0], exercise_id=r[1], exercise_hash=r[2], source=r[3], verdict=_loads(r[4]),
                       passed=bool(r[5]), at=from_ts(r[6]))
            for r in self._read(sql + " ORDER BY ts DESC, id DESC", params)
        ]

    def submission_counts(self, exercise_id: str) -> tuple[int, int]:
        """``(passed, failed)`` runs of one exercise, counted in SQL (grading never reloads the history);
        runs the grader itself failed (``internal``) are not the learner's failures."""
        rows = self._read(
            "SELECT count(CASE WHEN passed THEN 1 END), count(CASE WHEN NOT passed AND"
            " coalesce(json_extract(verdict_json, '$.error.kind'), '') != 'internal' THEN 1 END)"
            f" FROM submissions WHERE exercise_id = ? AND {_OK['submissions']}", (exercise_id,))
        passed, failed = rows[0] if rows else (0, 0)
        return int(passed), int(failed)

    def passed_exercise_ids(self) -> set[str]:
        """Exercises with at least one passing submission (without loading sources or verdicts)."""
        return {r[0] for r in self._read(f"SELECT DISTINCT exercise_id FROM submissions WHERE passed AND {_OK['submissions']}", ())}

    def save_draft(self, exercise_id: str, source: str) -> None:
        """Autosave (one small upsert; cheap enough for every debounced keystroke)."""
        self._durable("save_draft", exercise_id, source, to_ts(self.clock()))

    def _apply_save_draft(self, conn: sqlite3.Connection, exercise_id: str, source: str, updated: float) -> None:
        conn.execute(
            "INSERT INTO drafts (exercise_id, source, updated) VALUES (?,?,?)"
            " ON CONFLICT(exercise_id) DO UPDATE SET source=excluded.source, updated=excluded.updated",
            (exercise_id, source, updated),
        )

    def load_draft(self, exercise_id: str) -> str | None:
        known, pending = self._pending.latest_draft(exercise_id)
        if known:  # a draft not yet written is the newest one
            return pending
        rows = self._read(f"SELECT source FROM drafts WHERE exercise_id = ? AND {_OK['drafts']}", (exercise_id,))
        return rows[0][0] if rows else None

    def delete_draft(self, exercise_id: str) -> None:
        self._durable("delete_draft", exercise_id)

    def _apply_delete_draft(self, conn: sqlite3.Connection, exercise_id: str) -> None:
        conn.execute("DELETE FROM drafts WHERE exercise_id = ?", (exercise_id,))

    # -- bookmarks ---------------------------------------------------------------

    def set_bookmark(self, item_id: str, marked: bool = True, note: str = "") -> None:
        self._durable("set_bookmark", item_id, marked, note, to_ts(self.clock()))

    def _apply_set_bookmark(self, conn: sqlite3.Connection, item_id: str, marked: bool, note: str, ts: float) -> None:
        if marked:
            conn.execute(
                "INSERT INTO bookmarks (item_id, note, ts) VALUES (?,?,?)"
                " ON CONFLICT(item_id) DO UPDATE SET note=excluded.note",
                (item_id, note, ts),
            )
        else:
            conn.execute("DELETE FROM bookmarks WHERE item_id = ?", (item_id,))

    def bookmarks(self) -> dict[str, str]:
        """``{item id: note}``, oldest first."""
        return dict(self._read(f"SELECT item_id, note FROM bookmarks WHERE {_OK['bookmarks']} ORDER BY ts, item_id"))

    def is_bookmarked(self, item_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM bookmarks WHERE item_id = ?", (item_id,)))

    # -- exams -------------------------------------------------------------------

    def record_exam(self, exam: ExamRecord) -> ExamRecord:
        filled = replace(exam, uuid=exam.uuid or uuidlib.uuid4().hex)
        self._durable("record_exam", filled)
        return filled

    def _apply_record_exam(self, conn: sqlite3.Connection, filled: ExamRecord) -> None:
        # OR IGNORE: a journal replayed after a crash must not fail on what already landed
        conn.execute(
            "INSERT OR IGNORE INTO exams (uuid, started, finished, duration_s, score, max_score, timed_out, seed, report_json)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (filled.uuid, to_ts(filled.started), to_ts(filled.finished), filled.duration_s, filled.score,
             filled.max_score, int(filled.timed_out), filled.seed, _json(dict(filled.report))),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO exam_items (exam_uuid, position, item_id, section, answer_json, score, correct)"
            " VALUES (?,?,?,?,?,?,?)",
            [(filled.uuid, i, it[0], it[1], _json(it[2]), float(it[3]), int(bool(it[4])))
             for i, it in enumerate(filled.items)],
        )

    def exams(self) -> list[ExamRecord]:
        """Exam history, oldest first."""
        with self._lock:
            rows = self._read(
                "SELECT uuid, started, finished, duration_s, score, max_score, timed_out, seed, report_json"
                f" FROM exams WHERE {_OK['exams']} ORDER BY finished, uuid")
            out = []
            for r in rows:
                items = tuple(
                    (i[0], i[1], _loads(i[2]), i[3], bool(i[4]))
                    for i in self._read(
                        "SELECT item_id, section, answer_json, score, correct FROM exam_items"
                        f" WHERE exam_uuid = ? AND {_OK['exam_items']} ORDER BY position", (r[0],))
                )
                out.append(ExamRecord(uuid=r[0], started=from_ts(r[1]), finished=from_ts(r[2]),  # type: ignore[arg-type]
                                      duration_s=r[3], score=r[4], max_score=r[5], timed_out=bool(r[6]),
                                      seed=r[7], report=json.loads(r[8]), items=items))
            return out

    # -- export / import -----------------------------------------------------------
    def export_data(self) -> dict[str, Any]:
        """Everything as plain JSON-able data (see :mod:`.transfer`)."""
        return transfer.export_data(self)

    def import_data(self, data: Any, **known: Any) -> "transfer.ImportReport":
        """Merge an export after validating all of it (see :func:`.transfer.import_data`)."""
        return transfer.import_data(self, data, **known)
