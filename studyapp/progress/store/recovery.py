"""Opening a possibly damaged database: check it, and move a damaged file aside."""
from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .records import StoreError

if TYPE_CHECKING:
    from .core import Store

_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_DAMAGE_WORDS = ("malformed", "not a database", "corrupt")


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether an error means the file is damaged (rather than locked, busy, read-only or unreachable).

    ``sqlite_errorcode`` exists from Python 3.11; on older versions the
    message is all there is, and only damage wording counts as damage, so a
    locked or unreadable healthy file is never moved aside.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc).lower()
    return any(word in text for word in _DAMAGE_WORDS)


def is_locked(exc: BaseException) -> bool:
    """Whether an error is another connection holding the lock (worth retrying)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
    text = str(exc).lower()
    return "locked" in text or "busy" in text



def open_checked(store: "Store") -> sqlite3.Connection:
    """A checked connection to ``store.path``; a damaged file is moved aside and a fresh one started."""
    existed = store.path.exists() and store.path.stat().st_size > 0
    # SQLite may checkpoint or delete a -wal it cannot use when the check's connection
    # closes; keep a copy (a -wal only survives a crash, so this is rare and small) so a
    # damaged database is moved aside complete.
    wal = store.path.with_name(store.path.name + "-wal")
    wal_copy = store.path.with_name(store.path.name + "-wal.precheck")
    if wal.exists() and wal.stat().st_size > 0 and not store.read_only:
        shutil.copyfile(wal, wal_copy)
    problem: str | None = None
    conn: sqlite3.Connection | None = None
    try:
        conn = store._connect()
        if existed:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if rows != [("ok",)]:
                problem = "; ".join(str(r[0]) for r in rows[:5])
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            # locked / busy / I/O / permission: not damage -- never move a healthy file aside
            if conn is not None:
                conn.close()
            _unlink(wal_copy)
            raise StoreError(f"cannot open {store.path}: {exc}") from exc
        problem = str(exc) or type(exc).__name__
    if problem is None:
        assert conn is not None
        _unlink(wal_copy)
        return conn
    if store.read_only:
        raise StoreError(f"the progress database {store.path} is damaged ({problem}) and read-only, so it cannot be repaired")
    if conn is not None:
        conn.close()
    if wal_copy.exists():
        os.replace(wal_copy, wal)
    aside = move_aside(store)
    store.recovered_to = aside
    store.damage = problem
    store.recovery_message = (
        f"The progress database {store.path} was damaged ({problem}). "
        f"It was moved aside to {aside} and a fresh database was started; "
        "the damaged file is kept so nothing is lost."
    )
    return store._connect()

def move_aside(store: "Store") -> Path:
    """Rename the file and its -wal/-shm/-journal to ``<name>.corrupt-<UTC stamp>``; never overwrite an earlier one."""
    stamp = store.clock().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base = store.path.with_name(f"{store.path.name}.corrupt-{stamp}")
    aside, n = base, 1
    while aside.exists():
        aside = base.with_name(f"{base.name}.{n}")
        n += 1
    os.replace(store.path, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        side = store.path.with_name(store.path.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    return aside



def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def salvage_into(store: "Store") -> None:
    """After a damaged file was moved aside: copy its readable rows into the fresh database and say how many."""
    from .salvage import salvage

    assert store.recovered_to is not None
    kept = salvage(store, store.recovered_to)
    store.salvage_report = kept
    rows = ", ".join(f"{n} {table}" for table, n in kept.items() if n) or "no rows"
    store.recovery_message = (
        f"The progress database {store.path} was damaged ({store.damage}). "
        f"{rows} could still be read and were copied into a fresh database; "
        f"the damaged file was moved aside to {store.recovered_to} and is kept."
    )


MARKER_SUFFIX = ".in-use"


def mark_open(store: "Store") -> bool:
    """Note that the store is open; ``True`` if an earlier run did not close it (an unclean shutdown)."""
    marker = store.path.with_name(store.path.name + MARKER_SUFFIX)
    unclean = marker.exists()
    try:
        marker.touch()
    except OSError:
        pass
    return unclean


def mark_closed(store: "Store") -> None:
    _unlink(store.path.with_name(store.path.name + MARKER_SUFFIX))
