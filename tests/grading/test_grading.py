"""Judging and diagnosis: references pass, mutants fail and are named, other styles pass."""
from __future__ import annotations

import json

import numpy as np
import pytest

from studyapp.grading import cases as cases_mod
from studyapp.grading import judge
from studyapp.reference.registry import mutants, references, specs

from .conftest import make_exercise, source_from_function, source_from_mutant

REFERENCE_IDS = sorted(specs())
MUTANT_IDS = sorted(mutants())


@pytest.mark.parametrize("ref_id", REFERENCE_IDS)
def test_reference_source_passes(grader, ref_id):
    src = source_from_function(references()[ref_id], ref_id)
    v = grader.grade(make_exercise(ref_id), src)
    assert v.status == "passed", v.to_dict()
    assert v.score == 1.0
    assert v.diagnosis is None


@pytest.mark.parametrize("mutant_id", MUTANT_IDS)
def test_mutant_fails_and_is_diagnosed(grader, mutant_id):
    m = mutants()[mutant_id]
    mutant_id = m.id  # generated families share one id (lstm_gate_order:i,f,o,g -> lstm_gate_order)
    src = source_from_mutant(m)
    # with no mistakes listed, every mutant of the reference is a candidate
    v = grader.grade(make_exercise(m.reference), src)
    assert v.status == "failed", v.to_dict()
    assert 0 <= v.score < 1
    assert v.diagnosis is not None and v.diagnosis.id == mutant_id, v.to_dict()
    assert v.diagnosis.message == m.summary("en")
    assert v.diagnosis.params == m.params
    # with the exercise's own list, the Mistake message in the requested language
    v = grader.grade(make_exercise(m.reference, mistakes=(mutant_id,)), src, language="ja")
    assert v.diagnosis is not None and v.diagnosis.id == mutant_id
    assert v.diagnosis.message == f"JA:{mutant_id}"


def test_every_mistake_needs_its_edge_case():
    """Each mutant differs from its reference on the generated cases."""
    for mid, m in mutants().items():
        ref = references()[m.reference]
        differs = False
        for c in cases_mod.make_cases(m.reference):
            with np.errstate(all="ignore"):
                a = judge.as_outputs(ref(*c.args))
                b = judge.as_outputs(m.function(*c.args))
            if any(x.shape != y.shape or not np.allclose(x, y, equal_nan=False) for x, y in zip(a, b)):
                differs = True
        assert differs, mid


def test_cases_shapes_and_determinism():
    for ref_id in REFERENCE_IDS:
        a = cases_mod.make_cases(ref_id, seed=3)
        b = cases_mod.make_cases(ref_id, seed=3)
        assert a[0].visible and not any(c.visible for c in a[1:])
        for x, y in zip(a, b):
            for p, q in zip(x.args, y.args):
                assert np.array_equal(p, q)
        ns = {c.args[0].shape[0] for c in a if isinstance(c.args[0], np.ndarray)}
        assert 1 in ns
    clip = cases_mod.make_cases("gradient_clipping")
    assert any(not np.any(c.args[0]) for c in clip)
    sm = cases_mod.make_cases("softmax")
    assert any(np.max(np.abs(c.args[0])) >= 1000 for c in sm)


