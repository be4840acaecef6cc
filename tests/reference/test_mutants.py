"""The bundled mutants: registered right, and each one wrong in exactly its own way."""
from __future__ import annotations

import inspect
import re
import subprocess
import sys

import numpy as np
import pytest

from studyapp.grading.cases import make_cases
from studyapp.reference.registry import get_mutant, get_reference, mutants, references, specs
from studyapp.reference._common import sigmoid
from tests.reference._helpers import cell_params, randn

MUTANT_OF = {  # hand-picked mutants spot-checked on a generic input below; the registry has many more
    "sigmoid_grad_of_output": "sigmoid_grad",
    "softmax_no_max_shift": "softmax",
    "clip_zero_norm_nan": "gradient_clipping",
    "clip_always_scales": "gradient_clipping",
    "bptt_overwrites_grads": "rnn_backward",
    "bptt_no_carry": "rnn_backward",
    "lstm_gate_order:lstm_cell_forward:i,f,g,o": "lstm_cell_forward",
    "lstm_tanh_prev_cell": "lstm_cell_forward",
    "lstm_no_forget": "lstm_cell_forward",
    "gru_update_swapped": "gru_cell_forward",
    "gru_gate_blocks_swapped": "gru_cell_forward",
    "gru_reset_after_matmul": "gru_cell_forward",
    "gru_no_reset": "gru_cell_forward",
}
# Mutants that are right on a generic input by definition; only their edge case shows them.
EDGE_ONLY = {"clip_zero_norm_nan", "softmax_no_max_shift"}

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def generic_case(ref_id: str, seed: int = 0) -> tuple:
    """A random, non-degenerate input for the reference ``ref_id`` (N=2, T=4, D=3, H=3)."""
    rng = np.random.default_rng(seed)
    N, T, D, H = 2, 4, 3, 3
    if ref_id == "sigmoid_grad":
        return (randn(rng, N, H),)
    if ref_id == "softmax":
        return (randn(rng, N, 5),)
    if ref_id == "gradient_clipping":
        g = randn(rng, N, H)
        return (g, 2.0 * np.linalg.norm(g))  # below the threshold
    if ref_id == "rnn_backward":
        return (randn(rng, N, T, D), randn(rng, N, H), *cell_params(rng, D, H), randn(rng, N, T, H))
    if ref_id == "lstm_cell_forward":
        return (randn(rng, N, D), randn(rng, N, H), randn(rng, N, H), *cell_params(rng, D, H, gates=4))
    if ref_id == "gru_cell_forward":
        return (randn(rng, N, D), randn(rng, N, H), *cell_params(rng, D, H, gates=3))
    raise KeyError(ref_id)


def flat(out) -> list[np.ndarray]:
    return [np.asarray(o, dtype=np.float64) for o in (out if isinstance(out, tuple) else (out,))]


def same(a, b) -> bool:
    fa, fb = flat(a), flat(b)
    return len(fa) == len(fb) and all(x.shape == y.shape and np.allclose(x, y) for x, y in zip(fa, fb))


def run_both(mutant_id: str, *args):
    m = get_mutant(mutant_id)
    return m.function(*args), get_reference(m.reference)(*args)


# --- registry -------------------------------------------------------------------------


def test_all_references_registered():
    assert len(references()) == 14
    assert set(references()) == set(specs())  # every reference has a grading spec


def test_all_mutants_registered_with_their_reference():
    registered = mutants()
    assert {k: registered[k].reference for k in MUTANT_OF} == MUTANT_OF
    for m in registered.values():
        assert m.reference in references()
    for ref_id in references():  # every exercise has at least two distinct known mistakes
        assert len({m.id for m in registered.values() if m.reference == ref_id}) >= 2, ref_id


def _positional(fn) -> list[str]:
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    return [p.name for p in inspect.signature(fn).parameters.values() if p.kind in kinds]


@pytest.mark.parametrize("key", sorted(mutants()))
def test_mutant_shares_reference_signature(key):
    """Called like the reference (partials keep its positional parameters; wrappers take *args)."""
    m = get_mutant(key)
    ref = get_reference(m.reference)
    got = _positional(m.function)
    assert got == _positional(ref) or got == ["args"], got
    case = make_cases(m.reference, seed=1)[0]
    with np.errstate(all="ignore"):
        assert len(flat(m.function(*case.args))) == len(flat(ref(*case.args)))


