"""Every screen fits a 1366x768 laptop and a 1024x700 window in English and Japanese: the window never has to grow."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from studyapp.ui import create_main_window


def screens(window):
    """Every view, the exam on each of its pages."""
    yield "home", window.show_home
    yield "quiz", lambda: window.open_item("bptt-update-cloze")
    yield "code", lambda: window.open_exercise(window.library.exercises()[0].id)
    yield "stats", window.show_stats
    yield "review", window.show_review
    yield "exam setup", window.show_exam

    def exam_running():
        window.show_exam()
        window.stack.currentWidget().findChild(QPushButton, "startExamButton").click()
    yield "exam running", exam_running

    def exam_report():
        exam = window.stack.currentWidget()
        exam.confirm_submit = lambda unanswered: True
        exam.findChild(QPushButton, "submitExamButton").click()
    yield "exam report", exam_report
    yield "lab", window.show_lab


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_view_fits_small_screens(qtbot, tmp_path, language):
    window = create_main_window(str(tmp_path / "data"), None, language=language)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    seen = []
    for name, show in screens(window):
        show()
        qtbot.wait(1)
        hint = window.minimumSizeHint()
        seen.append(name)
        assert hint.width() <= 1024 and hint.height() <= 700, (name, hint.toTuple())
        assert window.width() == 1024 and window.height() == 700, (name, window.size().toTuple())
    assert len(seen) == 9


def test_exercise_statement_keeps_a_readable_width_when_narrow(qtbot, tmp_path):
    window = create_main_window(str(tmp_path / "data"), None, language="en")
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    window.open_exercise(window.library.exercises()[0].id)
    qtbot.wait(1)
    code = window.stack.currentWidget()
    assert code.statement.width() >= 260
    assert code.splitter.isCollapsible(0)
