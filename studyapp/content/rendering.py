"""Markdown with LaTeX math to HTML plus typeset formula images (no Qt).

Prose goes through markdown-it (CommonMark + tables + ``$``/``$$`` math);
each formula is typeset by matplotlib's mathtext into a PNG, referenced from
the HTML as ``math:<key>`` so a view can register the images with its
document. A formula mathtext cannot typeset falls back to its TeX source in
code style, never to an error: the content test suite checks that bundled
formulas all typeset.
"""
from __future__ import annotations

import hashlib
import html
import io
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

# mathtext speaks a subset of TeX: rewrite the common commands it lacks.
_TEX_REWRITES = [
    (re.compile(r"\\(?:text|textrm|operatorname|mathrm)\s*\{([^{}]*)\}"), r"\\mathrm{\1}"),
    (re.compile(r"\\textbf\s*\{([^{}]*)\}"), r"\\mathbf{\1}"),
    (re.compile(r"\\(?:lVert|rVert|Vert)"), r"\\|"),
    (re.compile(r"\\(?:bigl|bigr|Bigl|Bigr|big|Big)\s*(?=[()\[\]|.]|\\[{}|])"), ""),
    (re.compile(r"\\(?:dfrac|tfrac)"), r"\\frac"),
    (re.compile(r"\\,|\\;|\\!|\\:|~"), " "),
    (re.compile(r"\\quad|\\qquad"), r"\\ \\ "),
    (re.compile(r"\\lvert|\\rvert"), "|"),
    (re.compile(r"\\ldots|\\cdots|\\dots"), r"\\cdots"),
    (re.compile(r"\\top\b"), r"\\mathsf{T}"),
    (re.compile(r"\\intercal\b"), r"\\mathsf{T}"),
    (re.compile(r"\\displaystyle|\\textstyle"), ""),
    (re.compile(r"\\le(?![a-zA-Z])"), r"\\leq"),
    (re.compile(r"\\ge(?![a-zA-Z])"), r"\\geq"),
    (re.compile(r"\\(mathbf|mathit|mathrm|mathsf|boldsymbol)\s+([A-Za-z0-9])"), r"\\\1{\2}"),
    (re.compile(r"\\boldsymbol"), r"\\mathbf"),
]


_TEXT_COMMAND = re.compile(r"\\(text|textrm|operatorname|mathrm)\s*\{([^{}]*)\}")


_COLUMN_VECTOR = re.compile(r"\\begin\{([pb])matrix\}\s*([^\\&{}]*(?:\{[^{}]*\}[^\\&{}]*)*)\\\\\s*([^\\&{}]*(?:\{[^{}]*\}[^\\&{}]*)*)\\end\{\1matrix\}")


def _column_vector(match: re.Match[str]) -> str:
    """A two-row column (p/b)matrix, which mathtext lacks, as a fraction without a bar."""
    left, right = ("(", ")") if match.group(1) == "p" else ("[", "]")
    return "\\left%s\\genfrac{}{}{0}{0}{%s}{%s}\\right%s" % (left, match.group(2).strip(), match.group(3).strip(), right)


def mathtext_source(tex: str) -> str:
    """TeX as mathtext accepts it (single line, supported commands)."""
    tex = " ".join(tex.split())
    tex = _COLUMN_VECTOR.sub(_column_vector, tex)
    # mathtext drops plain spaces even in roman text: make the ones inside \text{...} explicit.
    tex = _TEXT_COMMAND.sub(lambda m: "\\%s{%s}" % (m.group(1), m.group(2).replace(" ", "\\ ")), tex)
    for pattern, replacement in _TEX_REWRITES:
        tex = pattern.sub(replacement, tex)
    return tex


_render_lock = threading.Lock()  # matplotlib's text machinery is not thread-safe


