"""TeX to readable Unicode for rows, headers and drop-downs: every bundled text comes out without TeX source."""
from __future__ import annotations

import re

import pytest

from studyapp.content.loader import load_library
from studyapp.content.plaintext import markdown_to_text, snippet, tex_to_text

TEX_LEFTOVER = re.compile(r"\$|\\[A-Za-z]")


@pytest.mark.parametrize("tex, text", [
    (r"W_{in}", "W_in"),
    (r"\delta^{t-z}", "δ^{t−z}"),
    (r"\delta^{t-z}\,[z^{t-z-1}]^\top", "δ^{t−z} [z^{t−z−1}]ᵀ"),
    (r"W_{xh}x_t", "W_xh x_t"),
    (r"\frac{\partial L}{\partial h_t}", "(∂ L)/(∂ h_t)"),
    (r"\sigma(x) \odot \tanh(c_t)", "σ(x) ⊙ tanh(c_t)"),
    (r"\mathbb{R}^{d}", "ℝ^d"),
    (r"\hat{y}", "ŷ"),
    (r"\left\| g \right\|_2 \le \theta", "‖ g ‖_2 ≤ θ"),
    (r"\text{更新ゲート}\ z_t", "更新ゲート z_t"),
])
def test_tex_reads_as_unicode(tex, text):
    assert tex_to_text(tex) == text


def test_markdown_line_drops_marks_and_joins_japanese_lines():
    assert markdown_to_text("The **gate** $z_t$ uses\n`W` and 隠れ状態を\n更新する") == "The gate z_t uses W and 隠れ状態を更新する"
    assert snippet("x" * 200, 10) == "x" * 9 + "…"


def _texts(item, language):
    yield item.prompt.get(language)
    yield item.template.get(language)
    for choice in item.choices:
        yield choice.text.get(language)
    for blank in item.blanks:
        for option in blank.options:
            yield option.get(language)


def test_no_tex_survives_in_any_bundled_row_or_drop_down_text():
    """Drop-down items, list rows (prompt snippets) and choice names of every bundled item, both languages."""
    library = load_library(None)
    items = list(library.items())
    assert len(items) > 100
    leftovers = [(item.id, language, text, plain)
                 for item in items for language in ("en", "ja") for text in _texts(item, language)
                 for plain in [snippet(text, 10_000)] if TEX_LEFTOVER.search(plain)]
    assert not leftovers, leftovers[:5]
    titles = [t.get(lang) for bank in library.banks for s in bank.sections for t in (s.title,) for lang in ("en", "ja")]
    assert not [t for t in titles if TEX_LEFTOVER.search(markdown_to_text(t))]
