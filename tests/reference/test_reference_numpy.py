"""NumPy-only checks of the reference cells: edge cases, properties, numerical gradients."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from studyapp.reference import get_reference
from tests.reference._helpers import (
    CELL_SHAPES,
    SEQ_SHAPES,
    assert_all_close,
    cell_params,
    numerical_gradients,
    randn,
)

sigmoid_grad = get_reference("sigmoid_grad")
tanh_grad = get_reference("tanh_grad")
softmax = get_reference("softmax")
gradient_clipping = get_reference("gradient_clipping")
rnn_cell_forward = get_reference("rnn_cell_forward")
rnn_cell_backward = get_reference("rnn_cell_backward")
rnn_forward = get_reference("rnn_forward")
rnn_backward = get_reference("rnn_backward")
lstm_cell_forward = get_reference("lstm_cell_forward")
lstm_cell_backward = get_reference("lstm_cell_backward")
gru_cell_forward = get_reference("gru_cell_forward")
gru_cell_backward = get_reference("gru_cell_backward")
birnn_forward = get_reference("birnn_forward")
attention_forward = get_reference("attention_forward")

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


# --- activations ------------------------------------------------------------


def test_sigmoid_grad_known_values():
    np.testing.assert_allclose(sigmoid_grad(np.array([0.0])), [0.25])
    x = np.linspace(-5, 5, 11)
    s = 1.0 / (1.0 + np.exp(-x))
    np.testing.assert_allclose(sigmoid_grad(x), s * (1 - s), rtol=1e-12)
    assert sigmoid_grad(np.array([[1000.0, -1000.0]])).tolist() == [[0.0, 0.0]]


def test_tanh_grad_known_values():
    x = np.linspace(-3, 3, 7).reshape(7, 1)
    np.testing.assert_allclose(tanh_grad(x), 1 / np.cosh(x) ** 2, rtol=1e-12)
    assert tanh_grad(np.zeros((2, 3))).shape == (2, 3)


@pytest.mark.parametrize("fn, f", [(sigmoid_grad, lambda x: 1 / (1 + np.exp(-x))), (tanh_grad, np.tanh)])
def test_activation_grads_match_numerical(fn, f):
    x = np.random.default_rng(0).standard_normal((3, 4)) * 2
    num = (f(x + 1e-6) - f(x - 1e-6)) / 2e-6
    np.testing.assert_allclose(fn(x), num, rtol=1e-6, atol=1e-9)


@given(arrays(np.float64, array_shapes(max_dims=3, max_side=5), elements=finite))
def test_sigmoid_grad_bounded(x):
    g = sigmoid_grad(x)
    assert g.shape == x.shape
    assert np.all(g >= 0) and np.all(g <= 0.25)


def test_softmax_stable_for_large_inputs():
    x = np.array([[1000.0, 1000.0], [1000.0, 0.0], [-1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        y = softmax(x)
    np.testing.assert_allclose(y, [[0.5, 0.5], [1.0, 0.0], [0.5, 0.5]])
    assert np.all(np.isfinite(y))


def test_softmax_last_axis_and_1d():
    x = np.random.default_rng(1).standard_normal((2, 3, 4))
    y = softmax(x)
    np.testing.assert_allclose(y.sum(axis=-1), np.ones((2, 3)))
    np.testing.assert_allclose(softmax(x[0, 0]), y[0, 0])


@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=6), elements=st.floats(-1e4, 1e4)))
def test_softmax_rows_are_distributions(x):
    y = softmax(x)
    assert y.shape == x.shape
    assert np.all(np.isfinite(y)) and np.all(y >= 0)
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-12)


@given(
    arrays(np.float64, (3, 4), elements=st.floats(-20, 20)),
    st.floats(-500, 500),
)
def test_softmax_shift_invariant(x, c):
    np.testing.assert_allclose(softmax(x + c), softmax(x), rtol=1e-9, atol=1e-12)


# --- clipping ---------------------------------------------------------------


def test_clipping_below_threshold_unchanged():
    g = np.array([[0.3, -0.4]])  # norm 0.5
    out = gradient_clipping(g, 1.0)
    np.testing.assert_array_equal(out, g)


def test_clipping_above_threshold_rescaled():
    g = np.array([[3.0, -4.0]])  # norm 5
    out = gradient_clipping(g, 1.0)
    np.testing.assert_allclose(out, [[0.6, -0.8]])
    np.testing.assert_allclose(np.linalg.norm(out), 1.0)


def test_clipping_exactly_at_threshold_unchanged():
    g = np.array([3.0, 4.0])
    np.testing.assert_array_equal(gradient_clipping(g, 5.0), g)


def test_clipping_zero_gradient_stays_zero():
    g = np.zeros((2, 3))
    with np.errstate(all="raise"):
        out = gradient_clipping(g, 1.0)
    assert out.shape == (2, 3)
    assert not np.any(np.isnan(out))
    np.testing.assert_array_equal(out, 0.0)


def test_clipping_does_not_modify_input():
    g = np.array([30.0, 40.0])
    gradient_clipping(g, 1.0)
    np.testing.assert_array_equal(g, [30.0, 40.0])


@given(
    arrays(np.float64, array_shapes(max_dims=3, max_side=5), elements=st.floats(-1e6, 1e6)),
    st.floats(1e-3, 1e3),
)
def test_clipping_properties(g, threshold):
    out = gradient_clipping(g, threshold)
    n_in, n_out = np.linalg.norm(g), np.linalg.norm(out)
    assert not np.any(np.isnan(out))
    assert n_out <= n_in * (1 + 1e-12)  # never increases the norm
    assert n_out <= threshold * (1 + 1e-12) or np.array_equal(out, g)
    if n_in > threshold:
        np.testing.assert_allclose(n_out, threshold, rtol=1e-9)
        np.testing.assert_allclose(out * n_in, g * threshold, rtol=1e-9, atol=1e-9)  # same direction
    else:
        np.testing.assert_array_equal(out, g)


# --- gradient checks against centred differences ------------------------------


@pytest.mark.parametrize("N, D, H", CELL_SHAPES)
def test_rnn_cell_backward_numerical(N, D, H):
    rng = np.random.default_rng(10 + N * 7 + D * 3 + H)
    args = [randn(rng, N, D), randn(rng, N, H), *cell_params(rng, D, H)]
    dh = randn(rng, N, H)

    def loss(x, h, Wx, Wh, b):
        return float(np.sum(rnn_cell_forward(x, h, Wx, Wh, b) * dh))

    got = rnn_cell_backward(*args, dh)
    assert_all_close(got, numerical_gradients(loss, args), names=["dx", "dh_prev", "dWx", "dWh", "db"])


@pytest.mark.parametrize("N, T, D, H", SEQ_SHAPES)
def test_rnn_backward_numerical(N, T, D, H):
    rng = np.random.default_rng(20 + N * 7 + T * 5 + D * 3 + H)
    args = [randn(rng, N, T, D), randn(rng, N, H), *cell_params(rng, D, H)]
    dhs = randn(rng, N, T, H)

    def loss(xs, h0, Wx, Wh, b):
        return float(np.sum(rnn_forward(xs, h0, Wx, Wh, b) * dhs))

    got = rnn_backward(*args, dhs)
    assert_all_close(got, numerical_gradients(loss, args), names=["dxs", "dh0", "dWx", "dWh", "db"])


@pytest.mark.parametrize("N, D, H", CELL_SHAPES)
def test_lstm_cell_backward_numerical(N, D, H):
    rng = np.random.default_rng(30 + N * 7 + D * 3 + H)
    x, h, c = randn(rng, N, D), randn(rng, N, H), randn(rng, N, H)
    Wx, Wh, b = cell_params(rng, D, H, gates=4)
    dh, dc = randn(rng, N, H), randn(rng, N, H)

    def loss(x, h, c, Wx, Wh, b):
        h_next, c_next = lstm_cell_forward(x, h, c, Wx, Wh, b)
        return float(np.sum(h_next * dh) + np.sum(c_next * dc))

    args = [x, h, c, Wx, Wh, b]
    got = lstm_cell_backward(*args, dh, dc)
    assert_all_close(
        got, numerical_gradients(loss, args), names=["dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"]
    )


@pytest.mark.parametrize("N, D, H", CELL_SHAPES)
def test_gru_cell_backward_numerical(N, D, H):
    rng = np.random.default_rng(40 + N * 7 + D * 3 + H)
    args = [randn(rng, N, D), randn(rng, N, H), *cell_params(rng, D, H, gates=3)]
    dh = randn(rng, N, H)

    def loss(x, h, Wx, Wh, b):
        return float(np.sum(gru_cell_forward(x, h, Wx, Wh, b) * dh))

    got = gru_cell_backward(*args, dh)
    assert_all_close(got, numerical_gradients(loss, args), names=["dx", "dh_prev", "dWx", "dWh", "db"])


# --- structural checks ---------------------------------------------------------


def test_rnn_forward_is_the_cell_unrolled():
    rng = np.random.default_rng(50)
    xs, h0 = randn(rng, 2, 4, 3), randn(rng, 2, 5)
    Wx, Wh, b = cell_params(rng, 3, 5)
    hs = rnn_forward(xs, h0, Wx, Wh, b)
    assert hs.shape == (2, 4, 5)
    h = h0
    for t in range(4):
        h = rnn_cell_forward(xs[:, t], h, Wx, Wh, b)
        np.testing.assert_allclose(hs[:, t], h)


def test_rnn_backward_single_step_equals_cell_backward():
    rng = np.random.default_rng(51)
    xs, h0 = randn(rng, 3, 1, 2), randn(rng, 3, 4)
    Wx, Wh, b = cell_params(rng, 2, 4)
    dhs = randn(rng, 3, 1, 4)
    seq = rnn_backward(xs, h0, Wx, Wh, b, dhs)
    cell = rnn_cell_backward(xs[:, 0], h0, Wx, Wh, b, dhs[:, 0])
    assert_all_close((seq[0][:, 0], *seq[1:]), cell, rtol=1e-12, atol=0)


def test_lstm_and_gru_shapes():
    rng = np.random.default_rng(52)
    x, h, c = randn(rng, 2, 3), randn(rng, 2, 4), randn(rng, 2, 4)
    h_next, c_next = lstm_cell_forward(x, h, c, *cell_params(rng, 3, 4, gates=4))
    assert h_next.shape == c_next.shape == (2, 4)
    assert gru_cell_forward(x, h, *cell_params(rng, 3, 4, gates=3)).shape == (2, 4)


def test_gru_update_gate_extremes():
    """With z ≈ 0 the GRU keeps h_prev; with z ≈ 1 it takes the candidate."""
    rng = np.random.default_rng(53)
    x, h = randn(rng, 2, 3), randn(rng, 2, 4)
    Wx, Wh, b = cell_params(rng, 3, 4, gates=3)
    Wx[:, :4] = 0.0
    Wh[:, :4] = 0.0
    b[:4] = -1000.0
    np.testing.assert_allclose(gru_cell_forward(x, h, Wx, Wh, b), h)


def test_birnn_halves_are_directional_rnns():
    rng = np.random.default_rng(54)
    N, T, D, H = 2, 5, 3, 4
    xs = randn(rng, N, T, D)
    pf, pb = cell_params(rng, D, H), cell_params(rng, D, H)
    hs = birnn_forward(xs, *pf, *pb)
    assert hs.shape == (N, T, 2 * H)
    zeros = np.zeros((N, H))
    np.testing.assert_allclose(hs[..., :H], rnn_forward(xs, zeros, *pf))
    # the backward state at the last position has read only xs[:, T-1]
    np.testing.assert_allclose(hs[:, -1, H:], rnn_cell_forward(xs[:, -1], zeros, *pb))
    # and at position 0 it has read the whole sequence, in reverse
    np.testing.assert_allclose(hs[:, 0, H:], rnn_forward(xs[:, ::-1], zeros, *pb)[:, -1])


def test_attention_weights_and_context():
    rng = np.random.default_rng(55)
    hs, h = randn(rng, 3, 6, 4), randn(rng, 3, 4)
    context, weights = attention_forward(hs, h)
    assert context.shape == (3, 4) and weights.shape == (3, 6)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    for n in range(3):
        s = hs[n] @ h[n]
        w = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
        np.testing.assert_allclose(weights[n], w)
        np.testing.assert_allclose(context[n], w @ hs[n])


def test_attention_picks_the_matching_state():
    hs = np.eye(3)[None] * 100.0  # three orthogonal, large states
    context, weights = attention_forward(hs, np.array([[0.0, 100.0, 0.0]]))
    np.testing.assert_allclose(weights, [[0.0, 1.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(context, [[0.0, 100.0, 0.0]], atol=1e-9)
