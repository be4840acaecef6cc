"""Read-only code as coloured HTML with line numbers (Pygments, no Qt).

The token colours are shared with the editor, so code in a prompt, an
explanation or a revealed solution looks the same as in the editor, in
either theme.
"""
from __future__ import annotations

import html

from pygments.lexers import PythonLexer, TextLexer
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Token

LIGHT = {Keyword: "#0033b3", Name.Builtin: "#7a3e9d", Name.Function: "#00627a", Name.Class: "#00627a",
         String: "#067d17", Number: "#1750eb", Comment: "#8c8c8c", Operator: "#444444", Name.Decorator: "#9e880d",
         Name: "#1f1f1f", Punctuation: "#444444"}
DARK = {Keyword: "#cc7832", Name.Builtin: "#b39ddb", Name.Function: "#ffc66d", Name.Class: "#ffc66d",
        String: "#6a8759", Number: "#6897bb", Comment: "#808080", Operator: "#cccccc", Name.Decorator: "#bbb529",
        Name: "#d4d4d4", Punctuation: "#cccccc"}


def colour_of(token: object, colours: dict) -> str | None:
    """The colour of ``token`` or of its nearest ancestor that has one."""
    while token is not Token and token is not None:
        if token in colours:
            return colours[token]
        token = token.parent  # type: ignore[attr-defined]
    return None


def is_dark_text(color: str) -> bool:
    """Whether ``#rrggbb`` is a dark colour (so the background is light)."""
    red, green, blue = (int(color.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 128


def code_html(code: str, language: str, text_color: str) -> str:
    """``<pre>`` with coloured tokens and right-aligned line numbers (from three lines on)."""
    colours = LIGHT if is_dark_text(text_color) else DARK
    lexer = PythonLexer(stripnl=False, ensurenl=False) if language.lower() in ("", "python", "py", "python3") else TextLexer()
    lines: list[list[str]] = [[]]
    for token, value in lexer.get_tokens(code.rstrip("\n")):
        colour = colour_of(token, colours)
        for index, part in enumerate(value.split("\n")):
            if index:
                lines.append([])
            if part:
                escaped = html.escape(part)
                lines[-1].append(f"<span style='color:{colour}'>{escaped}</span>" if colour else escaped)
    width = len(str(len(lines)))
    numbered = len(lines) >= 3
    rows = [(f"<span style='color:#8c8c8c'>{str(n).rjust(width)}  </span>" if numbered else "") + "".join(parts)
            for n, parts in enumerate(lines, start=1)]
    return "<pre>" + "\n".join(rows) + "</pre>\n"