@pytest.mark.parametrize("key", sorted(mutants()))
def test_mutant_summaries(key):
    m = get_mutant(key)
    en, ja = m.summary("en"), m.summary("ja")
    assert "{" not in en + ja
    assert en.strip() and en.endswith(".")
    assert JAPANESE.search(ja) and ja.endswith("。")


def test_reference_modules_import_without_qt():
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"  # any Qt import would now fail
        "sys.modules['shiboken6'] = None\n"
        "import importlib\n"
        "from studyapp.reference import registry\n"
        "for name in registry.FAMILY_MODULES: importlib.import_module(name)\n"
        "assert len(registry.references()) == 14 and len(registry.mutants()) >= 28\n"
        "assert 'torch' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- every mutant is wrong --------------------------------------------------------------


@pytest.mark.parametrize("mutant_id", sorted(set(MUTANT_OF) - EDGE_ONLY))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mutant_differs_on_generic_case(mutant_id, seed):
    got, want = run_both(mutant_id, *generic_case(MUTANT_OF[mutant_id], seed))
    assert not same(got, want)


@pytest.mark.parametrize("mutant_id", sorted(EDGE_ONLY))
def test_edge_only_mutants_agree_on_generic_case(mutant_id):
    got, want = run_both(mutant_id, *generic_case(MUTANT_OF[mutant_id]))
    assert same(got, want)


def test_sigmoid_grad_of_output_edge():
    got, want = run_both("sigmoid_grad_of_output", np.array([[0.0, 2.0]]))
    np.testing.assert_allclose(got, [[0.0, -2.0]])
    np.testing.assert_allclose(want, [[0.25, sigmoid(2.0) * (1 - sigmoid(2.0))]])


def test_softmax_no_max_shift_edge():
    x = np.array([[1000.0, 0.0], [1.0, 2.0]])
    got, want = run_both("softmax_no_max_shift", x)
    assert np.isnan(got[0, 0]) and np.all(np.isfinite(want))  # inf/inf
    np.testing.assert_allclose(got[1], want[1])


def test_clip_zero_norm_nan_edge():
    zero = np.zeros((2, 3))
    got, want = run_both("clip_zero_norm_nan", zero, 1.0)
    assert np.all(np.isnan(got))
    np.testing.assert_array_equal(want, 0.0)
    big = np.array([3.0, 4.0])
    assert same(*run_both("clip_zero_norm_nan", big, 1.0))


def test_clip_always_scales_edges():
    got, want = run_both("clip_always_scales", np.array([0.3, 0.4]), 1.0)
    np.testing.assert_allclose(got, [0.6, 0.8])
    np.testing.assert_allclose(want, [0.3, 0.4])
    got, _ = run_both("clip_always_scales", np.zeros(3), 1.0)
    assert np.all(np.isnan(got))


def test_bptt_overwrites_grads_keeps_only_step_zero():
    args = generic_case("rnn_backward")
    xs, h0, Wx, Wh, b, dhs = args
    got, want = run_both("bptt_overwrites_grads", *args)
    np.testing.assert_allclose(got[0], want[0])  # dxs and dh0 are still right
    np.testing.assert_allclose(got[1], want[1])
    # what remains is the weight gradient of step 0 alone, given the right incoming gradient
    dh1 = get_reference("rnn_backward")(xs[:, 1:], get_reference("rnn_cell_forward")(xs[:, 0], h0, Wx, Wh, b),
                                        Wx, Wh, b, dhs[:, 1:])[1]
    _, _, dWx0, dWh0, db0 = get_reference("rnn_cell_backward")(xs[:, 0], h0, Wx, Wh, b, dhs[:, 0] + dh1)
    np.testing.assert_allclose(got[2], dWx0)
    np.testing.assert_allclose(got[3], dWh0)
    np.testing.assert_allclose(got[4], db0)
    # with a single step there is nothing to overwrite
    one = (xs[:, :1], h0, Wx, Wh, b, dhs[:, :1])
    assert same(*run_both("bptt_overwrites_grads", *one))


def test_bptt_no_carry_dh0_sees_only_step_zero():
    xs, h0, Wx, Wh, b, dhs = generic_case("rnn_backward")
    got, want = run_both("bptt_no_carry", xs, h0, Wx, Wh, b, dhs)
    h1 = get_reference("rnn_cell_forward")(xs[:, 0], h0, Wx, Wh, b)
    dt0 = dhs[:, 0] * (1 - h1**2)
    np.testing.assert_allclose(got[1], dt0 @ Wh.T)
    assert not np.allclose(got[1], want[1])
    # a loss on the last step only: the mutant sends nothing back to h0
    dhs_last = np.zeros_like(dhs)
    dhs_last[:, -1] = 1.0
    got, want = run_both("bptt_no_carry", xs, h0, Wx, Wh, b, dhs_last)
    np.testing.assert_array_equal(got[1], 0.0)
    assert np.abs(want[1]).max() > 1e-3


