"""The code exercise view with the real sandboxed grader: pass, fail with diagnosis, cancel, drafts."""
from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QPushButton

from studyapp.content.loader import load_library
from studyapp.grading import Grader
from studyapp.ui.code_view import CodeExerciseView

WRONG_GRU = '''import numpy as np

def gru_cell_forward(x, h_prev, Wx, Wh, b):
    H = Wh.shape[0]
    s = lambda a: 1 / (1 + np.exp(-a))
    z = s(x @ Wx[:, :H] + h_prev @ Wh[:, :H] + b[:H])
    r = s(x @ Wx[:, H:2*H] + h_prev @ Wh[:, H:2*H] + b[H:2*H])
    h_t = np.tanh(x @ Wx[:, 2*H:] + (r * h_prev) @ Wh[:, 2*H:] + b[2*H:])
    return z * h_prev + (1 - z) * h_t
'''
LOOP = "def gru_cell_forward(x, h_prev, Wx, Wh, b):\n    while True:\n        pass\n"
BROKEN = "import numpy as np\n\ndef gru_cell_forward(x, h_prev, Wx, Wh, b):\n    y = x @ Wx\n    return undefined_name\n"


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def grader(library):
    with Grader(library) as running:
        yield running


@pytest.fixture
def view(qtbot, grader, library, store, recorder):
    widget = CodeExerciseView(grader, store=store, recorder=recorder, language="en")
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    widget.open_exercise(library.exercise("gru_cell_forward"))
    yield widget
    widget.close()  # flushes the draft while the store is still open


def grade_and_wait(qtbot, view, source: str):
    view.editor.setPlainText(source)
    with qtbot.waitSignal(view.graded, timeout=20_000) as blocker:
        view.findChild(QPushButton, "gradeButton").click()
    return blocker.args[0]


def test_correct_solution_passes(qtbot, view, library):
    verdict = grade_and_wait(qtbot, view, library.exercise("gru_cell_forward").solution)
    assert verdict.passed
    assert view.findChild(object, "verdictText").toPlainText().startswith("Passed")
    assert view.reveal_button.isEnabled()


def test_wrong_solution_fails_with_diagnosis_and_example(qtbot, view, store):
    verdict = grade_and_wait(qtbot, view, WRONG_GRU)
    text = view.findChild(object, "verdictText").toPlainText()
    assert text.startswith("Failed")
    assert verdict.diagnosis is not None and verdict.diagnosis.id == "gru_update_swapped"
    assert "Known mistake: " + verdict.diagnosis.message[:25] in text and "Visible example" in text and "Your output" in text
    assert "gru_update_swapped" not in text  # the name the learner reads, the id only in the tooltip
    assert view.findChild(object, "verdictText").toolTip() == "gru_update_swapped"
    assert store.submissions("gru_cell_forward")[-1].passed is False
    assert not view.reveal_button.isEnabled()


def test_exception_highlights_the_line(qtbot, view):
    grade_and_wait(qtbot, view, BROKEN)
    text = view.findChild(object, "verdictText").toPlainText()
    assert text.startswith("Error") and "NameError" in text
    assert view.editor.error_line() == 5


def test_cancel_infinite_loop_keeps_ui_responsive(qtbot, view):
    view.editor.setPlainText(LOOP)
    grade_button = view.findChild(QPushButton, "gradeButton")
    cancel_button = view.findChild(QPushButton, "cancelGradeButton")
    grade_button.click()
    assert not grade_button.isEnabled() and cancel_button.isEnabled()
    start = time.monotonic()
    repaints = 0
    while time.monotonic() - start < 0.5:  # the event loop keeps turning while the child spins
        view.repaint()
        qtbot.wait(20)
        repaints += 1
    assert repaints >= 10
    with qtbot.waitSignal(view.graded, timeout=5_000):
        cancel_button.click()
    assert "cancelled" in view.findChild(object, "verdictText").toPlainText()
    assert grade_button.isEnabled() and not cancel_button.isEnabled()


def test_draft_survives_window_rebuild(qtbot, grader, library, store, recorder):
    first = CodeExerciseView(grader, store=store, recorder=recorder)
    qtbot.addWidget(first)
    first.open_exercise(library.exercise("rnn_cell_forward"))
    first.editor.setPlainText("# my work in progress\n")
    qtbot.waitUntil(lambda: store.load_draft("rnn_cell_forward") == "# my work in progress\n", timeout=3_000)
    first.close()
    first.deleteLater()
    second = CodeExerciseView(grader, store=store, recorder=recorder)
    qtbot.addWidget(second)
    second.open_exercise(library.exercise("rnn_cell_forward"))
    assert second.editor.toPlainText() == "# my work in progress\n"
    second.reset_to_starter(confirm=False)
    assert second.editor.toPlainText() == library.exercise("rnn_cell_forward").starter
    second.editor.undo()
    assert second.editor.toPlainText() == "# my work in progress\n"
    second.close()


def test_learner_output_is_shown_escaped(qtbot, view, library):
    """Printed text cannot fake a verdict: escapes are visible, a fence in the output does not close the block."""
    solution = library.exercise("gru_cell_forward").solution
    fake = "print('\\x1b[2J\\x1b[32mPassed\\x1b[0m\\r')\nprint('```\\n**Passed**')\n"
    grade_and_wait(qtbot, view, fake + solution)
    text = view.findChild(object, "verdictText").toPlainText()
    assert "\x1b" not in text and "\r" not in text
    # the escapes are removed from the child's text (grading cleans it); what is left stays inside the
    # printed-output block, shown literally, not rendered
    assert "**Passed**" in text and text.index("Printed output") < text.index("**Passed**")


def test_a_failed_sandbox_layer_is_noticed_once(qtbot, view, library, monkeypatch):
    monkeypatch.setenv("STUDYAPP_SANDBOX_FAIL", "landlock")
    solution = library.exercise("gru_cell_forward").solution
    verdict = grade_and_wait(qtbot, view, solution)
    assert verdict.passed and verdict.sandbox["failed"] == ["landlock"]
    assert "could not be applied on this computer: landlock" in view.findChild(object, "verdictText").toPlainText()
    grade_and_wait(qtbot, view, solution)
    assert "could not be applied" not in view.findChild(object, "verdictText").toPlainText()


def test_hints_start_hidden_and_come_one_at_a_time(qtbot, view, library, store):
    exercise = library.exercise("gru_cell_forward")
    assert len(exercise.hints) >= 2
    statement = view.findChild(object, "statementText")
    first, second = exercise.hints[0].get("en"), exercise.hints[1].get("en")
    assert first[:30] not in statement.toPlainText()
    button = view.findChild(QPushButton, "codeHintButton")
    assert button.text() == f"Hint 1/{len(exercise.hints)}"
    button.click()
    text = statement.toPlainText()
    assert " ".join(first.split()[:4]) in " ".join(text.split()) and second[:30] not in text
    for _ in exercise.hints[1:]:
        button.click()
    assert not button.isEnabled()
    grade_and_wait(qtbot, view, exercise.solution)
    rows = store.query("SELECT count(*) FROM submissions")
    assert rows[0][0] == 1
    card = store.card("exercise:gru_cell_forward")
    assert card is not None and card.reps == 1
