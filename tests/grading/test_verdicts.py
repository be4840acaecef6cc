"""Trustworthy verdicts: seeded case sets, the tolerance policy, input changes, robust reporting."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studyapp.grading import cases as cases_mod
from studyapp.reference.registry import get_reference, get_spec, specs

from .conftest import make_exercise

REPO = Path(__file__).resolve().parents[2]
SEQUENCE_REFS = ("rnn_forward", "rnn_backward", "birnn_forward", "attention_forward")
CELL_REFS = ("rnn_cell_forward", "rnn_cell_backward", "lstm_cell_forward", "lstm_cell_backward",
             "gru_cell_forward", "gru_cell_backward")


@pytest.mark.parametrize("ref_id", sorted(specs()))
def test_case_sets_are_seeded_and_large(ref_id):
    a, b, c = (cases_mod.make_cases(ref_id, s) for s in (5, 5, 6))
    assert sum(not x.visible for x in a) >= cases_mod.MIN_HIDDEN
    assert a[0].visible and not any(x.visible for x in a[1:])
    for x, y in zip(a, b):
        assert all(np.array_equal(p, q) for p, q in zip(x.args, y.args))
    assert any(not np.array_equal(p, q) for x, y in zip(a, c) for p, q in zip(x.args, y.args)
               if np.shape(p) == np.shape(q))
    spec = get_spec(ref_id)
    ref = get_reference(ref_id)
    for case in a:
        assert len(case.args) == len(spec.args)
        with np.errstate(all="ignore"):
            out = ref(*case.args)
        assert len(out if isinstance(out, tuple) else (out,)) == len(spec.outputs)


def _dims(ref_id):
    return [c.dims for c in cases_mod.make_cases(ref_id, 11)]


@pytest.mark.parametrize("ref_id", CELL_REFS + SEQUENCE_REFS)
def test_edge_sizes_present(ref_id):
    dims = _dims(ref_id)
    assert any(d["N"] == 1 for d in dims) and any(d["H"] == 1 for d in dims)
    if ref_id in SEQUENCE_REFS:
        assert any(d["T"] == 1 for d in dims) and any(d["T"] >= 12 for d in dims)


@pytest.mark.parametrize("ref_id", CELL_REFS)
def test_saturated_gates_present(ref_id):
    spec = get_spec(ref_id)
    biggest = 0.0
    for case in cases_mod.make_cases(ref_id, 2):
        args = dict(zip(spec.args, case.args))
        pre = args["x"] @ args["Wx"] + args["h_prev"] @ args["Wh"] + args["b"]
        biggest = max(biggest, float(np.max(np.abs(pre))))
        if "c_prev" in args and case.dims.get("sat"):
            assert np.min(np.abs(args["c_prev"])) >= 5
    assert biggest >= 15


def test_softmax_and_attention_magnitudes_break_unstable_code():
    rows = [c.args[0].reshape(-1, c.args[0].shape[-1]) for c in cases_mod.make_cases("softmax", 4)]
    assert any(np.max(r.max(-1) - r.mean(-1)) > 709 for r in rows)
    assert any(r.ndim == 1 for r in (c.args[0] for c in cases_mod.make_cases("softmax", 4)))
    assert any(c.args[0].ndim == 3 for c in cases_mod.make_cases("softmax", 4))
    scores = [np.einsum("nth,nh->nt", *c.args) for c in cases_mod.make_cases("attention_forward", 4)]
    assert any(np.max(s) > 709 for s in scores)


@pytest.mark.parametrize("ref_id", ["rnn_cell_backward", "lstm_cell_backward", "gru_cell_backward", "rnn_backward",
                                    "gradient_clipping"])
def test_zero_and_tiny_gradients_present(ref_id):
    dims = _dims(ref_id)
    assert any(d.get("grad") == 0.0 for d in dims) and any(0 < d.get("grad", 1.0) < 1e-6 for d in dims)


CLIP_TEXTBOOK = """
import numpy as np
def gradient_clipping(grad, threshold):
    total = np.sqrt(np.sum(grad ** 2))
    rate = threshold / (total + 1e-6)
    return grad * rate if rate < 1 else grad.copy()
"""
CLIP_OFF_BY_1E4 = """
import numpy as np
def gradient_clipping(grad, threshold):
    norm = np.sqrt(np.sum(grad ** 2))
    out = grad * (threshold / norm) if norm > threshold else grad.copy()
    return out * (1 + 1e-4)
