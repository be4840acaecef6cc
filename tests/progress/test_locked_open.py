"""A healthy database that another process holds locked is never taken for damage, on every
Python version (``sqlite_errorcode`` only exists from 3.11 on)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.progress import store as store_module
from studyapp.progress.store import Store, StoreError, recovery

HOLDER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO bookmarks (item_id, note, ts) VALUES ('held', '', 1)")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def _healthy_database(directory: Path) -> Path:
    store = Store.open(directory)
    store.save_draft("gru_cell_forward", "def f(): pass\n")
    store.close()
    return directory / store_module.DB_NAME


def test_write_locked_healthy_database_is_not_moved_aside(tmp_path, monkeypatch):
    path = _healthy_database(tmp_path)
    real_connect = sqlite3.connect
    # the store waits up to 10 s for a lock; a short wait shows the same outcome quickly
    monkeypatch.setattr(store_module.sqlite3, "connect", lambda *a, **k: real_connect(*a, **{**k, "timeout": 0.3}))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = sorted(p.name for p in tmp_path.iterdir())
        with pytest.raises(StoreError, match="locked"):
            Store.open(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == before
        assert not list(tmp_path.glob("*.corrupt-*"))
    finally:
        holder.communicate("\n", timeout=30)
    monkeypatch.undo()
    reopened = Store.open(tmp_path)
    try:
        assert reopened.recovered_to is None
        assert reopened.load_draft("gru_cell_forward") == "def f(): pass\n"
    finally:
        reopened.close()


@pytest.mark.parametrize(("error", "damage"), [
    (sqlite3.OperationalError("database is locked"), False),
    (sqlite3.OperationalError("disk I/O error"), False),
    (sqlite3.OperationalError("unable to open database file"), False),
    (sqlite3.DatabaseError("file is not a database"), True),
    (sqlite3.DatabaseError("database disk image is malformed"), True),
])
def test_damage_is_told_apart_without_sqlite_errorcode(error, damage):
    """What Python 3.10 raises: the same classes, no error code attribute."""
    assert getattr(error, "sqlite_errorcode", None) is None
    assert recovery.is_damage(error) is damage
