"""Screenshots of the learning loop: home (today), review queues, a multi-answer after submission,
a typed-answer diff and a session summary, in English and Japanese.

Run under Xvfb: ``xvfb-run -a -s "-screen 0 1366x768x24" python tools/loop_screenshots.py [--dark]``;
writes ``docs/screenshots/loop_<screen>_<lang>[_dark].png``.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"


def settle(app, rounds: int = 10) -> None:
    for _ in range(rounds):
        app.processEvents()


def shots(app, language: str, theme: str) -> None:
    from PySide6.QtWidgets import QLineEdit, QPushButton

    from studyapp.ui import create_main_window

    suffix = f"{language}{'_dark' if theme == 'dark' else ''}"
    with tempfile.TemporaryDirectory() as data:
        from dataclasses import replace

        from studyapp.ui.settings import apply_appearance

        window = create_main_window(data, language=language)
        apply_appearance(replace(window.settings, theme=theme))
        window.resize(1366, 740)
        window.show()
        settle(app)
        # some history: a few answers, one marked item
        items = window.library.items()
        for item in items[:6]:
            window.recorder.record_answer(item, score=float(items.index(item) % 2), seconds=20)
        window.store.set_bookmark(items[7].id)
        window._refresh_progress()
        window.show_home()
        settle(app)
        window.grab().save(str(OUT / f"loop_home_{suffix}.png"))
        window.show_review()
        settle(app)
        window.grab().save(str(OUT / f"loop_review_{suffix}.png"))

        multi = next(i for i in items if i.kind == "multi" and not i.parameterized)
        window.start_items("practice", [multi.id])
        quiz = window.quiz
        right = list(multi.answer)
        wrong = next(i for i in range(len(multi.choices)) if i not in right)
        for original in (right[0], wrong):
            quiz.findChild(QPushButton, f"choice{quiz.display_order.index(original)}").click()
        quiz.submit()
        settle(app)
        window.grab().save(str(OUT / f"loop_multi_{suffix}.png"))

        text = next(i for i in items if i.kind == "text" and i.accept and len(i.accept[0]) > 5)
        window.start_items("practice", [text.id, items[0].id])
        quiz.findChild(QLineEdit, "answerInput").setText(text.accept[0][:-1])
        quiz.submit()
        settle(app)
        window.grab().save(str(OUT / f"loop_typed_diff_{suffix}.png"))
        quiz.next()
        quiz.skip()
        settle(app)
        window.grab().save(str(OUT / f"loop_summary_{suffix}.png"))
        window.close()


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    theme = "dark" if "--dark" in sys.argv else "light"
    for language in ("en", "ja"):
        shots(app, language, theme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
