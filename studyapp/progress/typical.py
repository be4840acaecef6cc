"""Typical answer times per item kind: the scheduler's rating thresholds and the day plan's time estimate.

Kept apart from :mod:`studyapp.progress.scheduling` so screens can estimate time without importing FSRS.
"""
from __future__ import annotations

TYPICAL_SECONDS: dict[str, float] = {
    "truefalse": 15.0,
    "single": 30.0,
    "multi": 45.0,
    "cloze": 60.0,
    "text": 60.0,
    "numeric": 90.0,
    "code": 600.0,
}
DEFAULT_TYPICAL_SECONDS = 60.0
