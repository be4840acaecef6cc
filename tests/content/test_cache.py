"""Parsed banks are cached as plain JSON keyed by content hash; edits are re-read."""
from __future__ import annotations

import json
from pathlib import Path

from studyapp.content import loader
from studyapp.content.loader import load_library
from tests.content.conftest import MINIMAL, write_bank


def test_second_load_comes_from_the_cache(tmp_path: Path, _isolated_cache: Path, monkeypatch) -> None:
    write_bank(tmp_path, MINIMAL)
    first = load_library([tmp_path])
    files = list(_isolated_cache.rglob("*.json"))
    assert len(files) == 1
    for line in files[0].read_text(encoding="utf-8").splitlines():
        json.loads(line)  # plain JSON lines, never pickle

    def must_not_parse(data: bytes):
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr(loader, "parse_bank_text", must_not_parse)
    second = load_library([tmp_path])
    assert second.items() == first.items()


def test_an_edited_bank_is_read_again(tmp_path: Path) -> None:
    path = write_bank(tmp_path, MINIMAL)
    load_library([tmp_path])
    path.write_text(MINIMAL.replace("answer: 0.5", "answer: 0.75"), encoding="utf-8")
    assert load_library([tmp_path]).item("mini-numeric").answer == 0.75


def test_problems_are_cached_too_and_reported_with_the_current_path(tmp_path: Path) -> None:
    write_bank(tmp_path, MINIMAL.replace("answer: 1\n", "answer: 5\n"))
    first = [str(p) for p in load_library([tmp_path]).problems]
    second = [str(p) for p in load_library([tmp_path]).problems]
    assert first == second and len(first) == 1


def test_a_corrupt_cache_entry_is_ignored(tmp_path: Path, _isolated_cache: Path) -> None:
    write_bank(tmp_path, MINIMAL)
    load_library([tmp_path])
    for entry in _isolated_cache.rglob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert len(load_library([tmp_path]).items()) == 3
