"""Cross-check the NumPy reference cells against PyTorch (float64, CPU).

Forwards are compared with torch.nn cells (weights mapped onto torch's layout),
backwards with torch autograd. Skipped when torch is not installed.
"""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from studyapp.reference import get_mutant, get_reference  # noqa: E402
from tests.reference._helpers import (  # noqa: E402
    CELL_SHAPES,
    SEQ_SHAPES,
    assert_all_close,
    cell_params,
    randn,
)

RTOL, ATOL = 1e-10, 1e-12


def T(a: np.ndarray, grad: bool = False):
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


def N(t) -> np.ndarray:
    return t.detach().numpy()


def blocks(W: np.ndarray, n: int) -> list[np.ndarray]:
    return np.split(W, n, axis=-1)


# LSTM: ours packs f, g, i, o; torch packs i, f, g, o.
def lstm_to_torch(W: np.ndarray) -> np.ndarray:
    f, g, i, o = blocks(W, 4)
    return np.concatenate((i, f, g, o), axis=-1)


def lstm_from_torch(W: np.ndarray) -> np.ndarray:
    i, f, g, o = blocks(W, 4)
    return np.concatenate((f, g, i, o), axis=-1)


def set_params(module, **values: np.ndarray) -> None:
    with torch.no_grad():
        for name, value in values.items():
            getattr(module, name).copy_(T(value))


# --- activations and attention --------------------------------------------------


