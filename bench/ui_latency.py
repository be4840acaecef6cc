"""Longest event-loop stall while the grader runs an infinite loop to its time limit.

    python bench/ui_latency.py

A 5 ms QTimer records the gap between its ticks while the code view grades
``while True: pass`` (killed at the exercise's 5 s wall-clock limit). The
longest gap minus the timer period is the worst stall the learner could
see (target < 50 ms). Uses the offscreen platform unless one is set.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

LOOP = "def gru_cell_forward(x, h_prev, Wx, Wh, b):\n    while True:\n        pass\n"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from studyapp.content.loader import load_library
    from studyapp.grading import Grader
    from studyapp.progress.scheduling import ReviewScheduler
    from studyapp.progress.store import Store
    from studyapp.ui.code_view import CodeExerciseView

    app = QApplication.instance() or QApplication(sys.argv[:1])
    library = load_library()
    exercise = library.exercise("gru_cell_forward")
    with tempfile.TemporaryDirectory() as data, Grader(library) as grader:
        store = Store.open(data)
        view = CodeExerciseView(grader, store=store, recorder=ReviewScheduler(store))
        view.resize(1200, 800)
        view.show()
        view.open_exercise(exercise)
        view.editor.setPlainText(LOOP)
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]

        def tick() -> None:
            now = clock.nsecsElapsed()
            gaps.append((now - last[0]) / 1e6)
            last[0] = now
            view.busy.update()  # keep painting, as the busy indicator does

        timer = QTimer(interval=5, timeout=tick)
        timer.start()
        started = time.monotonic()
        view.grade()
        while view.is_grading and time.monotonic() - started < 30:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        elapsed = time.monotonic() - started
        verdict = view.last_verdict
        store.close()
    stall = max(gaps) - 5
    print(f"graded an infinite loop: {verdict.status} / {verdict.error.kind if verdict and verdict.error else None} after {elapsed:.2f} s")
    print(f"timer ticks: {len(gaps)}, median gap {statistics.median(gaps):.1f} ms, p99 gap {sorted(gaps)[int(len(gaps) * 0.99)]:.1f} ms, max gap {max(gaps):.1f} ms")
    print(f"longest event-loop stall: {stall:.1f} ms (target < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
