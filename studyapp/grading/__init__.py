"""Sandboxed grading of learner code against the bundled references (see SANDBOX.md)."""
from __future__ import annotations

from studyapp.grading.backend import BackendUnavailable
from studyapp.grading.grader import Grader, UnknownExercise
from studyapp.grading.verdict import CaseResult, Diagnosis, GradeError, Verdict

__all__ = ["BackendUnavailable", "Grader", "UnknownExercise", "Verdict", "CaseResult", "Diagnosis", "GradeError"]
