"""The main window over real content: tree, item text, problems panel (pytest-qt, offscreen)."""
from __future__ import annotations

from pathlib import Path

from studyapp.content.loader import load_library
from studyapp.ui import create_main_window
from studyapp.ui.main_window import MainWindow

STARTER = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "starter.yaml"


def test_tree_lists_banks_and_sections(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path / "cache"))
    window = MainWindow(load_library([STARTER]))
    qtbot.addWidget(window)
    tree = window.section_tree
    assert tree.topLevelItemCount() == 1
    bank = tree.topLevelItem(0)
    assert bank.text(0).startswith("Starter: LSTM and GRU")
    assert [bank.child(i).text(0).split("  ")[0] for i in range(2)] == ["GRU", "LSTM"]
    window.open_item("starter-lstm-forget")
    assert "forget gate" in window.question_text.toPlainText()
    assert not window.problems_dock.isVisibleTo(window)


def test_broken_bank_shows_in_problems_panel_and_rest_loads(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "broken.yaml").write_text("bank: [oops\n", encoding="utf-8")
    (tmp_path / "starter.yaml").write_text(STARTER.read_text(encoding="utf-8"), encoding="utf-8")
    window = create_main_window(str(tmp_path / "data"), [str(tmp_path)], language="ja")
    qtbot.addWidget(window)
    assert window.problems_list.count() == 1
    assert "broken.yaml:" in window.problems_list.item(0).text()
    assert window.problems_dock.isVisibleTo(window)
    assert window.section_tree.topLevelItem(0).text(0).startswith("スターター")
    window.open_item("starter-gru-gate-count")
    assert "GRU が持つゲート" in window.question_text.toPlainText()
