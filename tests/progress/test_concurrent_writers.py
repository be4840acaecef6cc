"""Two processes reviewing the same cards for 20 s: no card update is lost.

Each review reads the card and writes its new state inside one write
transaction (BEGIN IMMEDIATE), so a card's ``reps`` must equal the number
of attempts on its item, whatever the interleaving.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.progress.store import Store

CHILD = Path(__file__).with_name("_writer_child.py")
ROOT = Path(__file__).resolve().parents[2]
SECONDS = 20.0


@pytest.mark.slow
def test_two_writers_for_20_s_lose_no_card_update(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path / "cache"))
    db = tmp_path / "progress.sqlite3"
    Store(db).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    children = [subprocess.Popen([sys.executable, str(CHILD), str(db), str(SECONDS), str(seed)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT) for seed in (1, 2)]
    counts = []
    for child in children:
        out, err = child.communicate(timeout=SECONDS + 60)
        assert child.returncode == 0, err
        done, pending = map(int, out.split())
        assert pending == 0
        counts.append(done)
    assert min(counts) > 50, counts  # both really wrote, interleaved
    with Store(db) as store:
        attempts = store.attempts()
        assert len(attempts) == sum(counts)
        per_item: dict[str, int] = {}
        for attempt in attempts:
            per_item[attempt.item_id] = per_item.get(attempt.item_id, 0) + 1
        cards = {card.target_id: card.reps for card in store.cards()}
        assert cards == per_item  # every review counted: none overwritten by the other writer
