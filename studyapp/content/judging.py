"""Answer judging: one pure function per item kind, all returning a :class:`Verdict`.

Scores are in [0, 1]; ``status`` is ``correct`` (score 1), ``partial``
(0 < score < 1) or ``incorrect``. Feedback is localized text for the UI to
show next to the explanation. Parameterized items are judged on their
instance (see :func:`studyapp.content.variants.instantiate`).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from studyapp.content.model import Blank, Item, Text
from studyapp.content.numbers import parse_number
from studyapp.content.variants import format_value


@dataclass(frozen=True)
class Verdict:
    score: float
    feedback: tuple[Text, ...] = ()
    blank_scores: tuple[float, ...] = ()
    invalid_input: bool = False
    expected: str = ""

    @property
    def status(self) -> str:
        if self.score >= 1.0:
            return "correct"
        return "partial" if self.score > 0 else "incorrect"

    @property
    def correct(self) -> bool:
        return self.score >= 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "score": self.score,
            "blank_scores": list(self.blank_scores),
            "invalid_input": self.invalid_input,
            "expected": self.expected,
        }


@dataclass(frozen=True)
class Message:
    """A judge-generated note, in both languages (the UI picks one)."""

    en: str
    ja: str

    def text(self) -> Text:
        return Text({"en": self.en, "ja": self.ja})


def _note(en: str, ja: str) -> Text:
    return Message(en, ja).text()


def normalize_text(text: str, case_sensitive: bool = False) -> str:
    """NFKC, trimmed, inner whitespace collapsed, case-folded unless case matters."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return text if case_sensitive else text.casefold()


