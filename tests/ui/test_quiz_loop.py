"""The quiz view after an answer: hints one at a time, picks shown, per-choice feedback named, typed diff,
"I was right", undo, next interval, and a summary with titles and actions."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from studyapp.content.model import Text
from studyapp.progress.session import StudySession
from studyapp.ui.quiz_view import QuizView


def make_view(qtbot, store, recorder, items, tmp_path, language="en"):
    view = QuizView(store=store, recorder=recorder, language=language, image_dir=tmp_path / "img")
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    session = StudySession(items, kind="practice", recorder=recorder)
    view.start(session, "Starter")
    return view, session


def button(view, name) -> QPushButton:
    return view.findChild(QPushButton, name)


def test_hints_come_one_at_a_time_and_count_as_used(qtbot, starter_library, store, recorder, tmp_path):
    item = replace(starter_library.item("starter-gru-gate-count"),
                   hints=(Text.neutral("first hint"), Text.neutral("second hint"), Text.neutral("third hint")))
    view, _ = make_view(qtbot, store, recorder, [item], tmp_path)
    hint = button(view, "hintButton")
    assert hint.text() == "Hint 1/3"
    hint.click()
    shown = view.findChild(object, "feedbackText").toPlainText()
    assert "first hint" in shown and "second hint" not in shown
    assert hint.text() == "Hint 2/3"
    hint.click()
    hint.click()
    assert "third hint" in view.findChild(object, "feedbackText").toPlainText() and not hint.isEnabled()
    button(view, f"choice{view.display_order.index(1)}").click()
    view.submit()
    attempt = store.attempts(item.id)[0]
    assert attempt.hint_used and attempt.correct


def test_multi_answer_shows_own_picks_apart_from_right_ones(qtbot, starter_library, store, recorder, tmp_path):
    item = starter_library.item("starter-gru-true-facts")
    view, _ = make_view(qtbot, store, recorder, [item], tmp_path)
    right = set(item.answer)
    wrong_pick = next(i for i in range(len(item.choices)) if i not in right)
    right_pick = sorted(right)[0]
    for original in (wrong_pick, right_pick):
        button(view, f"choice{view.display_order.index(original)}").click()
    view.submit()
    states = {view.display_order[d]: b.picked_state for d, b in enumerate(view.choice_buttons)}
    assert states[wrong_pick] == ("wrong", True) and states[right_pick] == ("right", True)
    for missed in right - {right_pick}:
        assert states[missed] == ("right", False)
    struck = view.choice_buttons[view.display_order.index(wrong_pick)].text_label.font().strikeOut()
    assert struck
    assert all(b.isChecked() == (view.display_order[d] in (wrong_pick, right_pick))
               for d, b in enumerate(view.choice_buttons))  # the learner's ticks stay


def test_per_choice_feedback_names_its_choice(qtbot, starter_library, store, recorder, tmp_path):
    item = starter_library.item("starter-gru-gate-count")
    view, _ = make_view(qtbot, store, recorder, [item], tmp_path)
    display = view.display_order.index(2)
    button(view, f"choice{display}").click()
    view.submit()
    source = view.findChild(object, "feedbackText").markdown_source()
    choice_text = " ".join(item.choices[2].text.get("en").split())
    assert f"**{display + 1}. {choice_text}**" in source


def test_typed_answer_diff_and_i_was_right(qtbot, starter_library, store, recorder, tmp_path):
    item = starter_library.item("starter-gru-gate-name")
    view, _ = make_view(qtbot, store, recorder, [item], tmp_path)
    view.findChild(QLineEdit, "answerInput").setText("resett gate")
    view.submit()
    diff = view.findChild(QLabel, "answerDiff")
    assert diff.isVisible() and "line-through" in diff.text() and "reset gate" in diff.text()
    right = button(view, "iWasRightButton")
    assert right.isVisible()
    assert store.attempts(item.id)[0].correct is False
    right.click()
    attempts = store.attempts(item.id)
    assert len(attempts) == 1 and attempts[0].correct
    assert attempts[0].answer["override"] == "learner_marked_correct"
    assert "you said you were right" in view.findChild(object, "feedbackText").toPlainText()
    assert view.findChild(QLabel, "nextReviewLabel").text().startswith("Next review: in")


def test_undo_with_ctrl_z_shows_the_item_again(qtbot, starter_library, store, recorder, tmp_path):
    items = [starter_library.item("starter-gru-gate-count"), starter_library.item("starter-gru-no-cell")]
    view, session = make_view(qtbot, store, recorder, items, tmp_path)
    button(view, f"choice{view.display_order.index(0)}").click()
    view.submit()
    assert store.attempt_count() == 1
    view.next()
    assert view.instance.id == "starter-gru-no-cell"
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.attempt_count() == 0 and store.card("item:starter-gru-gate-count") is None
    assert view.instance.id == "starter-gru-gate-count" and view.verdict is None


def test_next_interval_shown_after_each_answer(qtbot, starter_library, store, recorder, tmp_path):
    view, _ = make_view(qtbot, store, recorder, [starter_library.item("starter-gru-no-cell")], tmp_path, language="ja")
    button(view, "falseButton").click() if view.findChild(QPushButton, "falseButton") else view.choice_buttons[1].click()
    view.submit()
    label = view.findChild(QLabel, "nextReviewLabel")
    assert label.isVisible() and label.text().startswith("次の復習:")


def test_summary_lists_titles_with_scores_and_actions(qtbot, starter_library, store, recorder, tmp_path):
    items = [starter_library.item("starter-gru-gate-count"), starter_library.item("starter-gru-no-cell")]
    view, _ = make_view(qtbot, store, recorder, items, tmp_path)
    button(view, f"choice{view.display_order.index(0)}").click()
    view.submit()
    view.next()
    view.skip()
    text = view.findChild(object, "questionText").toPlainText()
    assert "starter-gru-gate-count" not in text and "How many gates" in text and "0%" in text and "skipped" in text
    missed = button(view, "reviewMissedButton")
    assert missed.isVisible() and button(view, "backHomeButton").isVisible()
    with qtbot.waitSignal(view.review_items, timeout=1000) as blocker:
        missed.click()
    assert blocker.args == ["mistakes", ["starter-gru-gate-count"]]


def test_alt_keys_hint_mark_skip(qtbot, starter_library, store, recorder, tmp_path):
    items = [replace(starter_library.item("starter-gru-gate-count"), hints=(Text.neutral("only hint"),)),
             starter_library.item("starter-gru-no-cell")]
    view, _ = make_view(qtbot, store, recorder, items, tmp_path)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert "only hint" in view.findChild(object, "feedbackText").toPlainText()
    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert store.is_bookmarked("starter-gru-gate-count")
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert view.instance.id == "starter-gru-no-cell"
