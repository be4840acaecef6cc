"""On-disk cache of validated banks as plain JSON (never pickle).

The key is the bank file's content hash plus a fingerprint of everything the
validation depends on (this package's loader sources and the registered
answer functions, reference cells and mutants), so editing a bank or
upgrading the app re-reads the YAML, and nothing executable is ever stored.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from studyapp.paths import cache_dir

FORMAT_VERSION = 3
_CHECKED_SOURCES = ("spec.py", "bank_spec.py", "parsing.py", "loader.py", "variants.py", "yamlsource.py", "model.py")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Hash of the code the cached results depend on: the loader and validation sources,
    and the registries' sources (answer functions, reference cells, mutants).

    Hashing the files instead of importing the registries keeps a warm start
    from importing NumPy and every reference module just to compute a key.
    """
    digest = hashlib.sha256(f"v{FORMAT_VERSION}".encode())
    here = Path(__file__).resolve().parent
    sources = [here / name for name in _CHECKED_SOURCES]
    sources += sorted((here / "generators").glob("*.py"))
    sources += sorted((here.parent / "reference").glob("*.py"))
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\1")
    return digest.hexdigest()[:16]


def _path(digest: str) -> Path:
    return cache_dir() / "banks" / f"{fingerprint()}-{digest}.json"


def get(digest: str) -> dict[str, Any] | None:
    """The cached entry for a file hash, or ``None`` (missing or unreadable: re-parse).

    Layout: line 1 is the entry as JSON with each section's ``items_json``
    left out; line k+1 is section k's items JSON, kept as text (it is parsed
    only when the section's items are first used, and this way it is never
    escaped inside another JSON string).
    """
    try:
        lines = _path(digest).read_text(encoding="utf-8").split("\n")
        entry = json.loads(lines[0])
        if not isinstance(entry, dict) or "data" not in entry or "problems" not in entry:
            return None
        sections = (entry["data"] or {}).get("sections", [])
        if len(lines) != len(sections) + 1:
            return None
        for section, items_json in zip(sections, lines[1:]):
            section["items_json"] = items_json
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return None
    return entry


def put(digest: str, entry: dict[str, Any]) -> None:
    """Store an entry atomically; a read-only or full disk just means no cache."""
    data = entry["data"]
    sections = data.get("sections", []) if data else []
    head = {**entry, "data": {**data, "sections": [{k: v for k, v in s.items() if k != "items_json"} for s in sections]} if data else None}
    text = "\n".join([json.dumps(head, ensure_ascii=False, separators=(",", ":")), *(s["items_json"] for s in sections)])
    path = _path(digest)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        return
    finally:
        if tmp is not None:  # a full disk must not leave half-written files behind
            try:
                os.unlink(tmp)
            except OSError:
                pass
