"""Code is coloured as soon as it is loaded (starter, draft, solution), on every non-empty line, in both themes."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from studyapp.content.loader import load_library
from studyapp.ui.code_editor import CodeEditor


def uncoloured_lines(editor: CodeEditor) -> list[str]:
    bad = []
    block = editor.document().begin()
    while block.isValid():
        if block.text().strip() and not block.layout().formats():
            bad.append(block.text())
        block = block.next()
    return bad


@pytest.mark.parametrize("dark", [False, True])
def test_every_loaded_exercise_is_highlighted_on_every_line(qtbot, dark):
    editor = CodeEditor(dark=dark)
    qtbot.addWidget(editor)
    library = load_library(None)
    sources = [e.starter for e in library.exercises()] + [e.solution for e in library.exercises() if getattr(e, "solution", "")]
    assert len(sources) > 10
    for source in sources:
        editor.setPlainText(source)
        assert not uncoloured_lines(editor), uncoloured_lines(editor)[:3]


def test_a_string_opened_above_recolours_the_lines_below(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.setPlainText('x = 1\ny = 2\nz = 3\n"""\n')
    cursor = editor.textCursor()
    cursor.setPosition(0)
    cursor.insertText('"""\n')
    third = editor.document().findBlockByNumber(3)  # "z = 3", now inside the string
    colors = {f.format.foreground().color().name() for f in third.layout().formats()}
    assert colors == {QColor("#067d17").name()}


@pytest.mark.parametrize("text_color, keyword", [("#202020", "#0033b3"), ("#e8eaed", "#cc7832")])
def test_code_in_an_explanation_is_coloured_and_numbered(qtbot, text_color, keyword):
    from studyapp.content.rendering import render_markdown

    html = render_markdown("See:\n\n```python\ndef f(x):\n    return x\n\nz = 1\n```\n", color=text_color).html
    assert f"<span style='color:{keyword}'>def</span>" in html and f"<span style='color:{keyword}'>return</span>" in html
    assert ">1  </span>" in html and ">4  </span>" in html
