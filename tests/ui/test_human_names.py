"""The learner reads titles and prompts, never ids: one-item headers, session summaries."""
from __future__ import annotations

from studyapp.ui import create_main_window


def test_header_and_summary_show_titles_not_ids(qtbot, tmp_path):
    window = create_main_window(str(tmp_path / "data"), None, language="en")
    qtbot.addWidget(window)
    window.show()
    item = window.library.item("bptt-update-cloze")
    section_title = next(s.title.get("en") for b in window.library.banks for s in b.sections if s.id == item.section)
    window.open_item(item.id)
    quiz = window.quiz
    assert quiz.header.text().startswith(section_title + " · ")
    assert item.section not in quiz.header.text()
    quiz.skip_button.click()  # the skipped item goes to "to revisit"
    summary = quiz.question.toPlainText()
    assert "Session complete" in summary
    assert item.id not in summary and item.section not in summary
