"""Export to and import from plain JSON data."""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .records import StoreError
from .schema import SCHEMA_VERSION
from .validity import COLUMNS

if TYPE_CHECKING:
    from .core import Store

EXPORT_FORMAT = "studyapp-progress"
EXPORT_VERSION = 1

EXPORT_TABLES: dict[str, tuple[str, ...]] = {
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

def export_data(store: "Store") -> dict[str, Any]:
    """Everything as plain JSON-able data (rows as lists in the column order given)."""
    with store._lock:
        store._conn.execute("BEGIN")  # one consistent snapshot
        try:
            tables = {
                name: {"columns": list(cols),
                       "rows": [list(r) for r in store._conn.execute(f"SELECT {', '.join(cols)} FROM {name}")]}
                for name, cols in EXPORT_TABLES.items()
            }
        finally:
            store._conn.execute("COMMIT")
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "schema": SCHEMA_VERSION,
            "exported_at": store.clock().isoformat(), "tables": tables}

class ImportReport(dict):
    """Rows added per table (a plain ``{table: n}``), plus what was merged and what was rejected and why.

    ``merged``: rows that were already present (kept, or updated where the
    import was newer: drafts by time, cards by last review).
    ``rejected``: ``{table: n}``; ``reasons`` holds the first few messages.
    """

    def __init__(self) -> None:
        super().__init__()
        self.merged: dict[str, int] = {}
        self.rejected: dict[str, int] = {}
        self.reasons: list[str] = []
        self.unknown_kept: dict[str, int] = {}

    def reject(self, table: str, row: int | None, reason: str) -> None:
        self.rejected[table] = self.rejected.get(table, 0) + 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(f"{table}{'' if row is None else f' row {row + 1}'}: {reason}")

    def summary(self) -> str:
        """One line per outcome, for the CLI and the status bar."""
        def join(counts: Mapping[str, int]) -> str:
            return ", ".join(f"{n} {name}" for name, n in counts.items()) or "nothing"

        lines = [f"imported {join(self)}", f"merged with existing {join({k: v for k, v in self.merged.items() if v})}"]
        if self.unknown_kept:
            lines.append(f"kept history of content not in this version: {join(self.unknown_kept)}")
        if self.rejected:
            lines.append(f"rejected {join(self.rejected)}")
            lines += [f"  {reason}" for reason in self.reasons]
            hidden = sum(self.rejected.values()) - len(self.reasons)
            if hidden > 0:
                lines.append(f"  ... and {hidden} more")
        return "\n".join(lines)


MAX_IMPORT_BYTES = 64 * 1024 * 1024
MAX_IMPORT_ROWS = 500_000
MAX_REASONS = 20
# Which catalogue an id column is looked up in, when the caller gives one, and what happens to an unknown id.
# History (attempts, submissions, exam items, drafts) is harmless and kept: the store already keeps rows of
# content that was removed. Bookmarks and cards put an item on a screen, so unknown ones are skipped.
_ID_COLUMNS = {("attempts", "item_id"): ("items", "keep"), ("exam_items", "item_id"): ("items", "keep"),
               ("submissions", "exercise_id"): ("exercises", "keep"), ("drafts", "exercise_id"): ("exercises", "keep"),
               ("bookmarks", "item_id"): ("items", "skip")}


def write_export(store: "Store", path: str | os.PathLike[str], *, indent: int | None = None) -> dict[str, Any]:
    """Write an export atomically: a temp file beside the target, fsync, rename.

    An existing backup is replaced only by a complete new one; on any
    failure (a full disk) the temp file is removed and the old file stays.
    """
    data = export_data(store)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=indent)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return data