OTHER_STYLES = {
    "softmax": """
import numpy as np
def softmax(x):
    out = np.empty_like(x)
    flat = x.reshape(-1, x.shape[-1]); o = out.reshape(-1, x.shape[-1])
    for i in range(flat.shape[0]):
        row = flat[i] - max(flat[i])
        e = np.exp(row)
        o[i] = e / e.sum()
    return out
""",
    "gradient_clipping": """
import numpy as np
def gradient_clipping(grad, threshold):
    norm = np.linalg.norm(grad.ravel())
    rate = threshold / (norm + 1e-300)
    return grad * rate if rate < 1 else grad.copy()
""",
    "gru_cell_forward": """
import numpy as np
def gru_cell_forward(x, h_prev, Wx, Wh, b):
    Wxz, Wxr, Wxh = np.split(Wx, 3, axis=1)
    Whz, Whr, Whh = np.split(Wh, 3, axis=1)
    bz, br, bh = np.split(b, 3)
    sig = lambda a: 1 / (1 + np.exp(-a))
    z = sig(np.einsum('nd,dh->nh', x, Wxz) + np.einsum('nk,kh->nh', h_prev, Whz) + bz)
    r = sig(np.einsum('nd,dh->nh', x, Wxr) + np.einsum('nk,kh->nh', h_prev, Whr) + br)
    hh = np.tanh(np.einsum('nd,dh->nh', x, Wxh) + np.einsum('nk,kh->nh', r * h_prev, Whh) + bh)
    return h_prev + z * (hh - h_prev)
""",
    "rnn_forward": """
import numpy as np
def rnn_forward(xs, h0, Wx, Wh, b):
    N, T, D = xs.shape
    hs = []
    h = h0
    for t in range(T):
        h = np.tanh(xs[:, t, :] @ Wx + h @ Wh + b)
        hs.append(h)
    return np.stack(hs, axis=1)
""",
    "lstm_cell_forward": """
import numpy as np
def lstm_cell_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    A = np.dot(x, Wx) + np.dot(h_prev, Wh) + b
    f = 1 / (1 + np.exp(-A[:, :H])); g = np.tanh(A[:, H:2*H])
    i = 1 / (1 + np.exp(-A[:, 2*H:3*H])); o = 1 / (1 + np.exp(-A[:, 3*H:]))
    c = f * c_prev + g * i
    return o * np.tanh(c), c
""",
}


@pytest.mark.parametrize("ref_id", sorted(OTHER_STYLES))
def test_other_styles_pass(grader, ref_id):
    v = grader.grade(make_exercise(ref_id), OTHER_STYLES[ref_id])
    assert v.status == "passed", v.to_dict()


def test_failure_messages_and_json(grader):
    src = """
import numpy as np
def lstm_cell_forward(x, h_prev, c_prev, Wx, Wh, b):
    return h_prev, c_prev
"""
    v = grader.grade(make_exercise("lstm_cell_forward"), src)
    d = json.loads(json.dumps(v.to_dict()))
    assert d["status"] == "failed" and d["error"] is None
    assert set(d) >= {"exercise", "status", "score", "cases", "error", "diagnosis", "stdout", "elapsed_ms"}
    assert "h_next differs at [" in d["cases"][0]["message"]
    assert "max abs error" in d["cases"][0]["message"]
    ex = d["example"]
    assert ex["expected"]["h_next"] and ex["got"]["h_next"] and "x" in ex["inputs"]
    # wrong shape
    src = """
import numpy as np
def rnn_cell_forward(x, h_prev, Wx, Wh, b):
    return np.zeros((x.shape[0], 15))
"""
    v = grader.grade(make_exercise("rnn_cell_forward"), src)
    assert v.status == "failed"
    assert "h_next has shape (2, 15), expected (2, 2)" in v.cases[0].message


def test_hidden_cases_do_not_reveal_expected(grader):
    src = "import numpy as np\ndef tanh_grad(x):\n    return np.zeros_like(x)\n"
    v = grader.grade(make_exercise("tanh_grad"), src)
    d = v.to_dict()
    assert d["status"] == "failed" and d["score"] == 0
    assert d["example"]["name"] == "example"
    for c in d["cases"]:
        assert "expected" not in c


def test_stdout_captured(grader):
    src = "import numpy as np\nprint('hello')\ndef tanh_grad(x):\n    print('in', x.shape)\n    return 1 - np.tanh(x)**2\n"
    v = grader.grade(make_exercise("tanh_grad"), src)
    assert v.status == "passed"
    assert v.stdout.startswith("hello\nin (2, 3)")


def test_exception_line_and_traceback(grader):
    src = "import numpy as np\n\ndef softmax(x):\n    y = x\n    raise ValueError('nope')\n"
    v = grader.grade(make_exercise("softmax"), src)
    assert v.status == "error" and v.error.kind == "exception"
    assert v.error.line == 5
    assert "ValueError: nope" in v.error.message
    assert 'File "solution.py", line 5' in v.error.traceback
    assert "zygote" not in v.error.traceback