"""
CLIP_IN_PLACE = """
import numpy as np
def gradient_clipping(grad, threshold):
    norm = np.sqrt(np.sum(grad ** 2))
    if norm > threshold:
        grad *= threshold / norm
    return grad
"""


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_textbook_epsilon_passes_and_systematic_error_fails(grader, seed):
    ex = make_exercise("gradient_clipping")
    assert grader.grade(ex, CLIP_TEXTBOOK, seed=seed).status == "passed"
    v = grader.grade(ex, CLIP_OFF_BY_1E4, seed=seed)
    assert v.status == "failed"
    msg = next(c.message for c in v.cases if not c.passed)
    assert "max abs error" in msg and "allowed" in msg and "your dtype float64" in msg


def test_in_place_modification_is_reported_and_fails(grader):
    v = grader.grade(make_exercise("gradient_clipping"), CLIP_IN_PLACE, seed=8)
    assert v.status == "failed"
    bad = [c for c in v.cases if not c.passed]
    assert bad and all("in place" in c.message and c.modified_inputs == ("grad",) for c in bad)
    assert "in place" in json.dumps(v.to_dict())


def test_float32_lstm_backward_passes(grader):
    src = REPO / "tests/grading/styles/dlfs2_lstm_backward_float32.py"
    v = grader.grade(make_exercise("lstm_cell_backward"), src.read_text(), seed=3)
    assert v.status == "passed", v.to_dict()


def test_seed_recorded_and_replayable(grader):
    wrong = "import numpy as np\ndef tanh_grad(x):\n    return 1 - np.tanh(x) ** 2 + (x > 1.5) * 1e-3\n"
    v1 = grader.grade(make_exercise("tanh_grad"), wrong)
    assert isinstance(v1.seed, int)
    v2 = grader.grade(make_exercise("tanh_grad"), wrong, seed=v1.seed)
    assert [c.to_dict() for c in v1.cases] == [c.to_dict() for c in v2.cases]
    assert v2.to_dict()["seed"] == v1.seed


NAMEDTUPLE = """
import collections
import numpy as np
Out = collections.namedtuple("Out", "h_next c_next")
def lstm_cell_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    A = x @ Wx + h_prev @ Wh + b
    s = lambda a: 1 / (1 + np.exp(-a))
    f, g, i, o = s(A[:, :H]), np.tanh(A[:, H:2*H]), s(A[:, 2*H:3*H]), s(A[:, 3*H:])
    c = f * c_prev + g * i
    return Out(o * np.tanh(c), c)
