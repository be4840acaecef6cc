"""Typed code blanks graded by running them, not by comparing text.

A code cloze names the exercise whose spec supplies its inputs
(``verify: {exercise: ID}``). Each typed blank is spliced into the template,
the other blanks get their intended answers, and the program is graded in the
sandbox like a submission; the template filled with every intended answer
passes the same grade (a test checks this for every bundled item), so any
expression that behaves like the intended one is accepted, and a wrong one
gets the grader's "differs at" message. Items without an exercise keep text
matching.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from studyapp.content.judging import Verdict, blank_answer_text, text_matches
from studyapp.content.model import Blank, Item, Text

_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class BlankResult:
    score: float
    message: str = ""
    ran: bool = False
    """True when the blank was judged by running it (not by an exact text match)."""


def runnable_exercise(item: Item) -> str:
    """The exercise whose cases grade this item's typed blanks, or '' when it has none."""
    if item.kind != "cloze" or not item.code_language or not item.verify:
        return ""
    return str(item.verify.get("exercise", ""))


def splice(template: str, fills: Mapping[int, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: fills.get(int(m.group(1)), m.group(0)), template)


def intended_fills(item: Item, language: str = "en") -> dict[int, str]:
    return {b.number: blank_answer_text(b, language) for b in item.blanks}


def judge_blank(grader: Any, item: Item, blank: Blank, answer: str, language: str = "en",
                seed: int | None = None) -> BlankResult:
    """Score one typed blank by running the template with ``answer`` in its place."""
    if not isinstance(answer, str) or not answer.strip():
        return BlankResult(0.0)
    if text_matches(answer, blank.accept, blank.regex, blank.case_sensitive, code=True):
        return BlankResult(1.0)
    exercise = runnable_exercise(item)
    if not exercise or "\n" in answer.strip():
        return BlankResult(0.0)
    fills = intended_fills(item)
    fills[blank.number] = answer.strip()
    verdict = grader.grade(exercise, splice(item.template.get("en"), fills), language=language, seed=seed)
    if verdict.passed:
        return BlankResult(1.0, ran=True)
    if verdict.error is not None:
        return BlankResult(0.0, verdict.error.message, ran=True)
    failing = next((c for c in verdict.cases if not c.passed), None)
    return BlankResult(0.0, failing.message if failing else "", ran=True)


def judge_code_cloze(grader: Any, item: Item, answer: Mapping[int, Any] | Sequence[Any],
                     language: str = "en", seed: int | None = None) -> Verdict:
    """A cloze verdict whose typed code blanks were run; choice blanks are judged as usual."""
    if isinstance(answer, Mapping):
        given = [answer.get(b.number, answer.get(str(b.number))) for b in item.blanks]
    else:
        given = list(answer) + [None] * (len(item.blanks) - len(answer))
    scores: list[float] = []
    feedback: list[Text] = []
    for blank, a in zip(item.blanks, given):
        if blank.is_choice:
            ok = isinstance(a, int) and not isinstance(a, bool) and a == blank.answer
            scores.append(1.0 if ok else 0.0)
        else:
            r = judge_blank(grader, item, blank, a if isinstance(a, str) else "", language, seed)
            scores.append(r.score)
            if r.score < 1 and r.message:
                feedback.append(Text({language: f"[{blank.number}] {r.message}"}))
        if scores[-1] < 1 and blank.feedback.values:
            feedback.append(blank.feedback)
    expected = " | ".join(blank_answer_text(b) for b in item.blanks)
    return Verdict(sum(scores) / len(scores), tuple(feedback), blank_scores=tuple(scores), expected=expected)