def test_syntax_error_line(grader):
    v = grader.grade(make_exercise("softmax"), "import numpy as np\ndef softmax(x):\n    return (x\n\n")
    assert v.status == "error" and v.error.kind == "syntax_error"
    assert v.error.line in (3, 4, 5)
    v = grader.grade(make_exercise("softmax"), "def softmax(x):\n  return x\n y = 1\n")
    assert v.error.kind == "syntax_error" and v.error.line == 3


def test_missing_function(grader):
    v = grader.grade(make_exercise("softmax"), "def soft_max(x):\n    return x\n")
    assert v.status == "error" and v.error.kind == "missing_function"


def test_module_level_exception(grader):
    v = grader.grade(make_exercise("softmax"), "import numpy as np\n\n1/0\ndef softmax(x): return x\n")
    assert v.error.kind == "exception" and v.error.line == 3
    assert "ZeroDivisionError" in v.error.message


def test_malformed_results_never_crash():
    for raw in (b"", b"RSLT", b"RSLT" + b"\xff" * 12, b"RSLT" + b"\x05\x00\x00\x00" + b"\x00" * 8 + b"{oops",
                b"garbage" * 10):
        with pytest.raises(judge.MalformedResult):
            judge.parse_result(raw, 1)
    import struct
    header = json.dumps({"ok": True, "cases": [{"tuple": False, "items": [
        {"kind": "array", "dtype": "<f8", "shape": [1000, 1000], "nbytes": 8}]}]}).encode()
    with pytest.raises(judge.MalformedResult):
        judge.parse_result(b"RSLT" + struct.pack("<IQ", len(header), 8) + header + b"\0" * 8, 1)
    header = json.dumps({"ok": True, "cases": [{"tuple": False, "items": [
        {"kind": "array", "dtype": "|O", "shape": [1], "nbytes": 8}]}]}).encode()
    with pytest.raises(judge.MalformedResult):
        judge.parse_result(b"RSLT" + struct.pack("<IQ", len(header), 8) + header + b"\0" * 8, 1)


def test_grade_by_id_with_the_bundled_library(grader):
    from studyapp.grading import Grader, UnknownExercise

    with Grader() as g:
        with pytest.raises(KeyError):
            g.grade("no-such-exercise", "")
        lib = g._library
        exs = lib.exercises() if lib is not None else []
        if not exs:
            pytest.skip("no bundled exercises yet")
        ex = exs[0]
        v = g.grade(ex.id, ex.solution)
        assert v.status == "passed", v.to_dict()


def test_odd_sources(grader):
    v = grader.grade(make_exercise("softmax"), "def softmax(x):\n    return x\x00\n")
    assert v.status == "error" and v.error.kind == "syntax_error"
    v = grader.grade(make_exercise("softmax"), "x = " + "(" * 5000 + ")" * 5000 + "\n")
    assert v.status == "error" and v.error.kind == "syntax_error"
    v = grader.grade(make_exercise("softmax"), "")
    assert v.error.kind == "missing_function"
    v = grader.grade(make_exercise("softmax"), "softmax = 3\n")
    assert v.error.kind == "missing_function"


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.integers(0, 3))
def test_parse_result_fuzz(data, n):
    for raw in (data, b"RSLT" + data):
        try:
            judge.parse_result(raw, n)
        except judge.MalformedResult:
            pass


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(
                        ["ok", "cases", "items", "kind", "dtype", "shape", "nbytes", "tuple", "error",
                         "message", "line", "type"]), c, max_size=4), max_leaves=20),
       st.binary(max_size=64))
def test_parse_result_fuzz_json(obj, blob):
    import struct

    h = json.dumps(obj).encode()
    try:
        res = judge.parse_result(b"RSLT" + struct.pack("<IQ", len(h), len(blob)) + h + blob, 1)
    except judge.MalformedResult:
        return
    for c in res.cases:
        judge.compare_case(c, [np.zeros((2, 2))], ("y",), 1e-6, 1e-8)
