"""Kill -9 a writer at random moments: every attempt it reported committed must survive."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studyapp.progress.store import Store

CHILD = Path(__file__).with_name("_crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_loses_no_committed_attempt(tmp_path):
    db = tmp_path / "progress.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    rng = random.Random(1234)
    reported: set[str] = set()
    started = time.monotonic()
    for _ in range(50):
        child = subprocess.Popen([sys.executable, str(CHILD), str(db)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env)
        time.sleep(rng.uniform(0.03, 0.2))  # includes kills during start-up / migration
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err.decode()
        lines = out.decode().splitlines()
        if lines and not out.endswith(b"\n"):
            lines.pop()  # a partly written line was not fully reported
        reported.update(lines)
    elapsed = time.monotonic() - started
    assert elapsed < 20, elapsed
    assert len(reported) > 100  # the children did real work

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with Store(db) as store:
        assert store.recovery_message is None
        assert store.integrity_check() == ["ok"]
        missing = reported - store.attempt_uuids()
        assert not missing, f"{len(missing)} committed attempts lost, e.g. {sorted(missing)[:5]}"