@lru_cache(maxsize=4096)
def typeset(tex: str, size: float = 11.0, color: str = "#202020", dpi: int = 96) -> bytes | None:
    """PNG bytes of a formula typeset by mathtext, or ``None`` if it cannot be typeset."""
    from matplotlib.mathtext import math_to_image

    import matplotlib
    from matplotlib.font_manager import FontProperties

    buffer = io.BytesIO()
    needs_cjk = any(ord(ch) > 0x2E7F for ch in tex)  # Japanese inside \text{...}
    cjk = cjk_font_name()
    if needs_cjk and cjk is None:
        return None  # no font could draw it: the caller shows the source instead of tofu
    rc = {"mathtext.fontset": "custom", "mathtext.rm": cjk, "mathtext.it": "DejaVu Sans:italic",
          "mathtext.bf": "DejaVu Sans:bold", "mathtext.sf": "DejaVu Sans", "mathtext.cal": "DejaVu Sans", "mathtext.tt": "DejaVu Sans Mono"} if needs_cjk else {}
    with _render_lock, matplotlib.rc_context(rc):
        try:
            math_to_image(f"${mathtext_source(tex)}$", buffer, prop=FontProperties(size=size), dpi=dpi, format="png", color=color)
        except Exception:  # mathtext raises ValueError/ParseException variants on unsupported TeX
            return None
    return buffer.getvalue()


@lru_cache(maxsize=1)
def cjk_font_name() -> str | None:
    """A installed font family with Japanese glyphs (fonts-noto-cjk on Linux), if any."""
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    for candidate in ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "Hiragino Sans", "Yu Gothic", "MS Gothic", "TakaoGothic"):
        if candidate in names:
            return candidate
    return None


@dataclass
class Rendered:
    """HTML whose ``<img src="math:KEY">`` refer to the PNGs in ``images``."""

    html: str
    images: dict[str, bytes] = field(default_factory=dict)
    formulas: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    dollarmath_plugin(md, allow_space=True, allow_digits=True, double_inline=True)
    return md


def _collect_math(md_text: str) -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []

    def walk(tokens) -> None:
        for token in tokens:
            if token.type in ("math_inline", "math_block", "math_inline_double", "math_block_label"):
                found.append((token.content, token.type != "math_inline"))
            if token.children:
                walk(token.children)

    walk(_markdown().parse(md_text))
    return found


def render_markdown(md_text: str, color: str = "#202020", size: float = 11.0, image_dir: Path | None = None, inline: bool = False,
                    dpi: int = 96) -> Rendered:
    """Render Markdown + math to HTML for a rich-text view, typesetting each formula.

    Formulas are referenced as ``math:KEY`` (the view registers ``images``),
    or, with ``image_dir``, written there as PNG files and referenced by path
    (for widgets such as labels that cannot take registered resources).
    ``inline`` drops the enclosing paragraph, for one-line texts.
    """
    rendered = Rendered(html="")
    md = _markdown()

    def math_html(tex: str, display: bool) -> str:
        rendered.formulas.append(tex)
        png = typeset(tex, size * (1.15 if display else 1.0), color, dpi)
        if png is None:
            code = f"<code>{html.escape(tex)}</code>"
            return f"<p align='center'>{code}</p>" if display else code
        key = hashlib.sha1(f"{tex}|{size}|{color}|{display}|{dpi}".encode()).hexdigest()[:16]
        rendered.images[key] = png
        src = f"math:{key}"
        if image_dir is not None:
            path = image_dir / f"{key}.png"
            if not path.exists():
                image_dir.mkdir(parents=True, exist_ok=True)
                path.write_bytes(png)
            src = path.as_posix()
        img = f"<img src='{src}' alt='{html.escape(tex, quote=True)}' style='vertical-align: middle'>"
        return f"<p align='center'>{img}</p>" if display else img

    rules = md.renderer.rules
    rules["math_inline"] = lambda tokens, idx, options, env: math_html(tokens[idx].content, False)
    rules["math_inline_double"] = lambda tokens, idx, options, env: math_html(tokens[idx].content, True)
    rules["math_block"] = lambda tokens, idx, options, env: math_html(tokens[idx].content, True)
    rules["math_block_label"] = lambda tokens, idx, options, env: math_html(tokens[idx].content, True)
    rendered.html = md.render(md_text).strip()
    if inline and rendered.html.startswith("<p>") and rendered.html.endswith("</p>") and rendered.html.count("<p>") == 1:
        rendered.html = rendered.html[3:-4]
    return rendered


def formulas_in(md_text: str) -> list[str]:
    """Every formula (inline or display) in a Markdown text, for content checks."""
    return [tex for tex, _ in _collect_math(md_text)]