"""


def test_namedtuple_counts_as_tuple(grader):
    v = grader.grade(make_exercise("lstm_cell_forward"), NAMEDTUPLE, seed=1)
    assert v.status == "passed", v.to_dict()


def test_unsupported_dtype_is_named(grader):
    src = "import numpy as np\ndef tanh_grad(x):\n    return np.array(1 - np.tanh(x) ** 2, dtype=object)\n"
    v = grader.grade(make_exercise("tanh_grad"), src, seed=1)
    assert v.status == "failed"
    assert "dtype object" in v.cases[0].message


def test_internal_fault_is_not_blamed_on_the_learner(grader, monkeypatch):
    from studyapp.grading import judge

    def broken(*a, **k):
        raise RuntimeError("encoder bug")

    monkeypatch.setattr(judge, "compare_case", broken)
    v = grader.grade(make_exercise("tanh_grad"), "import numpy as np\ndef tanh_grad(x):\n    return 1 - np.tanh(x)**2\n")
    assert v.status == "error" and v.error.kind == "internal" and "encoder bug" in v.error.message


SURROGATE = "def tanh_grad(x):\n    raise ValueError('bad \\udce9 \\x1b[31mred\\x1b[0m \\x07')\n"


def test_lone_surrogate_and_ansi_are_cleaned(grader):
    v = grader.grade(make_exercise("tanh_grad"), SURROGATE)
    text = json.dumps(v.to_dict(), ensure_ascii=False)
    text.encode("utf-8")  # would raise on a lone surrogate
    assert "\x1b" not in v.error.message and "\x07" not in v.error.message and "red" in v.error.message


@pytest.mark.parametrize("flags", [[], ["--json"]])
def test_cli_survives_a_lone_surrogate(tmp_path, flags):
    path = tmp_path / "s.py"
    path.write_text(SURROGATE)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    p = subprocess.run([sys.executable, "-m", "studyapp", "grade", "tanh_grad", str(path), *flags],
                       cwd=REPO, capture_output=True, env=env, timeout=120)
    assert p.returncode == 1, p.stderr
    assert b"ValueError" in p.stdout and b"Traceback" not in p.stderr


def test_store_records_a_verdict_with_a_lone_surrogate(tmp_path):
    from studyapp.progress.store import Store, Submission

    store = Store.open(tmp_path)
    v = {"status": "error", "error": {"message": "bad \udce9"}}
    store.record_submission(Submission("tanh_grad", "x = '\udce9'\n", v, False))
    [got] = store.submissions()
    assert got.verdict["error"]["message"] == "bad \ufffd"


def test_zero_d_result_keeps_its_shape(grader):
    from studyapp.grading import judge

    assert judge.as_outputs(np.float64(2.0))[0].shape == ()
    src = "import numpy as np\ndef tanh_grad(x):\n    return np.array(1.0)\n"
    v = grader.grade(make_exercise("tanh_grad"), src, seed=1)
    assert "has shape ()" in v.cases[0].message, v.cases[0].message


def test_validate_reports_a_reference_without_a_generator(tmp_path):
    from studyapp.reference import registry

    registry._load_all()
    registry._REFERENCES["no_spec_cell"] = lambda x: x
    try:
        (tmp_path / "ex.yaml").write_text(
            "bank:\n  id: ex-nospec\n  title: {en: t, ja: t}\n  languages: [en, ja]\nexercises:\n"
            "  - id: no_spec_cell\n    reference: no_spec_cell\n    function: no_spec_cell\n"
            "    title: {en: t, ja: t}\n    statement: {en: s, ja: s}\n    starter: 'def no_spec_cell(x): pass'\n"
            "    solution: 'def no_spec_cell(x): return x'\n")
        from studyapp.cli import main

        import io
        import contextlib

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            code = main(["validate", "--content", str(tmp_path)])
        out = buf.getvalue()
    finally:
        del registry._REFERENCES["no_spec_cell"]
    assert code != 0
    assert "ex.yaml:7:" in out and "no grading spec" in out, out


TWO_BUGS = """
import numpy as np
def tanh_grad(x):
    if x.ndim == 1:
        return 1 - x ** 2
    return 1 - np.tanh(x)
"""
GATE_ORDER_AND_PREV_CELL = """
import numpy as np
def lstm_cell_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    s = lambda v: 1 / (1 + np.exp(-v))
    a = x @ Wx + h_prev @ Wh + b
    i, f, o, g = s(a[:, :H]), s(a[:, H:2*H]), s(a[:, 2*H:3*H]), np.tanh(a[:, 3*H:])
    c = f * c_prev + i * g
    return o * np.tanh(c_prev), c
"""


def test_two_mistakes_named_when_both_present(grader):
    v = grader.grade(make_exercise("tanh_grad"), TWO_BUGS, seed=4)
    assert v.diagnosis is not None
    assert set(v.diagnosis.ids) == {"tanh_grad_not_squared", "tanh_grad_of_output"}, v.to_dict()


def test_best_explanation_says_the_code_differs_elsewhere(grader):
    v = grader.grade(make_exercise("lstm_cell_forward"), GATE_ORDER_AND_PREV_CELL, seed=4)
    d = v.diagnosis
    assert d is not None and d.id == "lstm_gate_order" and "CS231n" in d.message
    assert d.explains < d.wrong and "differs elsewhere" in d.message


def test_gate_order_families_are_complete():
    from collections import Counter

    from studyapp.reference.registry import mutants

    count = Counter((m.id, m.reference) for m in mutants().values())
    for ref_id in ("lstm_cell_forward", "lstm_cell_backward"):
        assert count[("lstm_gate_order", ref_id)] == 23  # 4! - 1 wrong orders
    for ref_id in ("gru_cell_forward", "gru_cell_backward"):
        assert count[("gru_gate_blocks_swapped", ref_id)] == 5  # 3! - 1
    assert count[("swapped_outputs", "lstm_cell_forward")] and count[("swapped_outputs", "lstm_cell_backward")]
    assert count[("transposed_weights", "rnn_cell_forward")]
