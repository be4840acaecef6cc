"""No grading backend can start (as on a machine where neither runs): the exercise still opens,
and Grade explains why in the learner's language instead of failing silently."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from studyapp.grading.portable import parent
from studyapp.ui import create_main_window

STARTER = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "starter.yaml"


@pytest.mark.parametrize("language, expected", [("en", "Code grading cannot start on this computer"),
                                                ("ja", "このコンピュータではコードの採点を開始できません")])
def test_exercise_opens_and_grade_says_why(qtbot, tmp_path, monkeypatch, language, expected):
    monkeypatch.setenv("STUDYAPP_GRADER_BACKEND", "portable")
    monkeypatch.setattr(parent, "WORKER_PATH", Path("/nonexistent/worker.py"))
    window = create_main_window(str(tmp_path / "data"), [str(STARTER)], language=language)
    qtbot.addWidget(window)
    window.show()
    window.open_item("starter_gru_cell_forward")
    assert window.stack.currentWidget() is window.code  # no longer stuck on Home
    with qtbot.waitSignal(window.code.graded, timeout=60_000) as blocker:
        window.code.findChild(QPushButton, "gradeButton").click()
    assert blocker.args[0] is None
    text = window.code.findChild(object, "verdictText").toPlainText()
    assert expected in text and "worker" in text, text  # the reason, then the technical detail
    window.close()


def test_no_backend_is_logged_and_the_log_offered(qtbot, tmp_path, monkeypatch):
    from studyapp.desktop import setup_logging

    monkeypatch.setenv("STUDYAPP_GRADER_BACKEND", "portable")
    monkeypatch.setattr(parent, "WORKER_PATH", Path("/nonexistent/worker.py"))
    log = setup_logging(tmp_path / "data")
    window = create_main_window(str(tmp_path / "data"), [str(STARTER)], language="en")
    qtbot.addWidget(window)
    window.show()
    window.open_item("starter_gru_cell_forward")
    with qtbot.waitSignal(window.code.graded, timeout=60_000):
        window.code.findChild(QPushButton, "gradeButton").click()
    from studyapp.desktop import current_log_file

    source = window.code.findChild(object, "verdictText").markdown_source()
    shown = current_log_file()  # the app's log (earlier tests in this process may have set up theirs)
    assert shown is not None and f"({shown.as_uri()})" in source  # a link the learner can open
    for handler in __import__("logging").getLogger("studyapp").handlers:
        handler.flush()
    assert "no grading backend" in shown.read_text(encoding="utf-8")
    window.close()
    logger = __import__("logging").getLogger("studyapp")
    for handler in list(logger.handlers):  # leave no handler on a temporary file for later tests
        if getattr(handler, "baseFilename", None) == str(log.resolve()):
            logger.removeHandler(handler)
            handler.close()
