"""Parsing numbers the way learners type them.

Accepts ``0.25``, ``.25``, ``1/4``, ``-3/8``, ``2.5e-1``, full-width digits
(``２.５e-1``, via NFKC), a Unicode minus, thousands separators (``1,000``) and
``2.5×10^-1``-style scientific notation. Anything else is ``None``, so the
judge can say "not a number" instead of "wrong".
"""
from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_TIMES_TEN = re.compile(r"(?P<m>[^x*×·]+)\s*(?:x|\*|×|·)\s*10\s*(?:\^|\*\*)\s*\(?(?P<e>[+-]?\d+)\)?")
_FRACTION = re.compile(r"(?P<n>[+-]?(?:\d+\.?\d*|\.\d+))\s*/\s*(?P<d>[+-]?(?:\d+\.?\d*|\.\d+))")


def normalize_number_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    return text.replace("\u2212", "-").replace("−", "-").replace(" ", "")


def parse_number(text: str | float | int) -> float | None:
    """The value of a typed number, or ``None`` when it is not one."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    s = normalize_number_text(text)
    if not s:
        return None
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    times_ten = _TIMES_TEN.fullmatch(s)
    if times_ten:
        mantissa = parse_number(times_ten["m"])
        return None if mantissa is None else mantissa * 10.0 ** int(times_ten["e"])
    fraction = _FRACTION.fullmatch(s)
    if fraction:
        try:
            denominator = Fraction(fraction["d"])
            if denominator == 0:
                return None
            return float(Fraction(fraction["n"]) / denominator)
        except (ValueError, ZeroDivisionError):
            return None
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
        return None  # rejects "nan", "inf", "1_000", hex...
    value = float(s)
    return value if math.isfinite(value) else None
