"""Every bundled code cloze with an exercise: equivalent blanks pass by running, wrong ones fail with a message."""
from __future__ import annotations

import pytest

from studyapp.content.loader import load_library
from studyapp.grading.blanks import intended_fills, judge_blank, judge_code_cloze, runnable_exercise, splice

# item id -> per blank (in order): three equivalent forms (at least one beyond ``accept``), then a wrong one
FORMS: dict[str, list[tuple[list[str], str]]] = {
    "rnn-cell-forward-code": [
        (["Wx.copy()", "(Wx)", "Wx * 1.0"], "Wx.T[:0].T if False else Wh"),
        (["1.0 * h_prev", "h_prev.copy()", "(h_prev + 0)"], "x"),
        (["(lambda a: np.tanh(a))", "(lambda v: 2 / (1 + np.exp(-2 * v)) - 1)", "(lambda v: np.sinh(v) / np.cosh(v))"],
         "np.sin"),
    ],
    "rnn-forward-code": [
        (["h0.copy()", "1.0 * h0", "(h0 + 0.0)"], "np.zeros_like(h0)"),
        (["xs.shape[1]", "int(T)", "len(xs[0])"], "T - 1"),
        (["(h)", "h.copy()", "1 * h"], "h0"),
    ],
    "bptt-sigmoid-grad-code": [
        (["- x", "0 - x", "x"], "-2 * x"),  # s = σ(-x) also works: σ(-x)(1 - σ(-x)) = σ(x)(1 - σ(x))
        (["s - s ** 2", "np.multiply(s, 1 - s)", "(1 - s) * s"], "s * (1 - x)"),
    ],
    "bptt-tanh-grad-code": [
        (["(lambda a: np.tanh(a))", "(lambda v: np.sinh(v) / np.cosh(v))", "(lambda v: 2 / (1 + np.exp(-2 * v)) - 1)"],
         "np.sin"),
        (["1 - t * t", "1.0 - np.square(t)", "(1 - t) * (1 + t)"], "1 - x ** 2"),
    ],
    "bptt-cell-backward-code": [
        (["(1 - h_next * h_next)", "(1.0 - np.square(h_next))", "((1 - h_next) * (1 + h_next))"], "(1 - h_prev ** 2)"),
        (["-2", "(0)", "int(0)"], "1"),
        (["h_prev.transpose()", "np.transpose(h_prev)", "h_prev.T.copy()"], "h_prev"),
        (["Wh.transpose()", "np.transpose(Wh)", "Wh.T.copy()"], "Wh"),
    ],
    "bptt-backward-code": [
        (["range(T - 1, -1, -1)", "list(range(T))[::-1]", "sorted(range(T), reverse=True)"], "range(T)"),
        (["(dh)", "dh * 1.0", "dh.copy()"], "0"),
        (["+= 1.0 *", "+= +", "+= (1) *"], "="),
        (["Wh.transpose()", "np.transpose(Wh)", "Wh.T.copy()"], "Wh"),
    ],
    "lstm-code-cell-update": [
        (["(f * c_prev) + (g * i)", "c_prev * f + i * g", "g * i + f * c_prev"], "c_prev + g * i"),
        (["np.tanh(c) * o", "(o * np.tanh(c))", "o * (2 / (1 + np.exp(-2 * c)) - 1)"], "o * np.tanh(c_prev)"),
    ],
    "lstm-code-affine-and-slices": [
        (["np.dot(x, Wx) + np.dot(h_prev, Wh) + b", "b + h_prev @ Wh + x @ Wx", "(x @ Wx) + (h_prev @ Wh) + b"],
         "x @ Wx + h_prev @ Wh"),
        (["(lambda a: np.tanh(a))", "(lambda v: np.sinh(v) / np.cosh(v))", "(lambda v: 2 / (1 + np.exp(-2 * v)) - 1)"],
         "sigmoid"),
        (["A[:, 2*H:3*H]", "A[..., 2 * H:3 * H]", "A[:, 2 * H:][:, :H]"], "A[:, 3 * H:]"),
    ],
    "gru-code-update": [
        (["(r) * (h_prev)", "np.multiply(r, h_prev)", "h_prev * r * 1.0"], "h_prev"),
        (["(z * h_bar) + ((1 - z) * h_prev)", "(1.0 - z) * h_prev + z * h_bar", "h_prev + z * (h_bar - h_prev)"],
         "z * h_prev + (1 - z) * h_bar"),
    ],
    "gru-code-gates": [
        (["b[H:2*H]", "b[H:][:H]", "b[H:H + H]"], "b[:H]"),
        (["h_prev @ Whz + x @ Wxz + bz", "np.dot(x, Wxz) + np.dot(h_prev, Whz) + bz", "(x @ Wxz) + (h_prev @ Whz) + bz"],
         "x @ Wxz + h_prev @ Whz"),
        (["(lambda a: np.tanh(a))", "(lambda v: np.sinh(v) / np.cosh(v))", "(lambda v: 2 / (1 + np.exp(-2 * v)) - 1)"],
         "sigmoid"),
    ],
    "clipping-code-guarded": [
        (["threshold / (norm)", "float(threshold) / norm", "1.0 / (norm / threshold)"], "threshold / norm ** 2"),
        (["rate * grad", "grad * (rate)", "np.multiply(grad, rate)"], "grad"),
    ],
    "birnn-forward-cloze": [
        (["np.dot(h_f, Wh_f)", "(h_f @ Wh_f)", "h_f.dot(Wh_f)"], "h_f @ Wh_f.T"),
        (["range(T - 1, -1, -1)", "list(range(T))[::-1]", "sorted(range(T), reverse=True)"], "range(T)"),
        (["(t)", "int(t)", "t + 0"], "T - 1 - t"),
        (["2", "(-1)", "hs_f.ndim - 1"], "1"),
    ],
    "attention-forward-cloze": [
        (["h[:, None, :] * 1.0", "np.expand_dims(h, -2)", "h.reshape(h.shape[0], 1, -1)"], "h"),
        (["-1", "(1)", "scores.ndim - 1"], "0"),
        (["weights[:, :, None] * 1", "weights.reshape(*weights.shape, 1)", "weights[..., np.newaxis]"],
         "weights[:, np.newaxis, :]"),
        (["-2", "(1)", "hs.ndim - 2"], "2"),
    ],
    "attention-softmax-cloze": [
        (["amax", "nanmax", "maximum.reduce"], "mean"),
        (["(-1)", "x.ndim - 1", "z.ndim - 1"], "0"),
        (["1", "bool(1)", "not False"], "False"),
    ],
}


