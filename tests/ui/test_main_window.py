"""The main window over real content: sidebar, views, problems panel, search, language switch."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLineEdit, QPushButton

from studyapp.ui import create_main_window

STARTER = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "starter.yaml"


def make_window(qtbot, tmp_path, content=None, language="en"):
    window = create_main_window(str(tmp_path / "data"), content or [str(STARTER)], language=language)
    qtbot.addWidget(window)
    window.show()
    return window


def test_sidebar_lists_sections_with_progress(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    tree = window.section_tree
    bank = tree.topLevelItem(0)
    assert bank.text(0) == "Starter: LSTM and GRU"
    assert bank.child(0).text(0).startswith("GRU  0/7")
    window.start_section("starter", "starter-lstm")
    assert window.stack.currentWidget() is window.quiz
    window.quiz.findChild(QPushButton, f"choice{window.quiz.display_order.index(1)}").click()
    window.quiz.submit()
    assert window.section_tree.topLevelItem(0).child(1).text(0).startswith("LSTM  1/3 · 100%")  # rebuilt after the answer


def test_open_item_and_exercise(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    window.open_item("starter-lstm-forget")
    assert "can be dropped" in window.quiz.question.markdown_source()
    window.open_item("starter_gru_cell_forward")
    assert window.stack.currentWidget() is window.code
    assert window.code.editor.toPlainText().startswith("import numpy as np")
    window.close()


def test_broken_bank_in_problems_panel_rest_usable(qtbot, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "broken.yaml").write_text("bank: [oops\n", encoding="utf-8")
    (content / "starter.yaml").write_text(STARTER.read_text(encoding="utf-8"), encoding="utf-8")
    window = make_window(qtbot, tmp_path, content=[str(content)])
    assert window.problems_list.count() == 1
    assert "broken.yaml:2:1: YAML syntax error" in window.problems_list.item(0).text()
    assert window.problems_dock.isVisibleTo(window)
    window.open_item("starter-gru-gate-count")
    assert window.stack.currentWidget() is window.quiz


def test_search_in_both_languages(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    box = window.findChild(QLineEdit, "searchBox")
    box.setText("忘却ゲート")
    assert window.search_results.count() >= 1
    window._open_search_result(window.search_results.item(0))
    assert window.stack.currentWidget() is window.quiz
    box.setText("reset gate")
    assert window.search_results.count() >= 1


def test_language_switch_and_persistence(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    window.set_language("ja")
    assert window.section_tree.topLevelItem(0).text(0).startswith("スターター")
    assert window.quiz.submit_button.text().startswith("解答する")
    assert window.menuBar().actions()[0].text().startswith("ファイル")
    window.close()
    again = create_main_window(str(tmp_path / "data"), [str(STARTER)], language=None)
    qtbot.addWidget(again)
    assert again.language == "ja"


def test_draft_survives_closing_and_rebuilding_the_window(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    window.open_item("starter_gru_cell_forward")
    window.code.editor.setPlainText("# half-written GRU\n")
    window.close()  # closeEvent writes the pending autosave
    window.store.close()
    again = create_main_window(str(tmp_path / "data"), [str(STARTER)], language="en")
    qtbot.addWidget(again)
    again.open_item("starter_gru_cell_forward")
    assert again.code.editor.toPlainText() == "# half-written GRU\n"
    again.close()
