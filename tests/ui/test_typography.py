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


def _bottom_ink_row(image, columns) -> int:
    return max(y for y in range(image.height()) if any(image.pixelColor(x, y).lightness() < 110 for x in columns))


def test_inline_formula_sits_on_the_text_baseline(qtbot):
    """``nnnn $n...$``: the formula's leading n ends on the same row as the text's n, whatever follows it."""
    from PySide6.QtGui import QColor, QPalette

    for formula in ("n", "n_t", "n^2", r"n \frac{a}{b}", r"n \sum_{z=0}^{T} x"):
        view = RichTextView()
        qtbot.addWidget(view)
        palette = view.palette()
        palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
        view.setPalette(palette)
        palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        view.setPalette(palette)
        view.resize(400, 120)
        view.show()
        view.set_markdown(f"nnnn ${formula}$")
        qtbot.wait(1)
        image = view.viewport().grab().toImage()
        margin = round(view.document().documentMargin())
        start = margin + view.fontMetrics().horizontalAdvance("nnnn ")
        text_bottom = _bottom_ink_row(image, range(margin, start - 6))
        inked = [x for x in range(start - 2, image.width()) if any(image.pixelColor(x, y).lightness() < 110 for y in range(image.height()))]
        formula_bottom = _bottom_ink_row(image, range(inked[0], inked[0] + 3))
        assert abs(formula_bottom - text_bottom) <= 1, (formula, formula_bottom, text_bottom)


def test_no_line_starts_with_the_comma_after_a_formula(qtbot):
    view = RichTextView()
    qtbot.addWidget(view)
    view.set_markdown(" ".join(f"word{n} $W_{{hh}}$, then" for n in range(30)))
    document = view.document()
    starts = []
    for width in range(90, 260, 7):
        document.setTextWidth(width)
        block = document.begin()
        layout = block.layout()
        starts += [block.text()[layout.lineAt(i).textStart():][:2] for i in range(layout.lineCount())]
    assert len(starts) > 100
    assert not [s for s in starts if s.startswith(",")]