@pytest.fixture(scope="module")
def library():
    return load_library()


def _items(lib):
    return [it for it in lib.items() if runnable_exercise(it)]


def test_every_runnable_code_cloze_has_forms(library):
    assert {it.id for it in _items(library)} == set(FORMS)


@pytest.mark.parametrize("item_id", sorted(FORMS))
def test_code_blank_forms(grader, library, item_id):
    item = next(it for it in _items(library) if it.id == item_id)
    forms = FORMS[item_id]
    assert len(forms) == sum(not b.is_choice for b in item.blanks)
    typed = [b for b in item.blanks if not b.is_choice]
    problems = []
    for blank, (equivalent, wrong) in zip(typed, forms):
        assert len(equivalent) >= 3
        results = [judge_blank(grader, item, blank, form, seed=2) for form in equivalent]
        problems += [(blank.number, form, r) for form, r in zip(equivalent, results) if r.score != 1.0]
        if not any(r.ran for r in results):  # at least one form is beyond the accept list: judged by running
            problems.append((blank.number, "no form was run", equivalent))
        r = judge_blank(grader, item, blank, wrong, seed=2)
        if r.score != 0.0 or not r.message:
            problems.append((blank.number, wrong, r))
    assert not problems, problems


def test_whole_item_verdict_reports_the_failing_blank(grader, library):
    item = next(it for it in _items(library) if it.id == "gru-code-update")
    v = judge_code_cloze(grader, item, {1: "np.multiply(r, h_prev)", 2: "z * h_prev + (1 - z) * h_bar"}, seed=2)
    assert v.blank_scores == (1.0, 0.0)
    assert any("differs at" in t.get("en") for t in v.feedback)


def test_intended_fill_passes(grader, library):
    for item in _items(library):
        v = grader.grade(runnable_exercise(item), splice(item.template.get("en"), intended_fills(item)), seed=5)
        assert v.passed, (item.id, v.to_dict())
