"""Longest event-loop stall while the grader runs an infinite loop to its time limit; then the
Statistics screen (first visit, and a visit with nothing changed) and a 40-item mock-exam submission.

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
from typing import Callable

LOOP = "def gru_cell_forward(x, h_prev, Wx, Wh, b):\n    while True:\n        pass\n"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
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
        meter = StallMeter(on_tick=view.busy.update)  # keep painting, as the busy indicator does
        started = time.monotonic()
        view.grade()
        while view.is_grading and time.monotonic() - started < 30:
            app.processEvents()
            time.sleep(0.001)
        stall = meter.stall()
        elapsed = time.monotonic() - started
        verdict = view.last_verdict
        store.close()
    gaps = meter.gaps
    print(f"graded an infinite loop: {verdict.status} / {verdict.error.kind if verdict and verdict.error else None} after {elapsed:.2f} s")
    print(f"timer ticks: {len(gaps)}, median gap {statistics.median(gaps):.1f} ms, p99 gap {sorted(gaps)[int(len(gaps) * 0.99)]:.1f} ms, max gap {max(gaps):.1f} ms")
    print(f"longest event-loop stall: {stall:.1f} ms (target < 50 ms)")
    screens(app, library)
    return 0


class StallMeter:
    """A 5 ms QTimer; the longest gap between ticks minus its period is the worst stall."""

    def __init__(self, on_tick: Callable[[], object] | None = None) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.on_tick = on_tick
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = self.clock.nsecsElapsed()
        self.gaps: list[float] = []
        self.timer = QTimer(interval=5, timeout=self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.gaps.append((now - self.last) / 1e6)
        self.last = now
        if self.on_tick is not None:
            self.on_tick()

    def stall(self) -> float:
        self.timer.stop()
        return max(self.gaps, default=5.0) - 5


def _wait(app, done, limit: float = 60.0) -> None:
    started = time.monotonic()
    while not done() and time.monotonic() - started < limit:
        app.processEvents()
        time.sleep(0.001)


def screens(app, library) -> None:
    """Statistics (3,000 attempts) first and cached, and exam submission: wall time and UI stall of each."""
    from PySide6.QtWidgets import QPushButton

    from studyapp.progress.scheduling import ReviewScheduler
    from studyapp.progress.store import Store
    from studyapp.ui.exam_view import ExamView
    from studyapp.ui.stats_view import StatsView

    items = library.items()
    with tempfile.TemporaryDirectory() as data:
        store = Store.open(data)
        reviews = ReviewScheduler(store)
        for n in range(3000):
            reviews.record_answer(items[n % len(items)], score=float(n % 3 != 0), seconds=20)
        meter, started = StallMeter(), time.perf_counter()
        view = StatsView(store, library)
        view.show()
        _wait(app, lambda: view.stats is not None and not view.busy.isVisible())
        for _ in range(5):  # the plots are drawn on the next event-loop turns (draw_idle)
            app.processEvents()
        first, first_stall = (time.perf_counter() - started) * 1000, meter.stall()
        meter, started = StallMeter(), time.perf_counter()
        view.refresh()
        app.processEvents()
        cached, cached_stall = (time.perf_counter() - started) * 1000, meter.stall()
        print(f"statistics, 3,000 attempts: first visit {first:.0f} ms (UI stall {first_stall:.1f} ms), "
              f"unchanged revisit {cached:.1f} ms (target < 50 ms)")

        exam_view = ExamView(library, store, recorder=reviews, image_dir=Path(data) / "math")
        exam_view.resize(1200, 800)
        exam_view.show()
        exam_view.findChild(QPushButton, "startExamButton").click()
        for position, item in enumerate(exam_view.exam.items):
            exam_view.exam.set_answer(position, {"single": 0, "multi": [0], "truefalse": True}.get(item.kind, "0"))
        exam_view.confirm_submit = lambda unanswered: True
        shown: list[object] = []
        exam_view.finished.connect(shown.append)
        meter, started = StallMeter(), time.perf_counter()
        exam_view.submit_exam()
        on_screen = (time.perf_counter() - started) * 1000
        _wait(app, lambda: bool(shown))
        full, stall = (time.perf_counter() - started) * 1000, meter.stall()
        print(f"exam submission, {len(exam_view.exam.items)} items: report page after {on_screen:.0f} ms, "
              f"typeset report after {full:.0f} ms, longest UI stall {stall:.1f} ms")
        store.close()


if __name__ == "__main__":
    sys.exit(main())
