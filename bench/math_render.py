"""Cost of the formula renderer (matplotlib mathtext, raster backend), measured in one fresh process.

    python bench/math_render.py

Reports: the first formula after start (imports + font loading), the
median per formula over every bundled formula at 1x and 2x, the memory the
renderer adds (max RSS), and the time to show the first math quiz item once
the background warm-up has run, as the app does after its first paint.
"""
from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    from studyapp.content.loader import load_library
    from studyapp.content.rendering import formulas_in, typeset_formula, warm_up

    library = load_library(None)
    texts = {tex for item in library.items() for lang in ("en", "ja")
             for text in (item.prompt.get(lang), item.explanation.get(lang), *(c.text.get(lang) for c in item.choices))
             for tex in formulas_in(text)}
    before = rss_mb()
    first = warm_up()
    per = {}
    for ratio in (1, 2):
        times = []
        for tex in sorted(texts):
            start = time.perf_counter()
            typeset_formula(tex, 11.0, "#e8eaed", 96 * ratio)
            times.append(time.perf_counter() - start)
        per[ratio] = statistics.median(times)
    after = rss_mb()
    print(f"formulas: {len(texts)} distinct")
    print(f"first formula (import + fonts): {first * 1000:.0f} ms")
    print(f"per formula median: {per[1] * 1000:.1f} ms at 1x, {per[2] * 1000:.1f} ms at 2x")
    print(f"memory: +{after - before:.0f} MB max RSS ({before:.0f} -> {after:.0f} MB)")

    from PySide6.QtWidgets import QApplication

    from studyapp.progress.session import StudySession
    from studyapp.ui.quiz_view import QuizView

    app = QApplication(sys.argv[:1])
    typeset_formula.cache_clear()  # the item's formulas are new; only the warm-up has run
    warm_up()
    view = QuizView(language="en")
    view.resize(1000, 700)
    view.show()
    app.processEvents()
    item = library.item("rnn-hidden-weight-confirm")
    start = time.perf_counter()
    view.start(StudySession([item], kind="custom"), "bench")
    app.processEvents()
    print(f"first math item shown after warm-up: {(time.perf_counter() - start) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
