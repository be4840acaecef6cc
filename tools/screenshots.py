"""Take the README screenshots of every view in English and Japanese.

Run under Xvfb at the size of a common laptop, once per theme and scale::

    xvfb-run -a -s "-screen 0 1366x768x24" python tools/screenshots.py [--theme dark] [view ...]
    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 2732x1536x24" python tools/screenshots.py --theme dark

Each view is driven over the bundled content with a throwaway data dir and
saved with ``QWidget.grab()`` to ``docs/screenshots/<view>_<lang>[_dark][@2x].png``
(light at 1x keeps the plain name the README links to).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"

WRONG_GRU = """import numpy as np

def gru_cell_forward(x, h_prev, Wx, Wh, b):
    H = Wh.shape[0]
    sigmoid = lambda a: 1 / (1 + np.exp(-a))
    z = sigmoid(x @ Wx[:, :H] + h_prev @ Wh[:, :H] + b[:H])
    r = sigmoid(x @ Wx[:, H:2*H] + h_prev @ Wh[:, H:2*H] + b[H:2*H])
    h_tilde = np.tanh(x @ Wx[:, 2*H:] + (r * h_prev) @ Wh[:, 2*H:] + b[2*H:])
    return z * h_prev + (1 - z) * h_tilde
"""


def settle(app, rounds: int = 10) -> None:
    for _ in range(rounds):
        app.processEvents()


def wait_for(app, condition, seconds: float = 120.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        settle(app, 2)
        time.sleep(0.01)


def lab_shots(app, window, language: str, suffix: str = "") -> None:
    """The lab with three overlaid runs (defaults, learning rate 0.5, ReLU), then the gradient-flow tab."""
    window.show_lab()
    lab = window._extra_views.get("lab")
    if lab is None:
        return
    for preset in ("handson", "lr05", "relu"):
        lab.apply_preset(preset)
        lab.iters_spin.setValue(6000)
        lab.start()
        wait_for(app, lambda: lab.current is None)
    settle(app)
    path = OUT / f"lab_{language}{suffix}.png"
    window.grab().save(str(path))
    print(path.relative_to(ROOT))
    lab.tabs.setCurrentIndex(1)
    lab.run_flow()
    wait_for(app, lambda: lab._flow_thread is None or not lab._flow_thread.is_alive(), 300)
    settle(app, 20)
    path = OUT / (f"gradient_flow{suffix}.png" if language == "en" else f"gradient_flow_{language}{suffix}.png")
    lab.grab().save(str(path))
    print(path.relative_to(ROOT))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from studyapp.ui import create_main_window

    from studyapp.ui.settings import Settings, SettingsStore

    args = sys.argv[1:]
    theme = "light"
    if "--theme" in args:
        theme = args.pop(args.index("--theme") + 1)
        args.remove("--theme")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    only = set(args)
    suffix = ("_dark" if theme == "dark" else "") + ("@2x" if app.devicePixelRatio() > 1.5 else "")

    def shot(window, name: str, language: str) -> None:
        if only and name not in only:
            return
        settle(app)
        path = OUT / f"{name}_{language}{suffix}.png"
        window.grab().save(str(path))
        print(path.relative_to(ROOT))

    with tempfile.TemporaryDirectory() as data:
        os.environ["STUDYAPP_CACHE_DIR"] = str(Path(data) / "cache")
        for language in ("en", "ja"):
            SettingsStore(Path(data) / language).save(Settings(language=language, theme=theme))
            window = create_main_window(str(Path(data) / language), None, language)
            window.resize(1366, 768)
            window.show()
            settle(app)
            shot(window, "main", language)
            # Math: a cloze whose drop-downs hold formulas, one with a formula chosen.
            window.open_item("bptt-update-cloze")
            settle(app)
            from PySide6.QtWidgets import QComboBox

            for combo in window.quiz.findChildren(QComboBox)[:1]:
                combo.setCurrentIndex(2)  # a formula option, shown typeset in the closed box
            shot(window, "quiz_math", language)
            # Quiz: a GRU item, answered wrongly so the verdict and explanation show.
            window.start_section("gru", window.library.banks[[b.id for b in window.library.banks].index("gru")].sections[0].id)
            settle(app)
            shot(window, "quiz", language)
            quiz = window.quiz
            if quiz.choice_buttons:
                quiz.choice_buttons[-1].click()
                quiz.submit()
            shot(window, "quiz_feedback", language)
            # Code exercise with a classic mistake diagnosed.
            window.open_exercise("gru_cell_forward")
            window.code.editor.setPlainText(WRONG_GRU)
            window.code.grade()
            for _ in range(200):
                settle(app, 2)
                if not window.code.is_grading:
                    break
                app.thread().msleep(20)
            shot(window, "code", language)
            for name, show in (("review", window.show_review), ("stats", window.show_stats)):
                show()
                if name in window._extra_views:
                    shot(window, name, language)
            if not only or "lab" in only:
                lab_shots(app, window, language, suffix)
            window.show_exam()
            exam = window._extra_views.get("exam")
            if exam is not None:
                shot(window, "exam_setup", language)
                exam.start_exam()
                settle(app)
                if exam.findChildren(object, "choice0"):
                    exam.findChildren(object, "choice0")[0].click()
                shot(window, "exam", language)
                exam.confirm_submit = lambda unanswered: True
                exam.submit_exam()
                shot(window, "exam_report", language)
            window.close()
            window.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
