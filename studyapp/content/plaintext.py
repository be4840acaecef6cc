"""Markdown with TeX math as one line of readable Unicode (no Qt).

Where an image cannot go (list rows, headers, tooltips, search results,
drop-down items read by screen readers, the CLI), a formula is shown as the
text a person would type: ``W_{in}`` becomes ``W_in``, ``\\delta^{t-z}``
becomes ``δ^{t−z}``, ``x^\\top`` becomes ``xᵀ``. Every backslash command is
converted or reduced to its name, so no TeX source reaches the learner.
"""
from __future__ import annotations

import re
import unicodedata

SYMBOLS = {
    **{name: chr(code) for name, code in (
        ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5), ("varepsilon", 0x3B5),
        ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9), ("kappa", 0x3BA), ("lambda", 0x3BB),
        ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4),
        ("upsilon", 0x3C5), ("phi", 0x3C6), ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9),
        ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Pi", 0x3A0), ("Sigma", 0x3A3),
        ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9))},
    "cdot": "·", "times": "×", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘", "ast": "∗", "star": "⋆",
    "partial": "∂", "nabla": "∇", "sum": "Σ", "prod": "Π", "int": "∫", "infty": "∞", "ell": "ℓ", "prime": "′",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃",
    "equiv": "≡", "propto": "∝", "ll": "≪", "gg": "≫", "pm": "±", "mp": "∓", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "Rightarrow": "⇒", "mapsto": "↦", "in": "∈", "notin": "∉", "subset": "⊂", "cup": "∪",
    "cap": "∩", "forall": "∀", "exists": "∃", "ldots": "…", "cdots": "⋯", "dots": "…", "vdots": "⋮",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|", "mid": "|", "langle": "⟨", "rangle": "⟩",
    "top": "⊤", "intercal": "⊤", "quad": "  ", "qquad": "   ", "colon": ":", "lbrace": "{", "rbrace": "}",
}
DROPPED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "textstyle",
           "limits", "nolimits", "begin", "end"}
STYLES = {"text", "textrm", "textbf", "textit", "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "operatorname",
          "boldsymbol", "bm", "mathcal", "mathbb"}
DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "E": "𝔼", "Q": "ℚ", "C": "ℂ"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305", "tilde": "\u0303",
           "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308"}
SPACES = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "\\": "; ", "|": "‖"}
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


class _Reader:
    """A cursor over TeX source that hands out atoms: a command, a braced group or one character."""

    def __init__(self, tex: str) -> None:
        self.tex = tex
        self.pos = 0

    def skip_spaces(self) -> None:
        while self.pos < len(self.tex) and self.tex[self.pos].isspace():
            self.pos += 1

    def group(self) -> str:
        """The next atom's source: ``{...}`` without its braces, a ``\\command`` or one character."""
        self.skip_spaces()
        if self.pos >= len(self.tex):
            return ""
        if self.tex[self.pos] == "{":
            depth, start = 0, self.pos
            while self.pos < len(self.tex):
                ch = self.tex[self.pos]
                if ch == "\\":
                    self.pos += 1
                elif ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                    if depth == 0:
                        self.pos += 1
                        return self.tex[start + 1:self.pos - 1]
                self.pos += 1
            return self.tex[start + 1:]
        match = _COMMAND.match(self.tex, self.pos)
        if match:
            self.pos = match.end()
            return match.group(0)
        self.pos += 1
        return self.tex[self.pos - 1]


def _wrap(text: str) -> str:
    """Parenthesize a fraction part unless it is a single symbol or word."""
    return text if re.fullmatch(r"[\w.′]+", text) else f"({text})"


def _script(marker: str, source: str, converted: str) -> str:
    if marker == "^" and (converted in ("⊤", "T") and source.strip() in (r"\top", r"\intercal", r"\mathsf{T}", "T", r"\mathrm{T}")):
        return "ᵀ" if converted == "⊤" or source.strip() != "T" else "^T"
    if marker == "^" and converted in ("′", "′′"):
        return converted
    return marker + (converted if re.fullmatch(r"\w+", converted) else "{" + converted + "}")


def tex_to_text(tex: str) -> str:
    """A formula as readable Unicode on one line."""
    reader = _Reader(tex)
    out: list[str] = []
    while reader.pos < len(tex):
        ch = tex[reader.pos]
        if ch in "^_":
            reader.pos += 1
            source = reader.group()
            converted = tex_to_text(source)
            out.append(_script(ch, source, converted))
            following = tex[reader.pos:reader.pos + 1]
            if len(converted) > 1 and (following.isalnum() or following == "\\"):
                out.append(" ")  # W_{xh}x_t must not read as W_xhx_t
        elif ch == "{":
            out.append(tex_to_text(reader.group()))
        elif ch == "}":
            reader.pos += 1
        elif ch == "\\":
            out.append(_command(reader, reader.group()[1:]))
        elif ch == "-":
            reader.pos += 1
            out.append("−")
        elif ch in "&~" or ch.isspace():
            reader.pos += 1
            out.append(" " if ch != "&" else "")
        else:
            reader.pos += 1
            out.append(ch)
    return " ".join("".join(out).split())


def _command(reader: _Reader, name: str) -> str:
    if name in SPACES:
        return SPACES[name]
    if name in SYMBOLS:
        return SYMBOLS[name]
    if name in ("begin", "end"):
        reader.group()  # the environment's name
        return " " if name == "end" else ""
    if name in DROPPED:
        return ""
    if name in STYLES:
        body = tex_to_text(reader.group())
        return "".join(DOUBLE_STRUCK.get(ch, ch) for ch in body) if name == "mathbb" else body
    if name in ACCENTS:
        body = tex_to_text(reader.group())
        return unicodedata.normalize("NFC", body + ACCENTS[name]) if len(body) == 1 else f"{name}({body})"
    if name in ("frac", "dfrac", "tfrac", "genfrac"):
        if name == "genfrac":
            for _ in range(4):
                reader.group()
        top, bottom = tex_to_text(reader.group()), tex_to_text(reader.group())
        return f"{_wrap(top)}/{_wrap(bottom)}"
    if name == "sqrt":
        return "√" + _wrap(tex_to_text(reader.group()))
    if len(name) == 1 and not name.isalpha():
        return name  # \{ \} \% \$ \#
    return name  # tanh, exp, log, max, ...: the function name as written


_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+?)\$", re.DOTALL)
_MARKUP = re.compile(r"\*\*|__|`|^#+\s*|^\s*[-*]\s+", re.MULTILINE)


def markdown_to_text(md_text: str) -> str:
    """A Markdown text with math as one line of plain Unicode (for rows, headers, tooltips)."""
    from studyapp.content.rendering import join_lines

    text = _MATH.sub(lambda m: tex_to_text(m.group(1) if m.group(1) is not None else m.group(2)), md_text)
    text = _MARKUP.sub("", text)
    return join_lines(text)


def snippet(md_text: str, length: int = 120) -> str:
    """The start of a Markdown text as plain Unicode (code blocks dropped), shortened to ``length`` characters."""
    line = markdown_to_text(md_text.split("```")[0])
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"
