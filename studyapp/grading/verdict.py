"""The grading verdict and its JSON form."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("passed", "failed", "error")
ERROR_KINDS = ("syntax_error", "exception", "timeout", "memory_limit", "crashed", "output_limit",
               "missing_function", "cancelled", "grader_error")
# The grader's own fault (its helper process died, the sandbox could not start): not the learner's failed attempt.
GRADER_FAULTS = ("grader_error",)


@dataclass
class CaseResult:
    name: str
    passed: bool
    message: str = ""
    visible: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "message": self.message, "visible": self.visible}


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
    id: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "message": self.message}


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
        }
