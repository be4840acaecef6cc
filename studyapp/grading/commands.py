"""``studyapp grade EXERCISE_ID FILE [--json] [--language en|ja]``.

Exit codes: 0 passed, 1 graded and not passed, 2 usage error (unknown id, unreadable file) or no
grading backend can start on this machine.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from studyapp.grading.verdict import Verdict, printable


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("grade", parents=[common], help="grade a solution file for a code exercise")
    p.add_argument("exercise", metavar="EXERCISE_ID")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")
    p.add_argument("--language", choices=("en", "ja"), default="en")
    p.set_defaults(func=cmd_grade)


def report_text(v: Verdict) -> str:
    lines = [f"{v.exercise}: {v.status.upper()}  score {v.score:.0%}  ({v.elapsed_ms:.0f} ms)"]
    if v.error:
        where = f" (line {v.error.line})" if v.error.line else ""
        lines.append(f"error: {v.error.kind}{where}: {v.error.message}")
        if v.error.traceback:
            lines.append(v.error.traceback.rstrip())
    for c in v.cases:
        mark = "ok  " if c.passed else "FAIL"
        lines.append(f"  [{mark}] {c.name}" + (f": {c.message}" if c.message else ""))
    if v.example and not v.example.get("passed", True):
        lines.append("example:")
        for key in ("inputs", "expected", "got"):
            lines.append(f"  {key}: {json.dumps(v.example.get(key))}")
    if v.diagnosis:
        lines.append(f"likely mistake ({v.diagnosis.id}): {v.diagnosis.message}")
    if v.stdout:
        lines.append("output (printed by the submission):")
        lines.extend("  | " + line for line in v.stdout.rstrip().split("\n"))
    # learner text (output, messages, tracebacks) can neither colour nor redraw the terminal
    return printable("\n".join(lines))


def cmd_grade(args: argparse.Namespace) -> int:
    from studyapp.content.loader import load_library
    from studyapp.grading.backend import BackendUnavailable
    from studyapp.grading.grader import Grader

    try:
        with open(args.file, encoding="utf-8") as f:
            source = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"studyapp grade: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    library = load_library(args.content or None)
    exercise = library.exercise(args.exercise)
    if exercise is None:
        print(f"studyapp grade: unknown exercise {args.exercise!r}", file=sys.stderr)
        return 2
    try:
        with Grader(library=library) as grader:
            verdict = grader.grade(exercise, source, language=args.language)
    except BackendUnavailable as exc:
        print(f"studyapp grade: {exc}".replace("\n", " "), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report_text(verdict))
    return 0 if verdict.passed else 1