def test_lstm_tanh_prev_cell_keeps_c_next():
    got, want = run_both("lstm_tanh_prev_cell", *generic_case("lstm_cell_forward"))
    np.testing.assert_allclose(got[1], want[1])
    assert not np.allclose(got[0], want[0])


def test_lstm_no_forget_edges():
    x, h, c, Wx, Wh, b = generic_case("lstm_cell_forward")
    H = h.shape[1]
    # with c_prev = 0 the forget gate has nothing to act on: the mistake is invisible
    assert same(*run_both("lstm_no_forget", x, h, np.zeros_like(c), Wx, Wh, b))
    # with the forget gate shut (f ≈ 0) the reference drops c_prev, the mutant keeps it
    Wx, Wh, b = Wx.copy(), Wh.copy(), b.copy()
    Wx[:, :H], Wh[:, :H], b[:H] = 0.0, 0.0, -1000.0
    (h_m, c_m), (h_r, c_r) = run_both("lstm_no_forget", x, h, c, Wx, Wh, b)
    np.testing.assert_allclose(c_m - c_r, c)


def test_lstm_gate_order_edge():
    """Identical blocks make every order equivalent; distinct blocks expose it."""
    x, h, c, Wx, Wh, b = generic_case("lstm_cell_forward")
    tile = lambda W: np.tile(W[..., : W.shape[-1] // 4], 4)  # noqa: E731
    assert same(*run_both("lstm_gate_order:lstm_cell_forward:i,f,g,o", x, h, c, tile(Wx), tile(Wh), tile(b)))


def test_gru_update_swapped_edge():
    x, h, Wx, Wh, b = generic_case("gru_cell_forward")
    H = h.shape[1]
    Wx, Wh, b = Wx.copy(), Wh.copy(), b.copy()
    Wx[:, :H], Wh[:, :H], b[:H] = 0.0, 0.0, -1000.0  # z ≈ 0: keep h_prev
    got, want = run_both("gru_update_swapped", x, h, Wx, Wh, b)
    np.testing.assert_allclose(want, h)
    assert not np.allclose(got, h)
    b[:H] = 0.0  # z = 1/2: both roles weigh the same
    assert same(*run_both("gru_update_swapped", x, h, Wx, Wh, b))


def test_gru_gate_blocks_swapped_edge():
    x, h, Wx, Wh, b = generic_case("gru_cell_forward")
    H = h.shape[1]
    swap = lambda W: np.concatenate((W[..., H:2 * H], W[..., :H], W[..., 2 * H:]), axis=-1)  # noqa: E731
    got = get_mutant("gru_gate_blocks_swapped").function(x, h, Wx, Wh, b)
    np.testing.assert_allclose(got, get_reference("gru_cell_forward")(x, h, swap(Wx), swap(Wh), swap(b)))


def test_gru_reset_after_matmul_edge():
    x, h, Wx, Wh, b = generic_case("gru_cell_forward")
    # H = 1: r⊙(h Whh) = (r⊙h) Whh, the placements coincide
    one = (x, h[:, :1], Wx[:, [0, 3, 6]], Wh[:1, [0, 3, 6]], b[[0, 3, 6]])
    assert same(*run_both("gru_reset_after_matmul", *one))
    # a diagonal Whh also commutes with the elementwise reset
    Wh = Wh.copy()
    H = h.shape[1]
    Wh[:, 2 * H:] = np.diag([0.5, -1.0, 2.0])
    assert same(*run_both("gru_reset_after_matmul", x, h, Wx, Wh, b))


def test_gru_no_reset_edge():
    x, h, Wx, Wh, b = generic_case("gru_cell_forward")
    H = h.shape[1]
    Wx, Wh, b = Wx.copy(), Wh.copy(), b.copy()
    Wx[:, H:2 * H], Wh[:, H:2 * H], b[H:2 * H] = 0.0, 0.0, 1000.0  # r ≈ 1: reset does nothing
    assert same(*run_both("gru_no_reset", x, h, Wx, Wh, b))
    b[H:2 * H] = -1000.0  # r ≈ 0: the reference forgets h_prev in the candidate
    got, want = run_both("gru_no_reset", x, h, Wx, Wh, b)
    assert not np.allclose(got, want)
