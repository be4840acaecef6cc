"""Drive the exam view through its real widgets with a fake clock: setup, answering, submit, time-up, report."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QSpinBox

from studyapp.progress.exam import SectionResult
from studyapp.ui.exam_view import T, ExamView, format_clock


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return FakeClock()


def make_view(qtbot, library, store, clock, language="en"):
    view = ExamView(library, store, language=language, clock=clock)
    qtbot.addWidget(view)
    view.resize(1000, 750)
    view.show()
    return view


def start(view, seed=7, minutes=None):
    view.findChild(QSpinBox, "examSeedSpin").setValue(seed)
    if minutes is not None:
        view.findChild(QSpinBox, "examDurationSpin").setValue(minutes)
    view.findChild(QPushButton, "startExamButton").click()
    assert view.exam is not None
    return view.exam


def go_to_item(view, item_id) -> int:
    position = [i.id for i in view.exam.items].index(item_id)
    view.findChild(QPushButton, f"examNav{position}").click()
    assert view.position == position
    return position


def click_choice(view, original):
    panel = view.panel
    panel.findChild(QPushButton, f"choice{panel.display_order.index(original)}").click()


def test_setup_defaults_cap_and_sections(qtbot, starter_library, store, clock):
    view = make_view(qtbot, starter_library, store, clock)
    count = view.findChild(QSpinBox, "examCountSpin")
    assert count.value() == 9 and count.maximum() == 9  # 10 starter items, the code one is not examinable
    assert view.findChild(QSpinBox, "examDurationSpin").value() == 60
    boxes = {b.text(): b for b in view.findChildren(QCheckBox) if b.objectName().startswith("examSection_")}
    assert set(boxes) == {"GRU", "LSTM"} and all(b.isChecked() for b in boxes.values())
    boxes["GRU"].setChecked(False)
    assert count.value() == 3
    boxes["GRU"].setChecked(True)
    assert count.value() == 9  # the wish (default 40) comes back, capped again
    assert view.findChild(QLabel, "examHistoryEmpty").isVisibleTo(view)
    exam = start(view, seed=7)
    assert len(exam.items) == 9 and all(item.kind != "code" for item in exam.items)
    assert all(i.instance_seed == 7 for i in exam.items if i.parameterized)


def test_same_seed_same_exam(qtbot, starter_library, store, clock):
    view = make_view(qtbot, starter_library, store, clock)
    view.findChild(QSpinBox, "examCountSpin").setValue(4)
    first = [i.id for i in start(view, seed=3).items]
    view.confirm_submit = lambda n: True
    view.findChild(QPushButton, "submitExamButton").click()
    view.findChild(QPushButton, "newExamButton").click()
    assert view.findChild(QSpinBox, "examCountSpin").value() == 4
    assert [i.id for i in start(view, seed=3).items] == first


def test_answer_right_and_wrong_submit_report_and_history(qtbot, starter_library, store, clock):
    view = make_view(qtbot, starter_library, store, clock)
    exam = start(view)
    assert view.findChild(QLabel, "examCountdown").text() == "60:00"
    go_to_item(view, "starter-gru-gate-count")
    click_choice(view, 1)  # right: two gates
    lstm = go_to_item(view, "starter-lstm-forget")
    click_choice(view, 0)  # wrong: the input gate
    assert exam.answered_count == 2
    assert view.findChild(QPushButton, f"examNav{lstm}").accessibleName() == "Question " f"{lstm + 1}, answered"
    clock.advance(125)
    view.tick()
    assert view.findChild(QLabel, "examCountdown").text() == "57:55"

    asked = []
    view.confirm_submit = lambda unanswered: asked.append(unanswered) or True
    with qtbot.waitSignal(view.finished) as finished:
        view.findChild(QPushButton, "submitExamButton").click()
    report = finished.args[0]
    assert asked == [7]
    assert report is view.report and not report.timed_out
    assert report.by_section["starter-gru"] == SectionResult(items=6, correct=1, score=1.0)
    assert report.by_section["starter-lstm"] == SectionResult(items=3, correct=0, score=0.0)
    assert report.correct == 1 and report.unanswered == 7 and report.percent == pytest.approx(100 / 9)

    report_view = view.findChild(object, "examReport")
    assert view.stack.currentWidget() is view.report_page
    source = report_view.markdown_source()
    assert "| GRU | 6 | 1 | 1 / 6 | 17% |" in source
    assert "| LSTM | 3 | 0 | 0 / 3 | 0% |" in source
    assert "**11%**" in source
    text = report_view.toPlainText()
    assert "Overall score" in text and "2 min 5 s" in text
    assert text.count("Your answer") == 9 and text.count("Right answer") == 9
    assert "✔ Correct" in text and "✘ Incorrect" in text and "Not answered" in text
    assert "reset gate" in text  # the explanation of the gate-count item
    assert "input gate" in text and "forget gate" in text  # the learner's and the right choice

    exams = store.exams()
    assert len(exams) == 1 and exams[0].score == 1.0 and exams[0].max_score == 9 and exams[0].seed == 7
    view.findChild(QPushButton, "newExamButton").click()
    history = view.findChild(object, "examHistory")
    assert history.topLevelItemCount() == 1 and history.topLevelItem(0).text(1) == "11%"


def test_no_feedback_before_submission(qtbot, starter_library, store, clock):
    view = make_view(qtbot, starter_library, store, clock)
    start(view)
    go_to_item(view, "starter-gru-gate-count")
    click_choice(view, 1)
    go_to_item(view, "starter-lstm-sigmoid-max")
    qtbot.keyClicks(view.panel.findChild(QLineEdit, "answerInput"), "0.3")
    go_to_item(view, "starter-gru-gate-count")
    words = ("Correct", "Incorrect", "Expected", "Explanation", "✔", "✘", "right", "wrong")
    shown = [w.text() for w in view.findChildren(QLabel) if w.isVisibleTo(view)]
    shown += [w.text() for w in view.findChildren(QPushButton) if w.isVisibleTo(view)]
    assert not [s for s in shown if any(word in s for word in words)]
    assert not view.panel.feedback.isVisibleTo(view)
    assert all(button.styleSheet() == "" for button in view.panel.choice_buttons)  # no right/wrong colours
    assert view.findChild(object, "examReport").toPlainText() == ""
    assert view.panel.choice_buttons[view.panel.display_order.index(1)].isChecked()  # the answer came back


def test_answers_persist_and_enter_goes_on(qtbot, starter_library, store, clock):
    view = make_view(qtbot, starter_library, store, clock)
    start(view)
    position = go_to_item(view, "starter-lstm-cell-cloze")
    panel = view.panel
    panel.findChild(object, "blank1").setCurrentIndex(1)  # "f"
    qtbot.keyClicks(panel.findChild(QLineEdit, "blank2"), "tanh")
    assert view.exam.answer_of(position) == [0, "tanh"]
    view.go_to((position + 1) % 9)
    view.go_to(position)
    assert panel.findChild(QLineEdit, "blank2").text() == "tanh"
    assert panel.findChild(object, "blank1").currentData() == 0
    view.findChild(QPushButton, "clearAnswerButton").click()
    assert view.exam.answer_of(position) is None
    view.go_to(0)
    qtbot.keyClick(panel, Qt.Key.Key_Return)
    assert view.position == 1
    view.findChild(QPushButton, "examPrevButton").click()
    assert view.position == 0 and not view.findChild(QPushButton, "examPrevButton").isEnabled()


def test_cancelled_confirmation_keeps_the_exam_running(qtbot, starter_library, store, clock):
    view = make_view(qtbot, starter_library, store, clock)
    start(view)
    view.confirm_submit = lambda unanswered: False
    view.findChild(QPushButton, "submitExamButton").click()
    assert view.report is None and view.stack.currentWidget() is view.run_page and view.timer.isActive()
    assert store.exams() == []


def test_time_up_auto_submits(qtbot, starter_library, store, clock):
    view = make_view(qtbot, starter_library, store, clock)
    start(view, minutes=10)
    assert view.timer.isActive() and view.timer.interval() == 1000
    countdown = view.findChild(QLabel, "examCountdown")
    assert countdown.text() == "10:00" and "c62828" not in countdown.styleSheet()
    position = go_to_item(view, "starter-lstm-sigmoid-max")
    qtbot.keyClicks(view.panel.findChild(QLineEdit, "answerInput"), "0.25")
    clock.advance(5 * 60 + 1)
    view.tick()
    assert countdown.text() == "04:59" and "c62828" in countdown.styleSheet()  # red in the last five minutes
    clock.advance(5 * 60)
    with qtbot.waitSignal(view.finished):
        view.timer.timeout.emit()  # the timer's own tick
    report = view.report
    assert report.timed_out and report.items[position].correct and report.correct == 1
    assert not view.timer.isActive()
    assert view.stack.currentWidget() is view.report_page
    assert "Time ran out" in view.findChild(object, "examReport").toPlainText()
    assert len(store.exams()) == 1 and store.exams()[0].timed_out


def test_retranslate_to_japanese(qtbot, starter_library, store, clock):
    assert T.missing() == []
    view = make_view(qtbot, starter_library, store, clock)
    view.retranslate("ja")
    assert view.findChild(QPushButton, "startExamButton").text() == "試験を開始"
    assert view.findChild(QSpinBox, "examDurationSpin").suffix() == " 分"
    start(view)
    go_to_item(view, "starter-gru-gate-count")
    click_choice(view, 1)
    view.retranslate("en")
    assert view.findChild(QPushButton, "submitExamButton").text() == "Submit exam"
    view.retranslate("ja")
    assert view.findChild(QPushButton, "submitExamButton").text() == "試験を提出"
    assert view.panel.header.text().startswith("問題 ")
    assert "GRU が持つゲート" in view.panel.question.toPlainText()
    assert view.panel.choice_buttons[view.panel.display_order.index(1)].isChecked()  # answer kept
    view.confirm_submit = lambda unanswered: True
    with qtbot.waitSignal(view.finished, timeout=10000):  # the report's math is typeset off the UI thread
        view.findChild(QPushButton, "submitExamButton").click()
    text = view.findChild(object, "examReport").toPlainText()
    assert "試験結果" in text and "セクション別" in text and "あなたの解答" in text
    view.retranslate("en")
    assert "Exam result" in view.findChild(object, "examReport").toPlainText()


def test_format_clock():
    assert format_clock(3600) == "60:00"
    assert format_clock(59.2) == "01:00"
    assert format_clock(0) == "00:00"
    assert format_clock(-3) == "00:00"


def test_report_is_prepared_off_the_ui_thread_with_a_busy_bar(qtbot, starter_library, store, clock):
    view = make_view(qtbot, starter_library, store, clock)
    start(view)
    view.confirm_submit = lambda unanswered: True
    view.findChild(QPushButton, "submitExamButton").click()
    assert view.stack.currentWidget() is view.report_page and view.report is not None
    assert view.report_busy.isVisible() and "Marking" in view.findChild(object, "examReport").toPlainText()
    qtbot.waitUntil(lambda: not view.report_busy.isVisible(), timeout=10000)
    assert "Exam result" in view.findChild(object, "examReport").toPlainText()