def test_softmax_matches_torch():
    x = randn(np.random.default_rng(0), 3, 4, 5) * 3
    np.testing.assert_allclose(get_reference("softmax")(x), N(torch.softmax(T(x), dim=-1)), rtol=RTOL, atol=ATOL)
    big = np.array([[1000.0, 999.0, -5.0]])
    np.testing.assert_allclose(get_reference("softmax")(big), N(torch.softmax(T(big), dim=-1)), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("ref_id, fn", [("sigmoid_grad", "sigmoid"), ("tanh_grad", "tanh")])
def test_activation_grads_match_autograd(ref_id, fn):
    x = randn(np.random.default_rng(1), 4, 3) * 3
    xt = T(x, grad=True)
    getattr(torch, fn)(xt).sum().backward()
    np.testing.assert_allclose(get_reference(ref_id)(x), N(xt.grad), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("n, t, h", [(1, 1, 1), (2, 5, 3), (3, 4, 6)])
def test_attention_matches_torch(n, t, h):
    rng = np.random.default_rng(2 + n + t + h)
    hs, q = randn(rng, n, t, h), randn(rng, n, h)
    context, weights = get_reference("attention_forward")(hs, q)
    w_t = torch.softmax(torch.bmm(T(hs), T(q).unsqueeze(2)).squeeze(2), dim=1)
    c_t = torch.nn.functional.scaled_dot_product_attention(
        T(q).unsqueeze(1), T(hs), T(hs), scale=1.0
    ).squeeze(1)
    np.testing.assert_allclose(weights, N(w_t), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(context, N(c_t), rtol=1e-9, atol=1e-12)


# --- RNN --------------------------------------------------------------------------


def rnn_cell(D: int, H: int, Wx, Wh, b):
    cell = torch.nn.RNNCell(D, H, nonlinearity="tanh").double()
    set_params(cell, weight_ih=Wx.T, weight_hh=Wh.T, bias_ih=b, bias_hh=np.zeros_like(b))
    return cell


@pytest.mark.parametrize("N_, D, H", CELL_SHAPES)
def test_rnn_cell_matches_torch(N_, D, H):
    rng = np.random.default_rng(100 + N_ * 7 + D * 3 + H)
    x, h = randn(rng, N_, D), randn(rng, N_, H)
    Wx, Wh, b = cell_params(rng, D, H)
    dh = randn(rng, N_, H)

    cell = rnn_cell(D, H, Wx, Wh, b)
    xt, ht = T(x, True), T(h, True)
    out = cell(xt, ht)
    np.testing.assert_allclose(get_reference("rnn_cell_forward")(x, h, Wx, Wh, b), N(out), rtol=RTOL, atol=ATOL)

    (out * T(dh)).sum().backward()
    got = get_reference("rnn_cell_backward")(x, h, Wx, Wh, b, dh)
    want = (N(xt.grad), N(ht.grad), N(cell.weight_ih.grad).T, N(cell.weight_hh.grad).T, N(cell.bias_ih.grad))
    assert_all_close(got, want, rtol=RTOL, atol=ATOL, names=["dx", "dh_prev", "dWx", "dWh", "db"])


@pytest.mark.parametrize("N_, T_, D, H", SEQ_SHAPES)
def test_rnn_sequence_matches_torch(N_, T_, D, H):
    rng = np.random.default_rng(200 + N_ * 11 + T_ * 7 + D * 3 + H)
    xs, h0 = randn(rng, N_, T_, D), randn(rng, N_, H)
    Wx, Wh, b = cell_params(rng, D, H)
    dhs = randn(rng, N_, T_, H)

    rnn = torch.nn.RNN(D, H, batch_first=True).double()
    set_params(rnn, weight_ih_l0=Wx.T, weight_hh_l0=Wh.T, bias_ih_l0=b, bias_hh_l0=np.zeros_like(b))
    xt, ht = T(xs, True), T(h0, True)
    out, _ = rnn(xt, ht.unsqueeze(0))
    np.testing.assert_allclose(get_reference("rnn_forward")(xs, h0, Wx, Wh, b), N(out), rtol=RTOL, atol=ATOL)

    (out * T(dhs)).sum().backward()
    got = get_reference("rnn_backward")(xs, h0, Wx, Wh, b, dhs)
    want = (
        N(xt.grad), N(ht.grad), N(rnn.weight_ih_l0.grad).T, N(rnn.weight_hh_l0.grad).T, N(rnn.bias_ih_l0.grad)
    )
    assert_all_close(got, want, rtol=1e-9, atol=1e-11, names=["dxs", "dh0", "dWx", "dWh", "db"])


@pytest.mark.parametrize("N_, T_, D, H", SEQ_SHAPES)
def test_birnn_matches_torch(N_, T_, D, H):
    rng = np.random.default_rng(300 + N_ * 11 + T_ * 7 + D * 3 + H)
    xs = randn(rng, N_, T_, D)
    Wx_f, Wh_f, b_f = cell_params(rng, D, H)
    Wx_b, Wh_b, b_b = cell_params(rng, D, H)

    rnn = torch.nn.RNN(D, H, batch_first=True, bidirectional=True).double()
    zero = np.zeros(H)
    set_params(
        rnn,
        weight_ih_l0=Wx_f.T, weight_hh_l0=Wh_f.T, bias_ih_l0=b_f, bias_hh_l0=zero,
        weight_ih_l0_reverse=Wx_b.T, weight_hh_l0_reverse=Wh_b.T, bias_ih_l0_reverse=b_b,
        bias_hh_l0_reverse=zero,
    )
    out, _ = rnn(T(xs))
    got = get_reference("birnn_forward")(xs, Wx_f, Wh_f, b_f, Wx_b, Wh_b, b_b)
    np.testing.assert_allclose(got, N(out), rtol=RTOL, atol=ATOL)


# --- LSTM -------------------------------------------------------------------------


def lstm_cell(D: int, H: int, Wx, Wh, b, permute: bool = True):
    """nn.LSTMCell holding our weights; permute=False loads our blocks unpermuted."""
    conv = lstm_to_torch if permute else (lambda W: W)
    cell = torch.nn.LSTMCell(D, H).double()
    set_params(cell, weight_ih=conv(Wx).T, weight_hh=conv(Wh).T, bias_ih=conv(b), bias_hh=np.zeros_like(b))
    return cell


@pytest.mark.parametrize("N_, D, H", CELL_SHAPES)
def test_lstm_cell_matches_torch(N_, D, H):
    rng = np.random.default_rng(400 + N_ * 7 + D * 3 + H)
    x, h, c = randn(rng, N_, D), randn(rng, N_, H), randn(rng, N_, H)
    Wx, Wh, b = cell_params(rng, D, H, gates=4)
    dh, dc = randn(rng, N_, H), randn(rng, N_, H)

    cell = lstm_cell(D, H, Wx, Wh, b)
    xt, ht, ct = T(x, True), T(h, True), T(c, True)
    h_t, c_t = cell(xt, (ht, ct))
    got_h, got_c = get_reference("lstm_cell_forward")(x, h, c, Wx, Wh, b)
    np.testing.assert_allclose(got_h, N(h_t), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got_c, N(c_t), rtol=RTOL, atol=ATOL)

    ((h_t * T(dh)).sum() + (c_t * T(dc)).sum()).backward()
    got = get_reference("lstm_cell_backward")(x, h, c, Wx, Wh, b, dh, dc)
    want = (
        N(xt.grad), N(ht.grad), N(ct.grad),
        lstm_from_torch(N(cell.weight_ih.grad).T), lstm_from_torch(N(cell.weight_hh.grad).T),
        lstm_from_torch(N(cell.bias_ih.grad)),
    )
    assert_all_close(got, want, rtol=RTOL, atol=ATOL, names=["dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"])


def test_lstm_gate_order_mutant_is_torch_without_permutation():
    """Reading the blocks as i, f, g, o is exactly what nn.LSTMCell does with unpermuted weights."""
    rng = np.random.default_rng(450)
    x, h, c = randn(rng, 3, 2), randn(rng, 3, 4), randn(rng, 3, 4)
    Wx, Wh, b = cell_params(rng, 2, 4, gates=4)
    h_t, c_t = lstm_cell(2, 4, Wx, Wh, b, permute=False)(T(x), (T(h), T(c)))
    got_h, got_c = get_mutant("lstm_gate_order:lstm_cell_forward:i,f,g,o").function(x, h, c, Wx, Wh, b)
    np.testing.assert_allclose(got_h, N(h_t), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got_c, N(c_t), rtol=RTOL, atol=ATOL)


# --- GRU --------------------------------------------------------------------------


def gru_torch(x, h, Wx, Wh, b):
    """Our GRU equations (reset before the product) written in torch ops."""
    Wxz, Wxr, Wxh = torch.chunk(Wx, 3, dim=-1)
    Whz, Whr, Whh = torch.chunk(Wh, 3, dim=-1)
    bz, br, bh = torch.chunk(b, 3, dim=-1)
    z = torch.sigmoid(x @ Wxz + h @ Whz + bz)
    r = torch.sigmoid(x @ Wxr + h @ Whr + br)
    h_hat = torch.tanh(x @ Wxh + (r * h) @ Whh + bh)
    return (1 - z) * h + z * h_hat


@pytest.mark.parametrize("N_, D, H", CELL_SHAPES)
def test_gru_cell_matches_torch_ops(N_, D, H):
    rng = np.random.default_rng(500 + N_ * 7 + D * 3 + H)
    x, h = randn(rng, N_, D), randn(rng, N_, H)
    Wx, Wh, b = cell_params(rng, D, H, gates=3)
    dh = randn(rng, N_, H)

    tensors = [T(a, True) for a in (x, h, Wx, Wh, b)]
    out = gru_torch(*tensors)
    np.testing.assert_allclose(get_reference("gru_cell_forward")(x, h, Wx, Wh, b), N(out), rtol=RTOL, atol=ATOL)

    (out * T(dh)).sum().backward()
    got = get_reference("gru_cell_backward")(x, h, Wx, Wh, b, dh)
    assert_all_close(
        got, [N(t.grad) for t in tensors], rtol=RTOL, atol=ATOL, names=["dx", "dh_prev", "dWx", "dWh", "db"]
    )


@pytest.mark.parametrize("N_, D, H", CELL_SHAPES)
def test_gru_reset_after_matmul_mutant_is_torch_grucell(N_, D, H):
    """nn.GRUCell resets after the product and uses h' = (1−z)⊙n + z⊙h.

    Its z is our 1 − z, obtained by negating our z-block (σ(−a) = 1 − σ(a));
    torch packs r, z, n.
    """
    rng = np.random.default_rng(600 + N_ * 7 + D * 3 + H)
    x, h = randn(rng, N_, D), randn(rng, N_, H)
    Wx, Wh, b = cell_params(rng, D, H, gates=3)
    (Wxz, Wxr, Wxh), (Whz, Whr, Whh), (bz, br, bh) = blocks(Wx, 3), blocks(Wh, 3), blocks(b, 3)

    cell = torch.nn.GRUCell(D, H).double()
    set_params(
        cell,
        weight_ih=np.concatenate((Wxr, -Wxz, Wxh), axis=-1).T,
        weight_hh=np.concatenate((Whr, -Whz, Whh), axis=-1).T,
        bias_ih=np.concatenate((br, -bz, bh)),
        bias_hh=np.zeros(3 * H),
    )
    want = N(cell(T(x), T(h)))
    got = get_mutant("gru_reset_after_matmul").function(x, h, Wx, Wh, b)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    if H > 1:  # for H = 1 the two reset placements coincide
        assert not np.allclose(get_reference("gru_cell_forward")(x, h, Wx, Wh, b), want)
