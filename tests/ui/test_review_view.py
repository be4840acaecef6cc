"""Review view: queues from the real scheduler, Start buttons, the explanation reader, Japanese labels."""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGroupBox, QLineEdit, QListWidget, QPushButton

from studyapp.progress.scheduling import ReviewScheduler
from studyapp.ui.review_view import ReviewView, matching_items, topic_items


def make_view(qtbot, library, store, recorder, language="en"):
    view = ReviewView(library, store, recorder, language=language)
    qtbot.addWidget(view)
    view.resize(1000, 750)
    view.show()
    return view


def list_ids(widget: QListWidget) -> list[str]:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).data(Qt.ItemDataRole.UserRole) is not None]


def test_mistake_listed_and_start_emits_its_id(qtbot, starter_library, store, recorder):
    recorder.record_answer(starter_library.item("starter-gru-gate-count"), score=1.0, correct=True, seconds=10)
    recorder.record_answer(starter_library.item("starter-gru-no-cell"), score=0.0, correct=False, seconds=5)
    view = make_view(qtbot, starter_library, store, recorder)
    mistakes = view.findChild(QListWidget, "mistakesList")
    assert list_ids(mistakes) == ["starter-gru-no-cell"]
    assert "memory cell" in mistakes.item(0).text()
    assert view.findChild(QGroupBox, "mistakesBox").title() == "Mistakes (1)"
    button = view.findChild(QPushButton, "startMistakesButton")
    assert button.isEnabled()
    with qtbot.waitSignal(view.start_session, timeout=1000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["mistakes", ["starter-gru-no-cell"]]


def test_empty_queues_disable_start(qtbot, starter_library, store, recorder):
    view = make_view(qtbot, starter_library, store, recorder)
    for name in ("startDueButton", "startMistakesButton", "startWeakButton"):
        assert not view.findChild(QPushButton, name).isEnabled()
    assert list_ids(view.findChild(QListWidget, "dueList")) == []
    assert view.findChild(QListWidget, "dueList").count() == 1  # the friendly placeholder
    with qtbot.assertNotEmitted(view.start_session):
        view.findChild(QPushButton, "startDueButton").click()


def test_due_queue_later_and_weak_topic(qtbot, starter_library, store, recorder):
    recorder.record_answer(starter_library.item("starter-lstm-forget"), score=1.0, correct=True, seconds=20)
    recorder.record_answer(starter_library.item("starter-gru-no-cell"), score=0.0, correct=False, seconds=5)
    later = ReviewScheduler(store, clock=lambda: store.clock() + timedelta(days=60))
    view = make_view(qtbot, starter_library, store, later)
    assert set(list_ids(view.findChild(QListWidget, "dueList"))) == {"starter-lstm-forget", "starter-gru-no-cell"}
    with qtbot.waitSignal(view.start_session) as blocker:
        view.findChild(QPushButton, "startDueButton").click()
    assert blocker.args[0] == "review_due" and len(blocker.args[1]) == 2

    weak = view.findChild(QListWidget, "weakList")
    assert list_ids(weak) == ["starter-gru", "starter-lstm"]  # 0% before 100%
    with qtbot.waitSignal(view.start_session) as blocker:
        view.findChild(QPushButton, "startWeakButton").click()
    kind, ids = blocker.args
    assert kind == "practice" and ids[0] == "starter-gru-no-cell"  # last wrong first
    assert {starter_library.item(i).section for i in ids} == {"starter-gru"}

    view.findChild(QComboBox, "weakByCombo").setCurrentIndex(1)  # by tag
    assert "gru" in list_ids(weak)
    assert weak.item(0).text().startswith("#")


def test_explanation_reader_filters_by_japanese_term(qtbot, starter_library, store, recorder):
    view = make_view(qtbot, starter_library, store, recorder)
    combo = view.findChild(QComboBox, "sectionCombo")
    assert [combo.itemText(i) for i in range(combo.count())][1:] == ["GRU", "LSTM"]
    combo.setCurrentIndex(0)  # all sections
    text = view.findChild(object, "explanationText")
    assert "reset gate" in text.toPlainText() and "forget" in text.toPlainText().lower()
    search = view.findChild(QLineEdit, "explanationSearch")
    search.setFocus()
    search.insert("リセットゲート")  # as typed via an input method (QTest cannot send non-Latin keys)
    shown = text.toPlainText()
    assert "reset gate" in shown  # English view of a match found by its Japanese text
    assert "memory cell" not in shown
    search.setText("no such thing at all")
    assert "No item matches" in text.toPlainText()


def test_retranslate_to_japanese(qtbot, starter_library, store, recorder):
    recorder.record_answer(starter_library.item("starter-gru-no-cell"), score=0.0, correct=False, seconds=5)
    view = make_view(qtbot, starter_library, store, recorder)
    assert view.findChild(QPushButton, "startDueButton").text() == "Start"
    view.retranslate("ja")
    assert view.findChild(QPushButton, "startDueButton").text() == "開始"
    assert view.findChild(QGroupBox, "mistakesBox").title() == "間違えた問題 (1)"
    assert view.findChild(QComboBox, "sectionCombo").itemText(0) == "すべてのセクション"
    assert view.findChild(QLineEdit, "explanationSearch").placeholderText().startswith("問題文")
    assert "GRU は" in view.findChild(QListWidget, "mistakesList").item(0).text()
    assert "解説" in view.findChild(object, "explanationText").toPlainText()


def test_pure_helpers(starter_library):
    items = starter_library.items()
    assert [i.id for i in matching_items(items, "忘却")] == [i.id for i in items if "忘却" in i.searchable_text()]
    assert matching_items(items, "  ") == items
    ids = topic_items(items, "gates", "tag", {"starter-gru-gate-count": (True, 1.0), "starter-lstm-forget": (False, 2.0)})
    assert ids[0] == "starter-lstm-forget" and ids[-1] == "starter-gru-gate-count"


def test_marked_and_new_queues_list_and_start(qtbot, starter_library, store, recorder):
    everything = [i.id for i in starter_library.items()]
    recorder.record_answer(starter_library.item(everything[0]), score=1.0, correct=True, seconds=10)
    store.set_bookmark(everything[2])
    view = make_view(qtbot, starter_library, store, recorder)
    marked = view.findChild(QListWidget, "markedList")
    new = view.findChild(QListWidget, "newList")
    assert list_ids(marked) == [everything[2]]
    assert list_ids(new) == everything[1:]
    assert view.findChild(QGroupBox, "newBox").title() == f"New ({len(everything) - 1})"
    with qtbot.waitSignal(view.start_session, timeout=1000) as blocker:
        qtbot.mouseClick(view.findChild(QPushButton, "startMarkedButton"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["bookmarks", [everything[2]]]
    with qtbot.waitSignal(view.start_session, timeout=1000) as blocker:
        qtbot.mouseClick(view.findChild(QPushButton, "startNewButton"), Qt.MouseButton.LeftButton)
    assert blocker.args[0] == "new" and blocker.args[1] == everything[1:21]
    store.set_bookmark(everything[2], False)
    view.refresh()
    assert not view.findChild(QPushButton, "startMarkedButton").isEnabled()
    view.retranslate("ja")
    assert view.findChild(QGroupBox, "markedBox").title() == "マークした問題 (0)"
