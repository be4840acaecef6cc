"""Start-up time: process start to the main window shown with the bundled content loaded,
against a bare PySide6 window; 10 runs each, medians and the ratio (target <= 2.0).

    python bench/startup.py

Each run is a fresh interpreter (``python -c``) under the offscreen platform;
the child prints the wall-clock time once the window's first show event has
been processed, and the parent subtracts the time just before it spawned the
child. The bank cache and the bytecode cache are warmed by one unmeasured run
(as on any start after the first), and that cold first start is reported
separately.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))
app.exec()
"""

APP = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from studyapp.ui import create_main_window
app = QApplication(sys.argv[:1])
window = create_main_window(sys.argv[1], None, "en")
assert window.section_tree.topLevelItemCount() > 0 and not window.library.problems
window.show()
QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))
app.exec()
"""


def run(script: str, *args: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return float(out.stdout.strip().splitlines()[-1]) - start


def main() -> int:
    runs = 10
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"), "STUDYAPP_CACHE_DIR": f"{tmp}/cache"}
        # As on an installed system, modules load from bytecode: a shell that sets
        # PYTHONDONTWRITEBYTECODE would otherwise make every run recompile the app's sources.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        data = f"{tmp}/data"
        cold = run(APP, data, env=env)
        bare, app = [], []
        for _ in range(runs):  # interleaved so load changes hit both alike
            bare.append(run(BARE, env=env))
            app.append(run(APP, data, env=env))
    bare_median, app_median = statistics.median(bare), statistics.median(app)
    print(f"bare PySide6 window : median {bare_median * 1000:7.1f} ms  (min {min(bare) * 1000:.1f}, max {max(bare) * 1000:.1f}; n={runs})")
    print(f"studyapp main window: median {app_median * 1000:7.1f} ms  (min {min(app) * 1000:.1f}, max {max(app) * 1000:.1f}; n={runs})")
    print(f"first start with a cold bank cache: {cold * 1000:.1f} ms")
    print(f"ratio app / bare: {app_median / bare_median:.2f} (target <= 2.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
