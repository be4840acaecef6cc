"""Helpers shared by the answer functions: distinct distractors, short decimals, LaTeX scientific notation, sigmoid."""
from __future__ import annotations

import math
from typing import Any, Sequence

from studyapp.content.generators.registry import Reject


def distinct(answer: Any, candidates: Sequence[Any], need: int = 3) -> tuple[Any, ...]:
    """Candidates without the answer and without repeats; ``Reject`` (redraw) if fewer than ``need`` remain."""
    out: list[Any] = []
    for candidate in candidates:
        if candidate != answer and candidate not in out:
            out.append(candidate)
    if len(out) < need:
        raise Reject("distractors collide with the answer")
    return tuple(out)


def short_decimal(x: float, digits: int = 3) -> str:
    """A float rounded for display, without trailing zeros or '-0'."""
    text = f"{round(float(x), digits) + 0.0:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def latex_scientific(x: float) -> str:
    """LaTeX scientific notation with 4 significant digits (9.537 \\times 10^{-7}), so no raw e-notation lands in math."""
    if x == 0:
        return "0"
    exponent = int(math.floor(math.log10(abs(x))))
    if -3 <= exponent <= 3:
        return f"{x:.4g}"
    mantissa = x / 10**exponent
    return f"{mantissa:.4g} \\times 10^{{{exponent}}}"


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
