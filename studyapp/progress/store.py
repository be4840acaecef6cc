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

import json
import os
import shutil
import sqlite3
import threading
import uuid as uuidlib
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

Clock = Callable[[], datetime]

DB_NAME = "progress.sqlite3"
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
EXPORT_FORMAT = "studyapp-progress"
EXPORT_VERSION = 1


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


# --------------------------------------------------------------------------- schema

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


# --------------------------------------------------------------------------- records

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
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)


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


# --------------------------------------------------------------------------- store

class Store:
    """The progress database.  Use :meth:`open` for the default location."""

    def __init__(self, path: str | os.PathLike[str], *, clock: Clock = utc_now) -> None:
        self.path = Path(path)
        self.clock = clock
        self.recovery_message: str | None = None
        self.recovered_to: Path | None = None
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = self._open_checked()
        try:
            self._migrate()
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None, *, clock: Clock = utc_now) -> "Store":
        from studyapp.paths import data_dir as resolve

        return cls(resolve(data_dir) / DB_NAME, clock=clock)

    # -- lifecycle -----------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10.0)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_checked(self) -> sqlite3.Connection:
        existed = self.path.exists() and self.path.stat().st_size > 0
        # SQLite may checkpoint or delete a -wal it cannot use when the check's connection
        # closes; keep a copy (a -wal only survives a crash, so this is rare and small) so a
        # damaged database is moved aside complete.
        wal = self.path.with_name(self.path.name + "-wal")
        wal_copy = self.path.with_name(self.path.name + "-wal.precheck")
        if wal.exists() and wal.stat().st_size > 0:
            shutil.copyfile(wal, wal_copy)
        problem: str | None = None
        conn: sqlite3.Connection | None = None
        try:
            conn = self._connect()
            if existed:
                rows = conn.execute("PRAGMA quick_check").fetchall()
                if rows != [("ok",)]:
                    problem = "; ".join(str(r[0]) for r in rows[:5])
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            if code is not None and code & 0xFF not in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
                # locked / busy / I/O / permission: not damage -- never move a healthy file aside
                if conn is not None:
                    conn.close()
                wal_copy.unlink(missing_ok=True)
                raise StoreError(f"cannot open {self.path}: {exc}") from exc
            problem = str(exc) or type(exc).__name__
        if problem is None:
            assert conn is not None
            wal_copy.unlink(missing_ok=True)
            return conn
        if conn is not None:
            conn.close()
        if wal_copy.exists():
            os.replace(wal_copy, wal)
        aside = self._move_aside()
        self.recovered_to = aside
        self.recovery_message = (
            f"The progress database {self.path} was damaged ({problem}). "
            f"It was moved aside to {aside} and a fresh database was started; "
            "the damaged file is kept so nothing is lost."
        )
        return self._connect()

    def _move_aside(self) -> Path:
        stamp = self.clock().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        base = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        aside, n = base, 1
        while aside.exists():
            aside = base.with_name(f"{base.name}.{n}")
            n += 1
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm", "-journal"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + suffix))
        return aside

    def _migrate(self) -> None:
        with self._lock:
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise NewerSchemaError(
                    f"{self.path} has schema version {version}, newer than this app's {SCHEMA_VERSION}; "
                    "update the app (the file was not modified)"
                )
            for number in range(version, SCHEMA_VERSION):
                with self._write() as conn:
                    MIGRATIONS[number](conn)
                    conn.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def integrity_check(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._conn.execute("PRAGMA integrity_check").fetchall()]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

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
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple]:
        """Read-only SQL for the progress modules (statistics); do not write through this."""
        return self._read(sql, params)

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

    def record_attempt(self, attempt: Attempt, card: CardRow | None = None) -> Attempt:
        """Store one attempt (and, in the same transaction, the card's new state)."""
        filled, params = self._attempt_params(attempt)
        with self._write() as conn:
            conn.execute(self._INSERT_ATTEMPT, params)
            if card is not None:
                self._put_card(conn, card)
        return filled

    def undo_attempt(self, uuid: str, card_key: str, previous: CardRow | None) -> None:
        """Remove one attempt and put its card back as it was before (``None``: the card did not exist)."""
        with self._write() as conn:
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
               " hint_used, section, kind, tags, mode FROM attempts")
        params: list[Any] = []
        if item_id is not None:
            sql += " WHERE item_id = ?"
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
        rows = self._read("SELECT item_id, correct, max(ts) FROM attempts GROUP BY item_id")
        return {r[0]: (bool(r[1]), r[2]) for r in rows}

    def recent_accuracy(self, *, by: str = "section", window: int = 20) -> dict[str, tuple[float, int]]:
        """``{section or tag: (accuracy, n)}`` over the last ``window`` attempts of each group."""
        if by == "section":
            # one short index range per section (covering index (section, ts, correct))
            with self._lock:
                sections = [r[0] for r in self._conn.execute("SELECT DISTINCT section FROM attempts")]
                out = {}
                for section in sections:
                    acc, n = self._conn.execute(
                        "SELECT avg(correct), count(*) FROM (SELECT correct FROM attempts WHERE section = ?"
                        " ORDER BY ts DESC, id DESC LIMIT ?)", (section, window)).fetchone()
                    out[section] = (float(acc), int(n))
            return out
        if by == "tag":
            # tags are stored space-separated; walk attempts newest first (index on ts) per tag
            with self._lock:
                tags = sorted({t for (joined,) in self._conn.execute("SELECT DISTINCT tags FROM attempts")
                               for t in joined.split()})
                out = {}
                for tag in tags:
                    acc, n = self._conn.execute(
                        "SELECT avg(correct), count(*) FROM (SELECT correct FROM attempts INDEXED BY attempts_ts"
                        " WHERE instr(' ' || tags || ' ', ?) > 0 ORDER BY ts DESC LIMIT ?)",
                        (f" {tag} ", window),
                    ).fetchone()
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
        with self._write() as conn:
            self._put_card(conn, card)

    _CARD_COLS = ("card_key, target_kind, target_id, card_id, state, step, stability, difficulty, due,"
                  " last_review, reps, lapses")

    @staticmethod
    def _card(r: tuple) -> CardRow:
        return CardRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], from_ts(r[8]), from_ts(r[9]), r[10], r[11])

    def card(self, card_key: str) -> CardRow | None:
        rows = self._read(f"SELECT {self._CARD_COLS} FROM cards WHERE card_key = ?", (card_key,))
        return self._card(rows[0]) if rows else None

    def cards(self) -> list[CardRow]:
        return [self._card(r) for r in self._read(f"SELECT {self._CARD_COLS} FROM cards ORDER BY due")]

    def due_cards(self, until: datetime, *, target_kind: str | None = None) -> list[CardRow]:
        sql = f"SELECT {self._CARD_COLS} FROM cards WHERE due <= ?"
        params: list[Any] = [to_ts(until)]
        if target_kind is not None:
            sql += " AND target_kind = ?"
            params.append(target_kind)
        return [self._card(r) for r in self._read(sql + " ORDER BY due", params)]

    # -- code submissions and drafts --------------------------------------------

    def record_submission(self, submission: Submission, card: CardRow | None = None) -> Submission:
        filled = replace(submission, uuid=submission.uuid or uuidlib.uuid4().hex,
                         at=submission.at or self.clock())
        assert filled.at is not None
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO submissions (uuid, exercise_id, exercise_hash, source, verdict_json, passed, ts)"
                " VALUES (?,?,?,?,?,?,?)",
                (filled.uuid, filled.exercise_id, filled.exercise_hash, filled.source, _json(filled.verdict),
                 int(bool(filled.passed)), to_ts(filled.at)),
            )
            if card is not None:
                self._put_card(conn, card)
        return filled

    def submissions(self, exercise_id: str | None = None) -> list[Submission]:
        sql = "SELECT uuid, exercise_id, exercise_hash, source, verdict_json, passed, ts FROM submissions"
        params: tuple = ()
        if exercise_id is not None:
            sql += " WHERE exercise_id = ?"
            params = (exercise_id,)
        return [
            Submission(uuid=r[0], exercise_id=r[1], exercise_hash=r[2], source=r[3], verdict=_loads(r[4]),
                       passed=bool(r[5]), at=from_ts(r[6]))
            for r in self._read(sql + " ORDER BY ts DESC, id DESC", params)
        ]

    def passed_exercise_ids(self) -> set[str]:
        """Exercises with at least one passing submission (without loading sources or verdicts)."""
        return {r[0] for r in self._read("SELECT DISTINCT exercise_id FROM submissions WHERE passed", ())}

    def save_draft(self, exercise_id: str, source: str) -> None:
        """Autosave (one small upsert; cheap enough for every debounced keystroke)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO drafts (exercise_id, source, updated) VALUES (?,?,?)"
                " ON CONFLICT(exercise_id) DO UPDATE SET source=excluded.source, updated=excluded.updated",
                (exercise_id, source, to_ts(self.clock())),
            )

    def load_draft(self, exercise_id: str) -> str | None:
        rows = self._read("SELECT source FROM drafts WHERE exercise_id = ?", (exercise_id,))
        return rows[0][0] if rows else None

    def delete_draft(self, exercise_id: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM drafts WHERE exercise_id = ?", (exercise_id,))

    # -- bookmarks ---------------------------------------------------------------

    def set_bookmark(self, item_id: str, marked: bool = True, note: str = "") -> None:
        with self._write() as conn:
            if marked:
                conn.execute(
                    "INSERT INTO bookmarks (item_id, note, ts) VALUES (?,?,?)"
                    " ON CONFLICT(item_id) DO UPDATE SET note=excluded.note",
                    (item_id, note, to_ts(self.clock())),
                )
            else:
                conn.execute("DELETE FROM bookmarks WHERE item_id = ?", (item_id,))

    def bookmarks(self) -> dict[str, str]:
        """``{item id: note}``, oldest first."""
        return dict(self._read("SELECT item_id, note FROM bookmarks ORDER BY ts, item_id"))

    def is_bookmarked(self, item_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM bookmarks WHERE item_id = ?", (item_id,)))

    # -- exams -------------------------------------------------------------------

    def record_exam(self, exam: ExamRecord) -> ExamRecord:
        filled = replace(exam, uuid=exam.uuid or uuidlib.uuid4().hex)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO exams (uuid, started, finished, duration_s, score, max_score, timed_out, seed, report_json)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (filled.uuid, to_ts(filled.started), to_ts(filled.finished), filled.duration_s, filled.score,
                 filled.max_score, int(filled.timed_out), filled.seed, _json(dict(filled.report))),
            )
            conn.executemany(
                "INSERT INTO exam_items (exam_uuid, position, item_id, section, answer_json, score, correct)"
                " VALUES (?,?,?,?,?,?,?)",
                [(filled.uuid, i, it[0], it[1], _json(it[2]), float(it[3]), int(bool(it[4])))
                 for i, it in enumerate(filled.items)],
            )
        return filled

    def exams(self) -> list[ExamRecord]:
        """Exam history, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT uuid, started, finished, duration_s, score, max_score, timed_out, seed, report_json"
                " FROM exams ORDER BY finished, uuid").fetchall()
            out = []
            for r in rows:
                items = tuple(
                    (i[0], i[1], _loads(i[2]), i[3], bool(i[4]))
                    for i in self._conn.execute(
                        "SELECT item_id, section, answer_json, score, correct FROM exam_items"
                        " WHERE exam_uuid = ? ORDER BY position", (r[0],))
                )
                out.append(ExamRecord(uuid=r[0], started=from_ts(r[1]), finished=from_ts(r[2]),  # type: ignore[arg-type]
                                      duration_s=r[3], score=r[4], max_score=r[5], timed_out=bool(r[6]),
                                      seed=r[7], report=json.loads(r[8]), items=items))
            return out

    # -- export / import -----------------------------------------------------------

    _EXPORT_TABLES: dict[str, tuple[str, ...]] = {
        "attempts": ("uuid", "item_id", "item_hash", "bank_hash", "answer_json", "score", "correct", "seconds",
                     "ts", "hint_used", "section", "kind", "tags", "mode"),
        "submissions": ("uuid", "exercise_id", "exercise_hash", "source", "verdict_json", "passed", "ts"),
        "drafts": ("exercise_id", "source", "updated"),
        "bookmarks": ("item_id", "note", "ts"),
        "cards": ("card_key", "target_kind", "target_id", "card_id", "state", "step", "stability", "difficulty",
                  "due", "last_review", "reps", "lapses"),
        "exams": ("uuid", "started", "finished", "duration_s", "score", "max_score", "timed_out", "seed",
                  "report_json"),
        "exam_items": ("exam_uuid", "position", "item_id", "section", "answer_json", "score", "correct"),
    }

    def export_data(self) -> dict[str, Any]:
        """Everything as plain JSON-able data (rows as lists in the column order given)."""
        with self._lock:
            self._conn.execute("BEGIN")  # one consistent snapshot
            try:
                tables = {
                    name: {"columns": list(cols),
                           "rows": [list(r) for r in self._conn.execute(f"SELECT {', '.join(cols)} FROM {name}")]}
                    for name, cols in self._EXPORT_TABLES.items()
                }
            finally:
                self._conn.execute("COMMIT")
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "schema": SCHEMA_VERSION,
                "exported_at": self.clock().isoformat(), "tables": tables}

    def import_data(self, data: Mapping[str, Any]) -> dict[str, int]:
        """Merge an export: rows already present (same uuid / key) are kept, so importing twice adds nothing.

        Drafts keep the newer text; cards keep the state with the later last review.
        Returns ``{table: rows added or changed}``.
        """
        if data.get("format") != EXPORT_FORMAT:
            raise StoreError("not a studyapp progress export")
        if int(data.get("version", 0)) > EXPORT_VERSION:
            raise StoreError(f"export version {data.get('version')} is newer than this app understands")
        tables = data.get("tables", {})
        counts: dict[str, int] = {}
        with self._write() as conn:
            for name, cols in self._EXPORT_TABLES.items():
                block = tables.get(name)
                if not block:
                    counts[name] = 0
                    continue
                given = list(block["columns"])
                unknown = set(given) - set(cols)
                if unknown:
                    raise StoreError(f"unknown columns in {name}: {sorted(unknown)}")
                collist = ", ".join(given)
                marks = ", ".join("?" for _ in given)
                if name == "drafts":
                    sql = (f"INSERT INTO drafts ({collist}) VALUES ({marks}) ON CONFLICT(exercise_id) DO UPDATE"
                           " SET source=excluded.source, updated=excluded.updated WHERE excluded.updated > drafts.updated")
                elif name == "cards":
                    updates = ", ".join(f"{c}=excluded.{c}" for c in given if c != "card_key")
                    sql = (f"INSERT INTO cards ({collist}) VALUES ({marks}) ON CONFLICT(card_key) DO UPDATE SET {updates}"
                           " WHERE coalesce(excluded.last_review, 0) > coalesce(cards.last_review, 0)")
                else:
                    sql = f"INSERT OR IGNORE INTO {name} ({collist}) VALUES ({marks})"
                before = conn.total_changes
                conn.executemany(sql, [tuple(r) for r in block["rows"]])
                counts[name] = conn.total_changes - before
        return counts
