"""Corpora: implementations in the styles of public textbooks and courses, and subtly wrong ones.

Each file names its style (or its flaw), the exercise, and what the grader must say:
``# expect: pass`` or a known-mistake id (``# message:`` text the diagnosis must contain);
subtle/ files must fail, on the case named by ``# exposed by:``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import make_exercise

HERE = Path(__file__).parent
STYLES = sorted((HERE / "styles").glob("*.py"))
SUBTLE = sorted((HERE / "subtle").glob("*.py"))


def _header(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(": ")
        out[key] = value.strip()
    return out


def test_corpus_sizes():
    assert len(STYLES) >= 20 and len(SUBTLE) >= 7
    assert all(_header(p).get("style") for p in STYLES)


@pytest.mark.parametrize("path", STYLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("seed", [0, 1])
def test_style(grader, path, seed):
    h = _header(path)
    v = grader.grade(make_exercise(h["exercise"]), path.read_text(encoding="utf-8"), seed=seed)
    if h["expect"] == "pass":
        assert v.status == "passed", v.to_dict()
    else:
        assert v.status == "failed", v.to_dict()
        assert v.diagnosis is not None and v.diagnosis.id == h["expect"], v.to_dict()
        assert h.get("message", "") in v.diagnosis.message


@pytest.mark.parametrize("path", SUBTLE, ids=lambda p: p.stem)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_subtly_wrong_fails_on_its_case(grader, path, seed):
    h = _header(path)
    v = grader.grade(make_exercise(h["exercise"]), path.read_text(encoding="utf-8"), seed=seed)
    assert v.status == "failed", v.to_dict()
    failing = {c.name for c in v.cases if not c.passed}
    assert h["exposed by"] in failing, (failing, v.seed)
