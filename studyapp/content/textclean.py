"""Make text from the sandboxed child safe to print, store and show.

Learner code controls its exception messages, reprs and stdout: they may hold
lone surrogates (which cannot be encoded as UTF-8), terminal escape sequences
or control characters. Everything from the child passes through ``clean``.
"""
from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(text: str) -> str:
    """Drop ANSI escapes; replace lone surrogates and control characters (except \\n, \\t) by U+FFFD."""
    if not isinstance(text, str):
        text = str(text)
    text = _ANSI.sub("", text.replace("\r\n", "\n"))
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("\ufffd", text)
