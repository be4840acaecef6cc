"""Copy every readable row out of a damaged database, and check a live one (Tools → Check database).

A damaged file is moved aside (see :mod:`.recovery`); before the learner
starts over, each table is read row by row, skipping what SQLite cannot
read, and every row that passes the import rules goes into the fresh
database. Where the ``sqlite3`` command-line tool is installed, its
``.recover`` (which also reads pages the b-tree no longer reaches) is a
second source; rows are merged by their uuid/key, so nothing is doubled.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .transfer import EXPORT_TABLES
from .validity import COLUMNS

if TYPE_CHECKING:
    from .core import Store

RECOVER_TIMEOUT_S = 120
_MAX_PROBES = 100_000  # rowids tried one by one past damaged pages before giving up on a table


def salvage(store: "Store", damaged: Path) -> dict[str, int]:
    """Copy what can be read from ``damaged`` into ``store``; ``{table: rows kept}``.

    Works on a copy, so the file moved aside stays byte for byte as it was.
    """
    kept = {name: 0 for name in EXPORT_TABLES}
    folder = Path(tempfile.mkdtemp(prefix="studyapp-salvage-"))
    try:
        copy = folder / "damaged.sqlite3"
        shutil.copyfile(damaged, copy)
        wal = damaged.with_name(damaged.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, folder / "damaged.sqlite3-wal")
        _repair_header(copy)
        sources = [s for s in (_recover_with_cli(copy, folder), copy) if s is not None]
        for source in sources:
            for name, count in _copy_rows(store, source).items():
                kept[name] += count
    except OSError:
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return kept


_MAGIC = b"SQLite format 3\x00"


def _template_header(folder: Path, page_size: int) -> bytearray:
    """The 100-byte header of a fresh database with ``page_size`` (a file, as Python 3.10 has no serialize())."""
    template = folder / f".header-{page_size}.sqlite3"
    template.unlink(missing_ok=True)
    conn = sqlite3.connect(template)
    try:
        conn.execute(f"PRAGMA page_size={page_size}")
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    finally:
        conn.close()
    try:
        return bytearray(template.read_bytes()[:100])
    finally:
        template.unlink(missing_ok=True)


def _repair_header(path: Path) -> None:
    """Give a copy whose 100-byte header was overwritten a plausible one, so the pages behind it can be read.

    The header mostly repeats what the pages say; the page size is guessed
    (the app's 4096 first) until the schema table reads.
    """
    data = bytearray(path.read_bytes())
    if data[:16] == _MAGIC or len(data) < 512:
        return
    for page_size in (4096, 1024, 2048, 8192, 16384, 32768, 65536):
        header = _template_header(path.parent, page_size)
        header[28:32] = bytes(4)  # database size: 0 means "use the file's size"
        data[:100] = header
        path.write_bytes(bytes(data))
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0:
                    return
            finally:
                conn.close()
        except sqlite3.Error:
            continue


def _recover_with_cli(damaged: Path, folder: Path) -> Path | None:
    """``sqlite3 damaged .recover`` into a database in ``folder`` (``None`` where the tool is missing or fails)."""
    tool = shutil.which("sqlite3")
    if tool is None:
        return None
    target = folder / "recovered.sqlite3"
    try:
        dump = subprocess.run([tool, str(damaged), ".recover"], capture_output=True, timeout=RECOVER_TIMEOUT_S)
        if not dump.stdout:
            return None
        subprocess.run([tool, str(target)], input=dump.stdout, capture_output=True, timeout=RECOVER_TIMEOUT_S)
        return target if target.exists() else None
    except (OSError, subprocess.SubprocessError):
        return None


def _copy_rows(store: "Store", source: Path) -> dict[str, int]:
    try:
        conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    kept: dict[str, int] = {}
    try:
        for name, columns in EXPORT_TABLES.items():
            present = _columns(conn, name)
            if not present:
                continue
            rules = COLUMNS[name]
            wanted = [c for c in columns if c in present or rules[c].has_default]
            select = ", ".join(c if c in present else "NULL" for c in wanted)
            rows = []
            for row in _readable_rows(conn, name, select):
                values = tuple(v if c in present else rules[c].default for c, v in zip(wanted, row))
                if all(rules[c].problem(v) is None for c, v in zip(wanted, values)):
                    rows.append(values)
            with store._write() as target:
                before = target.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                target.executemany(f"INSERT OR IGNORE INTO {name} ({', '.join(wanted)}) VALUES ({', '.join('?' for _ in wanted)})", rows)
                kept[name] = target.execute(f"SELECT count(*) FROM {name}").fetchone()[0] - before
    finally:
        conn.close()
    return kept


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    try:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    except sqlite3.Error:
        return set()


def _readable_rows(conn: sqlite3.Connection, table: str, select: str) -> Iterator[tuple]:
    """Every row SQLite can still read: a scan in rowid order, then past each damaged page one rowid at a time."""
    last = None
    try:
        for rowid, *row in conn.execute(f"SELECT rowid, {select} FROM {table} ORDER BY rowid"):
            last = rowid
            yield tuple(row)
        return
    except sqlite3.Error:
        pass
    try:
        high = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        high = None
    rowid = (last or 0) + 1
    end = high if isinstance(high, int) else rowid + _MAX_PROBES
    misses = 0
    while rowid <= end and misses < _MAX_PROBES:
        try:
            rows = conn.execute(f"SELECT rowid, {select} FROM {table} WHERE rowid >= ? ORDER BY rowid", (rowid,))
            for found, *row in rows:
                rowid = found + 1
                misses = 0
                yield tuple(row)
            return
        except sqlite3.Error:
            rowid += 1
            misses += 1


def check_database(store: "Store") -> list[str]:
    """Tools → Check database: full integrity check, REINDEX, orphan clean-up; a report line per step."""
    report = []
    problems = [r for r in store.integrity_check() if r != "ok"]
    report.append("integrity check: ok" if not problems else f"integrity check: {len(problems)} problem(s): " + "; ".join(problems[:5]))
    if store.read_only:
        report.append("the database is read-only: nothing was repaired")
        return report
    with store._write() as conn:
        conn.execute("REINDEX")
        orphans = conn.execute("DELETE FROM exam_items WHERE exam_uuid NOT IN (SELECT uuid FROM exams)").rowcount
        bad_cards = conn.execute("DELETE FROM cards WHERE card_key != target_kind || ':' || target_id").rowcount
    report.append("indexes rebuilt")
    report.append(f"orphaned exam answers removed: {orphans}; cards with a wrong key removed: {bad_cards}")
    after = [r for r in store.integrity_check() if r != "ok"]
    if problems:
        report.append("after repair: ok" if not after else f"after repair: still {len(after)} problem(s); export your progress and restart to salvage it")
    invalid = store.invalid_rows()
    report.append("values out of range: none" if not invalid else
                  "values out of range (skipped by every screen): " + ", ".join(f"{n} {t}" for t, n in invalid.items()))
    return report


def integrity_check_file(path: Path) -> list[str]:
    """A full ``integrity_check`` on its own read-only connection (run in the background after an unclean shutdown)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            return [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [str(exc)]
