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

from studyapp.content.codehtml import code_html

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


@dataclass(frozen=True)
class Formula:
    """A typeset formula: a transparent PNG padded so that, shown with ``vertical-align: middle``,
    its baseline lands on the text baseline whatever the formula's depth. ``width``/``height`` are
    in device pixels; divide by ``ratio`` for the logical size at which to show it.
    """

    png: bytes
    width: int
    height: int
    ratio: float


def _rgba(mask, color: str):
    """Colour + coverage mask -> RGBA array: the pixels outside the glyphs stay fully transparent."""
    import numpy as np
    from matplotlib.colors import to_rgb

    return np.dstack([np.full(mask.shape, round(255 * c), np.uint8) for c in to_rgb(color)] + [mask])


@lru_cache(maxsize=4096)
def typeset_formula(tex: str, size: float = 11.0, color: str = "#202020", dpi: int = 96) -> Formula | None:
    """Typeset ``tex`` with mathtext's raster backend (no figure, no background), or ``None``."""
    import matplotlib
    import numpy as np
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser
    from PIL import Image

    needs_cjk = any(ord(ch) > 0x2E7F for ch in tex)  # Japanese inside \text{...}
    cjk = cjk_font_name()
    if needs_cjk and cjk is None:
        return None  # no font could draw it: the caller shows the source instead of tofu
    rc = {"mathtext.fontset": "custom", "mathtext.rm": cjk, "mathtext.it": "DejaVu Sans:italic",
          "mathtext.bf": "DejaVu Sans:bold", "mathtext.sf": "DejaVu Sans", "mathtext.cal": "DejaVu Sans", "mathtext.tt": "DejaVu Sans Mono"} if needs_cjk else {}
    with _render_lock, matplotlib.rc_context(rc):
        try:
            parsed = MathTextParser("agg").parse(f"${mathtext_source(tex)}$", dpi=dpi, prop=FontProperties(size=size))
        except Exception:  # mathtext raises ValueError/ParseException variants on unsupported TeX
            return None
    mask = np.asarray(parsed.image, dtype=np.uint8)
    below = int(round(parsed.depth)) + 1  # the raster keeps one padding row under the reported depth (measured)
    above = mask.shape[0] - below
    # Qt centres a vertical-align: middle image a quarter x-height above the text baseline
    # (DejaVu Sans x-height: 0.55 em of the text, which is size / 1.1): put the formula's baseline there.
    lift = 2 * round(0.55 * size / 1.1 * dpi / 72 / 4)
    pad_top, pad_bottom = max(0, below + lift - above), max(0, above - below - lift)
    mask = np.pad(mask, ((pad_top + 1, pad_bottom + 1), (1, 1)))
    buffer = io.BytesIO()
    Image.fromarray(_rgba(mask, color), "RGBA").save(buffer, format="PNG")
    return Formula(buffer.getvalue(), mask.shape[1], mask.shape[0], dpi / 96)


def typeset(tex: str, size: float = 11.0, color: str = "#202020", dpi: int = 96) -> bytes | None:
    """PNG bytes of a formula typeset by mathtext, or ``None`` if it cannot be typeset."""
    formula = typeset_formula(tex, size, color, dpi)
    return formula.png if formula else None


def warm_up() -> float:
    """Typeset one formula (imports mathtext, loads its fonts); seconds taken. Run off the UI thread."""
    import time

    start = time.perf_counter()
    typeset_formula(r"h_t=\tanh(W x_t + b)", 11.0, "#000000", 96)
    return time.perf_counter() - start


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


TRAILING_PUNCTUATION = ",.;:!?)]、。，．）」』"


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

    def math_html(tex: str, display: bool, trailing: str = "") -> str:
        rendered.formulas.append(tex)
        typeset_tex = tex + "\\mathrm{%s}" % trailing if trailing else tex
        formula = typeset_formula(typeset_tex, size * (1.15 if display else 1.0), color, dpi)
        if formula is None:
            code = f"<code>{html.escape(tex)}</code>{html.escape(trailing)}"
            return f"<p align='center'>{code}</p>" if display else code
        key = hashlib.sha1(f"{tex}|{size}|{color}|{display}|{dpi}".encode()).hexdigest()[:16]
        rendered.images[key] = png = formula.png
        src = f"math:{key}"
        if image_dir is not None:
            path = image_dir / f"{key}.png"
            if not path.exists():
                image_dir.mkdir(parents=True, exist_ok=True)
                path.write_bytes(png)
            src = path.as_posix()
        width, height = round(formula.width / formula.ratio), round(formula.height / formula.ratio)
        img = (f"<img src='{src}' width='{width}' height='{height}' alt='{html.escape(tex, quote=True)}'"
               " style='vertical-align: middle'>")
        return f"<p align='center'>{img}</p>" if display else img

    rules = md.renderer.rules
    def inline_math(tokens, idx: int) -> str:
        # Qt may break a line between an image and the text after it: a comma or 。 following an
        # inline formula is typeset into its image, so no line starts with it.
        after = tokens[idx + 1] if idx + 1 < len(tokens) else None
        trailing = ""
        if after is not None and after.type == "text" and after.content[:1] and after.content[0] in TRAILING_PUNCTUATION:
            trailing, after.content = after.content[0], after.content[1:]
        return math_html(tokens[idx].content, False, trailing)

    rules["math_inline"] = lambda tokens, idx, options, env: inline_math(tokens, idx)
    rules["math_inline_double"] = lambda tokens, idx, options, env: math_html(tokens[idx].content, True)
    rules["math_block"] = lambda tokens, idx, options, env: math_html(tokens[idx].content, True)
    rules["math_block_label"] = lambda tokens, idx, options, env: math_html(tokens[idx].content, True)
    rules["fence"] = lambda tokens, idx, options, env: code_html(tokens[idx].content, tokens[idx].info.strip(), color)
    rules["code_block"] = lambda tokens, idx, options, env: code_html(tokens[idx].content, "python", color)
    rules["softbreak"] = lambda tokens, idx, options, env: soft_break(tokens, idx)
    rendered.html = md.render(md_text).strip()
    if inline and rendered.html.startswith("<p>") and rendered.html.endswith("</p>") and rendered.html.count("<p>") == 1:
        rendered.html = rendered.html[3:-4]
    return rendered


def _is_cjk(ch: str) -> bool:
    """Kana, CJK ideographs and full-width punctuation: scripts written without spaces."""
    code = ord(ch)
    return 0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def soft_break(tokens, idx: int) -> str:
    """A source line break inside a paragraph: a space between Latin words, nothing next to Japanese.

    Japanese is set without inter-word spaces, so a break authored in the
    middle of a sentence must vanish, and so between Japanese and Latin text
    (a thin space would do, but Qt's HTML reader turns it into a full one).
    """
    before = tokens[idx - 1].content[-1:] if idx > 0 and tokens[idx - 1].type == "text" else ""
    after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) and tokens[idx + 1].type == "text" else ""
    return line_joint(before, after) if before and after else "\n"


def line_joint(before: str, after: str) -> str:
    """What a line break between the characters ``before`` and ``after`` reads as."""
    return "" if _is_cjk(before) or _is_cjk(after) else " "


def join_lines(text: str) -> str:
    """Text on one line: breaks become :func:`line_joint`, runs of spaces one space."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        joined += line_joint(joined[-1], line[0]) + line
    return " ".join(joined.split(" ")).replace("  ", " ")


def formulas_in(md_text: str) -> list[str]:
    """Every formula (inline or display) in a Markdown text, for content checks."""
    return [tex for tex, _ in _collect_math(md_text)]
