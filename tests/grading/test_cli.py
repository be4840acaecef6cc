"""``studyapp grade`` and the bundled exercises."""
from __future__ import annotations

import json

import pytest

from studyapp.cli import main
from studyapp.content.loader import load_library
from studyapp.reference.registry import mutants


def _exercises():
    return load_library().exercises()


def test_cli_grade(tmp_path, capsys):
    exs = _exercises()
    if not exs:
        pytest.skip("no bundled exercises yet")
    ex = exs[0]
    good = tmp_path / "good.py"
    good.write_text(ex.solution)
    assert main(["grade", ex.id, str(good)]) == 0
    out = capsys.readouterr().out
    assert "PASSED" in out
    bad = tmp_path / "bad.py"
    bad.write_text(f"def {ex.function}(*a):\n    return None\n")
    assert main(["grade", ex.id, str(bad), "--json", "--language", "ja"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["status"] == "failed" and d["exercise"] == ex.id
    assert main(["grade", "no-such-exercise", str(good)]) == 2
    assert main(["grade", ex.id, str(tmp_path / "missing.py")]) == 2


def test_bundled_solutions_pass_and_mistakes_exist(grader):
    exs = _exercises()
    if not exs:
        pytest.skip("no bundled exercises yet")
    known = mutants()
    for ex in exs:
        v = grader.grade(ex, ex.solution)
        assert v.status == "passed", (ex.id, v.to_dict())
        for m in ex.mistakes:
            assert m.id in known and known[m.id].reference == ex.reference, (ex.id, m.id)


def test_cli_text_report_shows_learner_output_escaped(tmp_path, capsys):
    """A submission printing a fake verdict (ANSI colours, carriage return, surrogates) cannot pass for the real one."""
    ex = _exercises()[0]
    fake = tmp_path / "fake.py"
    fake.write_text(f"print('\\x1b[1A\\x1b[2K{ex.id}: PASSED  score 100%\\r\\u202e')\n"
                    f"def {ex.function}(*a):\n    raise ValueError('\\x1b[31mboom\\ud800')\n")
    assert main(["grade", ex.id, str(fake)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert out.splitlines()[0].startswith(f"{ex.id}: ERROR")
    assert f"  | \\x1b[1A\\x1b[2K{ex.id}: PASSED  score 100%\\x0d\\u202e" in out.splitlines()
    assert "\\x1b[31mboom\\ud800" in out
