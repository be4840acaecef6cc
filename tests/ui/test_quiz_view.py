"""Drive the quiz view through its real widgets: every kind, right and wrong, keyboard flow."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

from studyapp.progress.session import StudySession
from studyapp.ui.quiz_view import QuizView


def make_view(qtbot, library, store, recorder, item_ids, tmp_path):
    view = QuizView(store=store, recorder=recorder, language="en", image_dir=tmp_path / "img")
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    session = StudySession([library.item(i) for i in item_ids], kind="practice", recorder=recorder)
    view.start(session, "Starter")
    return view, session


def choice(view, display_index) -> QPushButton:
    return view.findChild(QPushButton, f"choice{display_index}")


def display_index_of(view, original):
    return view.display_order.index(original)


def test_single_right_then_wrong_with_feedback(qtbot, starter_library, store, recorder, tmp_path):
    view, session = make_view(qtbot, starter_library, store, recorder, ["starter-gru-gate-count", "starter-gru-gate-count"], tmp_path)
    assert "How many gates" in view.findChild(object, "questionText").toPlainText()
    choice(view, display_index_of(view, 1)).click()
    view.findChild(QPushButton, "submitButton").click()
    feedback = view.findChild(object, "feedbackText").toPlainText()
    assert "Correct" in feedback and "reset gate" in feedback
    assert view.findChild(QPushButton, "nextButton").isEnabled()
    view.findChild(QPushButton, "nextButton").click()
    choice(view, display_index_of(view, 2)).click()
    view.submit()
    feedback = view.findChild(object, "feedbackText").toPlainText()
    assert "Incorrect" in feedback and "Three is the LSTM" in feedback
    assert [a.score for a in store.attempts("starter-gru-gate-count")] in ([1.0, 0.0], [0.0, 1.0])


def test_keyboard_flow_digits_and_enter(qtbot, starter_library, store, recorder, tmp_path):
    view, session = make_view(qtbot, starter_library, store, recorder, ["starter-lstm-forget", "starter-gru-no-cell"], tmp_path)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_1 + display_index_of(view, 1))
    assert choice(view, display_index_of(view, 1)).isChecked()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert "Correct" in view.findChild(object, "feedbackText").toPlainText()
    qtbot.keyClick(view, Qt.Key.Key_Return)  # next
    assert "memory cell" in view.findChild(object, "questionText").toPlainText()
    qtbot.keyClick(view, Qt.Key.Key_1)  # True: wrong
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert "Incorrect" in view.findChild(object, "feedbackText").toPlainText()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert session.finished
    assert "Session complete" in view.findChild(object, "questionText").toPlainText()


def test_multi_partial_credit_shown(qtbot, starter_library, store, recorder, tmp_path):
    view, _ = make_view(qtbot, starter_library, store, recorder, ["starter-gru-true-facts"], tmp_path)
    choice(view, display_index_of(view, 0)).click()
    view.submit()
    assert "Partly right: 50%" in view.findChild(object, "feedbackText").toPlainText()


def test_numeric_and_text_inputs(qtbot, starter_library, store, recorder, tmp_path):
    view, _ = make_view(qtbot, starter_library, store, recorder, ["starter-lstm-sigmoid-max", "starter-gru-gate-name", "starter-gru-gate-name"], tmp_path)
    answer = view.findChild(QLineEdit, "answerInput")
    answer.setText("１／４")  # full-width, as a Japanese IME types it
    qtbot.keyClick(answer, Qt.Key.Key_Return)
    assert "Correct" in view.findChild(object, "feedbackText").toPlainText()
    view.next()
    answer = view.findChild(QLineEdit, "answerInput")
    answer.setText("not a number here")
    view.submit()
    view.next()
    view.findChild(QLineEdit, "answerInput").setText("update")
    view.submit()
    text = view.findChild(object, "feedbackText").toPlainText()
    assert "Incorrect" in text and "Expected: reset" in text


def test_numeric_rejects_garbage_without_recording(qtbot, starter_library, store, recorder, tmp_path):
    view, session = make_view(qtbot, starter_library, store, recorder, ["starter-lstm-sigmoid-max"], tmp_path)
    view.findChild(QLineEdit, "answerInput").setText("a quarter")
    view.submit()
    assert "not a number" in view.findChild(object, "feedbackText").toPlainText()
    assert store.attempts("starter-lstm-sigmoid-max") == []
    assert view.findChild(QPushButton, "submitButton").isEnabled()


def test_code_cloze_inline_blanks(qtbot, starter_library, store, recorder, tmp_path):
    view, _ = make_view(qtbot, starter_library, store, recorder, ["starter-lstm-cell-cloze", "starter-gru-update-cloze"], tmp_path)
    combo = view.findChild(QComboBox, "blank1")
    combo.setCurrentIndex(combo.findData(0))  # 'f'
    view.findChild(QLineEdit, "blank2").setText("sigmoid")
    view.submit()
    assert "Partly right: 50%" in view.findChild(object, "feedbackText").toPlainText()
    view.next()
    view.findChild(QLineEdit, "blank1").setText("1-z")
    view.findChild(QLineEdit, "blank2").setText("z")
    view.submit()
    assert "Correct" in view.findChild(object, "feedbackText").toPlainText()


def test_parameterized_item_and_mark_for_review(qtbot, starter_library, store, recorder, tmp_path):
    view, _ = make_view(qtbot, starter_library, store, recorder, ["starter-gru-params"], tmp_path)
    values = dict(view.instance.instance_values)
    d, h = int(values["d"]), int(values["h"])
    assert f"D={d}" in view.findChild(object, "questionText").markdown_source()
    view.findChild(object, "markButton").click()
    assert store.is_bookmarked("starter-gru-params")
    view.findChild(QLineEdit, "answerInput").setText(str(3 * (d * h + h * h + h)))
    view.submit()
    assert "Correct" in view.findChild(object, "feedbackText").toPlainText()


def test_code_blank_judged_by_running(qtbot, store, recorder, tmp_path):
    """A typed code blank that is right but written differently from every accepted text counts as right."""
    from studyapp.content.loader import load_library
    from studyapp.grading import Grader

    library = load_library()
    with Grader(library) as grader:
        view, _ = make_view(qtbot, library, store, recorder, ["gru-code-update", "gru-code-update"], tmp_path)
        view.code_grader = lambda: grader
        view.findChild(QLineEdit, "blank1").setText("np.multiply(r, h_prev)")
        view.findChild(QLineEdit, "blank2").setText("h_prev + z * (h_bar - h_prev)")
        view.submit()
        assert "Correct" in view.findChild(object, "feedbackText").toPlainText()
        view.next()
        view.findChild(QLineEdit, "blank1").setText("np.multiply(r, h_prev)")
        view.findChild(QLineEdit, "blank2").setText("z * h_prev + (1 - z) * h_bar")
        view.submit()
        text = view.findChild(object, "feedbackText").toPlainText()
        assert "Partly right: 50%" in text and "differs at" in text