def _code_normalize(text: str) -> str:
    """Code blanks: whitespace carries no meaning, so compare without any."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def text_matches(answer: str, accept: Sequence[str], regex: Sequence[str], case_sensitive: bool, code: bool = False) -> bool:
    normalize: Callable[[str], str] = _code_normalize if code else (lambda s: normalize_text(s, case_sensitive))
    given = normalize(answer)
    if not given:
        return False
    if any(given == normalize(a) for a in accept):
        return True
    flags = 0 if case_sensitive else re.IGNORECASE
    return any(re.fullmatch(pattern, given, flags) for pattern in regex)


def judge_single(item: Item, answer: Any) -> Verdict:
    if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(item.choices):
        return Verdict(0.0, (_note("Pick one of the choices.", "選択肢を1つ選んでください。"),), invalid_input=True)
    feedback = (item.choices[answer].feedback,) if item.choices[answer].feedback.values else ()
    return Verdict(1.0 if answer == item.answer else 0.0, feedback, expected=str(item.answer))


def judge_multi(item: Item, answer: Any) -> Verdict:
    """Score = max(0, (right picked - wrong picked) / number right); 1 only for the exact set."""
    try:
        picked = {int(a) for a in answer}
    except (TypeError, ValueError):
        return Verdict(0.0, (_note("Pick the choices that apply.", "当てはまる選択肢を選んでください。"),), invalid_input=True)
    if any(not 0 <= p < len(item.choices) for p in picked):
        return Verdict(0.0, (_note("That choice does not exist.", "存在しない選択肢です。"),), invalid_input=True)
    right = set(item.answer)
    score = max(0.0, (len(picked & right) - len(picked - right)) / len(right))
    feedback = tuple(item.choices[p].feedback for p in sorted(picked) if item.choices[p].feedback.values)
    return Verdict(score, feedback, expected=",".join(map(str, sorted(right))))


def judge_truefalse(item: Item, answer: Any) -> Verdict:
    if isinstance(answer, str):
        lowered = normalize_text(answer)
        answer = {"true": True, "t": True, "正": True, "○": True, "false": False, "f": False, "誤": False, "×": False}.get(lowered, answer)
    if not isinstance(answer, bool):
        return Verdict(0.0, (_note("Answer true or false.", "正か誤かで答えてください。"),), invalid_input=True)
    return Verdict(1.0 if answer == item.answer else 0.0, expected=str(item.answer).lower())


def numeric_close(value: float, expected: float, abs_tol: float, rel_tol: float) -> bool:
    """Right when within the absolute or the relative tolerance (exact when both are 0).

    A tiny slack (1e-12 relative) absorbs float rounding so a boundary value
    such as 0.26 against 0.25 ± 0.01 counts as inside.
    """
    error = abs(value - expected)
    slack = 1e-12 * max(1.0, abs(expected))
    return error <= abs_tol + slack or error <= rel_tol * abs(expected) + slack


def judge_numeric(item: Item, answer: Any) -> Verdict:
    value = parse_number(answer)
    if value is None:
        return Verdict(
            0.0,
            (_note("That is not a number. Try forms like 0.25, 1/4 or 2.5e-1.", "数値として読めません。0.25、1/4、2.5e-1 などの形で入力してください。"),),
            invalid_input=True,
        )
    ok = numeric_close(value, float(item.answer), item.tolerance.abs, item.tolerance.rel)
    return Verdict(1.0 if ok else 0.0, expected=format_value(float(item.answer)) + (f" {item.unit}" if item.unit else ""))


def judge_text(item: Item, answer: Any) -> Verdict:
    if not isinstance(answer, str) or not answer.strip():
        return Verdict(0.0, (_note("Type an answer.", "答えを入力してください。"),), invalid_input=True)
    ok = text_matches(answer, item.accept, item.regex, item.case_sensitive)
    return Verdict(1.0 if ok else 0.0, expected=item.accept[0] if item.accept else "")


def _judge_blank(blank: Blank, answer: Any, code: bool) -> float:
    if blank.is_choice:
        return 1.0 if isinstance(answer, int) and not isinstance(answer, bool) and answer == blank.answer else 0.0
    if not isinstance(answer, str):
        return 0.0
    return 1.0 if text_matches(answer, blank.accept, blank.regex, blank.case_sensitive, code=code) else 0.0


def judge_cloze(item: Item, answer: Any) -> Verdict:
    """Per-blank scores; the item's score is their mean. ``answer`` is a list or {number: answer}."""
    if isinstance(answer, Mapping):
        given = [answer.get(b.number, answer.get(str(b.number))) for b in item.blanks]
    elif isinstance(answer, Sequence) and not isinstance(answer, str):
        given = list(answer) + [None] * (len(item.blanks) - len(answer))
    else:
        return Verdict(0.0, (_note("Fill in the blanks.", "空欄を埋めてください。"),), invalid_input=True)
    code = bool(item.code_language)
    scores = tuple(_judge_blank(b, a, code) for b, a in zip(item.blanks, given))
    feedback = tuple(b.feedback for b, s in zip(item.blanks, scores) if s < 1 and b.feedback.values)
    expected = " | ".join(blank_answer_text(b) for b in item.blanks)
    return Verdict(sum(scores) / len(scores), feedback, blank_scores=scores, expected=expected)


def blank_answer_text(blank: Blank, language: str = "en") -> str:
    """The model answer of one blank, as text (for the explanation and content checks)."""
    if blank.is_choice:
        return blank.options[blank.answer or 0].get(language)
    return blank.accept[0] if blank.accept else (blank.regex[0] if blank.regex else "")


def judge_code(item: Item, answer: Any) -> Verdict:
    """Code items are graded by the sandboxed grader; its score (0..1) is passed in as the answer."""
    score = answer if isinstance(answer, (int, float)) and not isinstance(answer, bool) else None
    if score is None or not math.isfinite(score):
        return Verdict(0.0, (_note("Submit your code to the grader.", "コードを採点に提出してください。"),), invalid_input=True)
    return Verdict(min(1.0, max(0.0, float(score))))


JUDGES: dict[str, Callable[[Item, Any], Verdict]] = {
    "single": judge_single,
    "multi": judge_multi,
    "truefalse": judge_truefalse,
    "numeric": judge_numeric,
    "text": judge_text,
    "cloze": judge_cloze,
    "code": judge_code,
}


def judge(item: Item, answer: Any) -> Verdict:
    """Judge ``answer`` for ``item`` (an instance, if the item is parameterized)."""
    if item.parameterized and item.instance_seed is None:
        raise ValueError(f"{item.id} is parameterized: judge an instance (variants.instantiate)")
    return JUDGES[item.kind](item, answer)


__all__ = ["Verdict", "judge", "normalize_text", "numeric_close", "blank_answer_text"]
