"""The learning loop through the main window: today's plan, Study now, resuming a section, exams into review."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QMessageBox, QPushButton

from studyapp.progress.queues import queue_item_ids
from studyapp.ui import create_main_window
from studyapp.ui.home_page import STUDY_NOW_URL

STARTER = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "starter.yaml"


def make_window(qtbot, tmp_path, language="en"):
    window = create_main_window(str(tmp_path / "data"), [str(STARTER)], language=language)
    qtbot.addWidget(window)
    window.show()
    return window


def answer_current(window, right=True):
    quiz = window.quiz
    item = quiz.instance
    if item.kind in ("single", "truefalse"):
        if item.kind == "single":
            wanted = item.answer if right else (item.answer + 1) % len(item.choices)
            quiz.findChild(QPushButton, f"choice{quiz.display_order.index(wanted)}").click()
        else:
            quiz.findChild(QPushButton, "trueButton" if item.answer == right else "falseButton").click()
    quiz.submit()


def test_home_shows_today_and_study_now_runs_the_plan(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    home = window.home.toMarkdown()
    assert "Today" in home and "Study now" in home
    assert window.today.new == len([i for i in window.library.items()])  # starter bank < daily quota
    assert window.findChild(type(window._actions["new"]), "action_new").text().startswith("New items (")
    window._home_link(QUrl(STUDY_NOW_URL))
    assert window.stack.currentWidget() is window.quiz
    assert window.quiz.session.kind == "today"
    assert [i.id for i in window.quiz.session.items] == list(window.today.study_order)


def test_today_in_japanese(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path, language="ja")
    assert "今日の学習" in window.home.toMarkdown() and "今すぐ学習" in window.home.toMarkdown()


def test_section_reopened_after_three_answers_resumes_at_item_four(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    window.start_section("starter", "starter-gru")
    quiz = window.quiz
    for _ in range(3):  # answer through the session (the quiz widgets are tested in test_quiz_view)
        quiz.session.answer(None, judged_score=0.0)
        quiz.session.next()
    assert window.store.attempt_count() == 3
    window.show_home()
    window.start_section("starter", "starter-gru")
    assert window.quiz.session.position == 3
    assert "item 4" in window.statusBar().currentMessage()
    window.restart_section()
    assert window.quiz.session.position == 0


def test_exam_answers_reach_the_mistakes_queue(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    window.show_exam()
    view = window._extra_views["exam"]
    view.findChild(QPushButton, "startExamButton").click()
    exam = view.exam
    for position in range(len(exam.items)):
        exam.set_answer(position, "definitely wrong")
    view.confirm_submit = lambda n: True
    with qtbot.waitSignal(view.finished, timeout=10000):
        view.submit_exam()
    answered = {r.item_id for r in view.report.items if r.answered}
    assert len(answered) >= len(exam.items) - 1  # the item on screen takes the (empty) answer of its panel
    assert set(queue_item_ids("mistakes", window.library, window.store)) == answered
    assert {a.mode for a in window.store.attempts()} == {"exam"}
    view.findChild(QPushButton, "practiseMissedButton").click()
    assert window.quiz.session.kind == "mistakes"
    assert [i.id for i in window.quiz.session.items] == [i.id for i in exam.items]  # all wrong or unanswered


def test_leaving_a_running_exam_asks_and_no_keeps_it(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    window.show_exam()
    view = window._extra_views["exam"]
    view.findChild(QPushButton, "startExamButton").click()
    asked = []
    window.confirm_leave_exam = lambda: asked.append(True) or False
    window.show_home()
    assert asked and window.stack.currentWidget() is view
    window.confirm_leave_exam = lambda: True
    window.show_home()
    assert window.stack.currentWidget() is window.home
    assert view.exam is not None and not view.exam.submitted and view.timer.isActive()  # still counting down


def test_summary_review_missed_runs_them_and_shortcuts_dialog(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    window.start_items("practice", ["starter-gru-gate-count"])
    quiz = window.quiz
    quiz.findChild(QPushButton, f"choice{quiz.display_order.index(0)}").click()
    quiz.submit()
    quiz.next()
    summary = quiz.question.toPlainText()
    assert "GRU: 0/1" in summary and "starter-gru:" not in summary  # sections by title, not id
    quiz.findChild(QPushButton, "reviewMissedButton").click()
    assert quiz.session.kind == "mistakes" and [i.id for i in quiz.session.items] == ["starter-gru-gate-count"]
    window.show_shortcuts()
    dialog = window.findChild(QMessageBox, "shortcutsDialog")
    assert "Ctrl+Z" in dialog.text() and "Alt+R" in dialog.text()
    dialog.close()


def test_summary_next_section_goes_on_in_bank_order(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    first, second = [(b.id, s.id) for b in window.library.banks for s in b.sections][:2]
    window.start_section(*first)
    quiz = window.quiz
    while not quiz.session.finished:
        quiz.skip()
    button = quiz.findChild(QPushButton, "nextSectionButton")
    assert button.isVisible() and button.text() == "Next section"
    button.click()
    assert {i.section for i in quiz.session.items} == {second[1]}


def test_summary_back_home(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    window.start_items("practice", ["starter-gru-gate-count"])
    window.quiz.skip()
    window.quiz.findChild(QPushButton, "backHomeButton").click()
    assert window.stack.currentWidget() is window.home
