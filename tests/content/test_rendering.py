"""Markdown + math rendering: formulas typeset (TeX mathtext lacks is rewritten), prose stays HTML."""
import pytest

from studyapp.content.rendering import formulas_in, mathtext_source, render_markdown, typeset


@pytest.mark.parametrize(
    "tex",
    [
        r"h_t = (1-z)\odot h_{t-1} + z\odot\tilde h_t",
        r"\delta^{t-1} = \delta^t \left\{ \frac{\partial u^t}{\partial z^{t-1}} \right\}",
        r"\|\mathbf g\| \le \text{threshold}",
        r"a \ge b,\ \textstyle \sum_t x_t",
        r"[x,\ h]\begin{pmatrix} W_x \\ W_h \end{pmatrix} = x W_x + h W_h",
        r"\text{リセットゲート}\ r_t",
        r"W^\top",
    ],
)
def test_formulas_typeset(tex):
    assert typeset(tex) is not None, mathtext_source(tex)


def test_spaces_inside_text_survive():
    assert mathtext_source(r"\text{update gate}") == r"\mathrm{update\ gate}"


def test_unsupported_tex_falls_back_to_code_not_an_error():
    rendered = render_markdown(r"Before $\begin{aligned} a &= b \end{aligned}$ after")
    assert "<code>" in rendered.html and "Before" in rendered.html and not rendered.images


def test_inline_and_display_math_become_images():
    rendered = render_markdown("Inline $x^2$ and\n\n$$\\frac{a}{b}$$\n\n**bold**")
    assert len(rendered.images) == 2 and rendered.html.count("<img") == 2 and "<strong>bold</strong>" in rendered.html
    assert formulas_in("a $x$ b $$y$$") == ["x", "y"]
