"""A character diff of a typed answer against the nearest accepted answer (as Anki shows for typed answers).

The learner sees which characters were missing or extra, so "hidden stat" against
"hidden state" reads as one missing letter rather than a bare "Incorrect".
"""
from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class DiffPiece:
    """A run of characters: ``same`` in both, ``missing`` from the answer, or ``extra`` in the answer."""

    tag: str
    text: str


@dataclass(frozen=True)
class AnswerDiff:
    given: str
    expected: str
    pieces: tuple[DiffPiece, ...]
    similarity: float


def _fold(text: str, case_sensitive: bool) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    return text if case_sensitive else text.casefold()


def nearest_answer(given: str, accepted: Iterable[str], *, case_sensitive: bool = False) -> str | None:
    """The accepted answer most similar to ``given`` (first one on ties); ``None`` if there are none."""
    best, best_ratio = None, -1.0
    folded = _fold(given, case_sensitive)
    for candidate in accepted:
        ratio = difflib.SequenceMatcher(None, folded, _fold(candidate, case_sensitive), autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best


def answer_diff(given: str, accepted: Iterable[str], *, case_sensitive: bool = False) -> AnswerDiff | None:
    """Diff ``given`` against its nearest accepted answer, character by character."""
    expected = nearest_answer(given, accepted, case_sensitive=case_sensitive)
    if expected is None:
        return None
    a = unicodedata.normalize("NFKC", given).strip()
    b = unicodedata.normalize("NFKC", expected).strip()
    matcher = difflib.SequenceMatcher(None, _fold(a, case_sensitive), _fold(b, case_sensitive), autojunk=False)
    pieces: list[DiffPiece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(DiffPiece("same", b[j1:j2]))
            continue
        if i2 > i1:
            pieces.append(DiffPiece("extra", a[i1:i2]))
        if j2 > j1:
            pieces.append(DiffPiece("missing", b[j1:j2]))
    return AnswerDiff(given, expected, tuple(pieces), matcher.ratio())
