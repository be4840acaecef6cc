"""The grading verdict and its JSON form."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("passed", "failed", "error")
ERROR_KINDS = ("syntax_error", "exception", "timeout", "memory_limit", "crashed", "output_limit",
               "missing_function", "cancelled", "disk_limit", "internal")
# The grader's own fault (its helper process died, the sandbox could not start, judging failed):
# never the learner's failed attempt.
GRADER_FAULTS = ("internal",)


STORED_STDOUT_CHARS = 64 * 1024
"""How much of a run's printed output a verdict keeps (and the progress store stores)."""

# C0/C1 controls (ANSI escapes start with ESC or CSI), bidi overrides, line/paragraph
# separators and lone surrogates: whatever can redraw or reorder a terminal or a view.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every unsafe character shown as a visible escape (ESC as backslash-x1b):
    learner output can neither colour, move the cursor nor overwrite a line."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)


def capped(text: str, limit: int = STORED_STDOUT_CHARS) -> str:
    """At most ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit} more characters not kept)"


@dataclass
class CaseResult:
    name: str
    passed: bool
    message: str = ""
    visible: bool = False
    modified_inputs: tuple[str, ...] = ()
    """Arguments the submission changed in place on this case (reported whether or not it is allowed)."""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "message": self.message, "visible": self.visible,
                "modified_inputs": list(self.modified_inputs)}


@dataclass
class GradeError:
    kind: str
    message: str
    line: int | None = None
    traceback: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "line": self.line, "traceback": self.traceback}


@dataclass
class Diagnosis:
    """The known mistake that best explains the wrong outputs (``also``: a second one present too)."""

    id: str
    message: str
    explains: int = 0
    wrong: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    also: list["Diagnosis"] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [self.id] + [d.id for d in self.also]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "message": self.message, "explains": self.explains, "wrong": self.wrong,
                "params": self.params, "also": [d.to_dict() for d in self.also]}


@dataclass
class Verdict:
    exercise: str
    status: str
    score: float = 0.0
    cases: list[CaseResult] = field(default_factory=list)
    error: GradeError | None = None
    diagnosis: Diagnosis | None = None
    stdout: str = ""
    elapsed_ms: float = 0.0
    example: dict[str, Any] | None = None
    """The visible example: {"name", "inputs", "expected", "got", "message"} (JSON-ready)."""
    sandbox: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    """Seed of the hidden cases: ``studyapp grade --seed N`` replays them."""

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def grader_fault(self) -> bool:
        """The grading machinery failed, so the run says nothing about the learner's code."""
        return self.error is not None and self.error.kind in GRADER_FAULTS

    @property
    def traceback(self) -> str:
        return self.error.traceback if self.error else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "status": self.status,
            "score": self.score,
            "cases": [c.to_dict() for c in self.cases],
            "error": self.error.to_dict() if self.error else None,
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis else None,
            "stdout": self.stdout,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "example": self.example,
            "traceback": self.traceback,
            "sandbox": self.sandbox,
            "seed": self.seed,
        }
