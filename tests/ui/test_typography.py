"""Japanese in every rendered text: soft line breaks vanish, and no line starts with closing punctuation."""
from __future__ import annotations

from studyapp.content.rendering import render_markdown
from studyapp.ui.richtext import RichTextView

EXPLANATION = "リセットゲートは隠れ状態そのものを\n更新するのではなく、候補の計算に使う\n前の状態を選ぶ。GRU\nでは2つのゲートを使う。"


def test_soft_break_between_japanese_renders_as_nothing(qtbot):
    view = RichTextView()
    qtbot.addWidget(view)
    view.set_markdown(EXPLANATION)
    text = view.toPlainText()
    assert "そのものを更新する" in text and "使う前の" in text
    assert "GRUでは" in text  # Latin next to Japanese: no word space either
    assert render_markdown("English\nwords").html == "<p>English words</p>"  # between Latin words the break stays a space


def test_no_line_starts_with_closing_punctuation(qtbot):
    view = RichTextView()
    qtbot.addWidget(view)
    view.resize(160, 600)
    view.show()
    view.set_markdown("「状態」を、次の時刻へ渡す。" * 12)
    document = view.document()
    document.setTextWidth(130)
    starts = []
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        for index in range(layout.lineCount()):
            line = layout.lineAt(index)
            starts.append(block.text()[line.textStart():line.textStart() + 1])
        block = block.next()
    assert len(starts) > 5
    assert not [s for s in starts if s in "。、」）"], starts