def read_export(path: str | os.PathLike[str]) -> Any:
    """Parse an export file, refusing one too large to hold in memory safely."""
    target = Path(path)
    try:
        size = target.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise StoreError(f"{target} is {size / 2**20:.0f} MB; imports are limited to {MAX_IMPORT_BYTES // 2**20} MB")
        return json.loads(target.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoreError(f"cannot read {target}: {exc.strerror or exc}") from exc
    except (ValueError, RecursionError) as exc:
        raise StoreError(f"{target} is not valid JSON: {exc}") from exc


def import_data(store: "Store", data: Any, *, items: Iterable[str] | None = None,
                exercises: Iterable[str] | None = None) -> ImportReport:
    """Validate a whole export, then merge the valid rows in one transaction.

    Nothing is written until every row was checked. Rows already present
    (same uuid / key) are kept, so importing twice adds nothing; drafts keep
    the newer text and cards the state with the later last review. With
    ``items``/``exercises`` given, rows about unknown ids are rejected.
    """
    tables = _checked_header(data)
    known = {"items": None if items is None else set(items), "exercises": None if exercises is None else set(exercises)}
    report = ImportReport()
    valid = {name: _valid_rows(name, tables.get(name), known, report) for name in EXPORT_TABLES}
    with store._write() as conn:
        exams_present = {r[0] for r in conn.execute("SELECT uuid FROM exams")} | {r[0] for r in valid["exams"][1]}
        kept_items = []
        for index, row in zip(*valid["exam_items"]):
            if row[0] in exams_present:
                kept_items.append(row)
            else:
                report.reject("exam_items", index, f"exam {row[0]!r} is not in the file or the progress")
        valid["exam_items"] = (valid["exam_items"][0], kept_items)
        for name, cols in EXPORT_TABLES.items():
            rows = valid[name][1]
            report[name], report.merged[name] = _merge(conn, name, cols, rows)
    return report


def _checked_header(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise StoreError("not a studyapp progress export")
    version = data.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise StoreError(f"the export version {version!r} is not a number")
    if version > EXPORT_VERSION:
        raise StoreError(f"export version {version} is newer than this app understands")
    tables = data.get("tables", {})
    if not isinstance(tables, Mapping):
        raise StoreError("'tables' must be a mapping of table name to columns and rows")
    unknown = set(tables) - set(EXPORT_TABLES)
    if unknown:
        raise StoreError(f"unknown tables: {sorted(map(str, unknown))}")
    total = 0
    for name, block in tables.items():
        if not isinstance(block, Mapping) or not isinstance(block.get("columns", []), list) or not isinstance(block.get("rows", []), list):
            raise StoreError(f"table {name!r} must have a list of 'columns' and a list of 'rows'")
        total += len(block.get("rows", []))
    if total > MAX_IMPORT_ROWS:
        raise StoreError(f"the file has {total} rows; imports are limited to {MAX_IMPORT_ROWS}")
    return tables


def _valid_rows(name: str, block: Mapping[str, Any] | None, known: Mapping[str, set[str] | None],
                report: ImportReport) -> tuple[list[int], list[tuple]]:
    """``(row indexes, rows in EXPORT_TABLES order)`` of the rows that passed every rule; the rest are reported."""
    if not block:
        return [], []
    rules = COLUMNS[name]
    given = block.get("columns", [])
    bad = [c for c in given if c not in rules]
    if bad or len(set(given)) != len(given):
        report.reject(name, None, f"unknown or repeated columns {bad or given}; the table is skipped")
        return [], []
    missing = [c for c in EXPORT_TABLES[name] if c not in given and not rules[c].has_default]
    if missing:
        report.reject(name, None, f"missing columns {missing}; the table is skipped")
        return [], []
    position = {c: i for i, c in enumerate(given)}
    indexes, rows = [], []
    for index, raw in enumerate(block.get("rows", [])):
        if not isinstance(raw, list) or len(raw) != len(given):
            report.reject(name, index, f"expected a list of {len(given)} values")
            continue
        row = tuple(raw[position[c]] if c in position else rules[c].default for c in EXPORT_TABLES[name])
        reason = _row_problem(name, row, known, report)
        if reason:
            report.reject(name, index, reason)
            continue
        indexes.append(index)
        rows.append(row)
    return indexes, rows


def _row_problem(name: str, row: tuple, known: Mapping[str, set[str] | None], report: ImportReport) -> str | None:
    values = dict(zip(EXPORT_TABLES[name], row))
    for column, value in values.items():
        problem = COLUMNS[name][column].problem(value)
        if problem:
            return f"{column}: {problem}"
    for (table, column), (catalogue, policy) in _ID_COLUMNS.items():
        ids = known[catalogue]
        if table == name and ids is not None and values[column] not in ids:
            if policy == "skip":
                return f"{column} {values[column]!r} is not in the current content"
            report.unknown_kept[name] = report.unknown_kept.get(name, 0) + 1
    if name == "cards":
        if values["card_key"] != f"{values['target_kind']}:{values['target_id']}":
            return f"card_key {values['card_key']!r} does not match {values['target_kind']}:{values['target_id']}"
        ids = known["items" if values["target_kind"] == "item" else "exercises"]
        if ids is not None and values["target_id"] not in ids:
            return f"target_id {values['target_id']!r} is not in the current content"
    if name == "exams" and values["score"] > values["max_score"]:
        return f"score {values['score']} is above max_score {values['max_score']}"
    return None


def _merge(conn: sqlite3.Connection, name: str, cols: tuple[str, ...], rows: list[tuple]) -> tuple[int, int]:
    """Insert new rows; rows already present are kept or updated. Returns ``(added, merged)``."""
    if not rows:
        return 0, 0
    collist = ", ".join(cols)
    marks = ", ".join("?" for _ in cols)
    if name == "drafts":
        sql = (f"INSERT INTO drafts ({collist}) VALUES ({marks}) ON CONFLICT(exercise_id) DO UPDATE"
               " SET source=excluded.source, updated=excluded.updated WHERE excluded.updated > drafts.updated")
    elif name == "cards":
        updates = ", ".join(f"{c}=excluded.{c}" for c in cols if c != "card_key")
        sql = (f"INSERT INTO cards ({collist}) VALUES ({marks}) ON CONFLICT(card_key) DO UPDATE SET {updates}"
               " WHERE coalesce(excluded.last_review, 0) > coalesce(cards.last_review, 0)")
    else:
        sql = f"INSERT OR IGNORE INTO {name} ({collist}) VALUES ({marks})"
    before_count = conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    conn.executemany(sql, rows)
    added = conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] - before_count
    return added, len(rows) - added
