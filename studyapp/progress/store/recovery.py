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
    if wal.exists() and wal.stat().st_size > 0:
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
            wal_copy.unlink(missing_ok=True)
            raise StoreError(f"cannot open {store.path}: {exc}") from exc
        problem = str(exc) or type(exc).__name__
    if problem is None:
        assert conn is not None
        wal_copy.unlink(missing_ok=True)
        return conn
    if conn is not None:
        conn.close()
    if wal_copy.exists():
        os.replace(wal_copy, wal)
    aside = move_aside(store)
    store.recovered_to = aside
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

