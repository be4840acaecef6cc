"""Export to and import from plain JSON data."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from .records import StoreError
from .schema import SCHEMA_VERSION

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

def import_data(store: "Store", data: Mapping[str, Any]) -> dict[str, int]:
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
    with store._write() as conn:
        for name, cols in EXPORT_TABLES.items():
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
