"""Known learner mistakes, each a wrong twin of one reference.

Every mutant keeps the signature of its reference (``of=``) so the grader can
run a learner's tests against it and check that the tests catch the mistake.
Each one differs from the reference in exactly the way its summary says.
"""
from __future__ import annotations

import numpy as np

from studyapp.reference._common import Array, f64, sigmoid, split_blocks
from studyapp.reference.registry import mutant
from studyapp.reference.rnn import rnn_cell_backward, rnn_forward

# --- activations ------------------------------------------------------------


@mutant(
    "sigmoid_grad_of_output",
    of="sigmoid_grad",
    summary_en="Computes x(1 − x), the formula for σ(x)(1 − σ(x)) written in terms of the output, but applied to the input x.",
    summary_ja="出力 y=σ(x) 用の式 y(1−y) を、入力 x にそのまま適用して x(1−x) を計算しています。",
)
def sigmoid_grad_of_output(x: Array) -> Array:
    x = f64(x)
    return x * (1.0 - x)


@mutant(
    "softmax_no_max_shift",
    of="softmax",
    summary_en="Does not subtract the maximum before exp, so large inputs overflow and give NaN.",
    summary_ja="exp の前に最大値を引いていないため、大きな入力でオーバーフローして NaN になります。",
)
def softmax_no_max_shift(x: Array) -> Array:
    x = f64(x)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / np.sum(e, axis=-1, keepdims=True)


# --- clipping ---------------------------------------------------------------


@mutant(
    "clip_zero_norm_nan",
    of="gradient_clipping",
    summary_en="Divides by the norm even when it is zero, so a zero gradient becomes NaN.",
    summary_ja="ノルムが 0 のときも割り算をしてしまい、ゼロ勾配が NaN になります。",
)
def clip_zero_norm_nan(grad: Array, threshold: float) -> Array:
    grad = f64(grad)
    norm = np.sqrt(np.sum(grad * grad))
    with np.errstate(divide="ignore", invalid="ignore"):
        return grad * (np.minimum(norm, threshold) / norm)


@mutant(
    "clip_always_scales",
    of="gradient_clipping",
    summary_en="Always rescales the gradient to the threshold norm, even when it is already below it.",
    summary_ja="ノルムがしきい値以下の勾配まで、常にしきい値の大きさに拡大・縮小してしまいます。",
)
def clip_always_scales(grad: Array, threshold: float) -> Array:
    grad = f64(grad)
    norm = np.sqrt(np.sum(grad * grad))
    with np.errstate(divide="ignore", invalid="ignore"):
        return grad * (threshold / norm)


# --- BPTT -------------------------------------------------------------------


@mutant(
    "bptt_overwrites_grads",
    of="rnn_backward",
    summary_en="Assigns the weight gradients at each time step instead of summing them, so only step 0's contribution remains.",
    summary_ja="各時刻で重みの勾配を足し合わせずに上書きしているため、時刻 0 の寄与しか残りません。",
)
def bptt_overwrites_grads(
    xs: Array, h0: Array, Wx: Array, Wh: Array, b: Array, dhs: Array
) -> tuple[Array, Array, Array, Array, Array]:
    xs, h0, dhs = f64(xs), f64(h0), f64(dhs)
    T = xs.shape[1]
    hs = rnn_forward(xs, h0, Wx, Wh, b)
    dxs = np.empty_like(xs)
    dWx = np.zeros_like(f64(Wx))
    dWh = np.zeros_like(f64(Wh))
    db = np.zeros_like(f64(b))
    dh = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = hs[:, t - 1, :] if t > 0 else h0
        dx, dh, dWx, dWh, db = rnn_cell_backward(  # the mistake: = instead of +=
            xs[:, t, :], h_prev, Wx, Wh, b, dhs[:, t, :] + dh
        )
        dxs[:, t, :] = dx
    return dxs, dh, dWx, dWh, db


@mutant(
    "bptt_no_carry",
    of="rnn_backward",
    summary_en="Does not add the gradient flowing back from step t+1 at step t, so each step only sees its own loss term.",
    summary_ja="時刻 t+1 から逆流してくる勾配を時刻 t で足していないため、各時刻が自分の損失の勾配しか受け取りません。",
)
def bptt_no_carry(
    xs: Array, h0: Array, Wx: Array, Wh: Array, b: Array, dhs: Array
) -> tuple[Array, Array, Array, Array, Array]:
    xs, h0, dhs = f64(xs), f64(h0), f64(dhs)
    T = xs.shape[1]
    hs = rnn_forward(xs, h0, Wx, Wh, b)
    dxs = np.empty_like(xs)
    dWx = np.zeros_like(f64(Wx))
    dWh = np.zeros_like(f64(Wh))
    db = np.zeros_like(f64(b))
    dh = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = hs[:, t - 1, :] if t > 0 else h0
        dx, dh, dWx_t, dWh_t, db_t = rnn_cell_backward(
            xs[:, t, :], h_prev, Wx, Wh, b, dhs[:, t, :]  # the mistake: + dh is missing
        )
        dxs[:, t, :] = dx
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dxs, dh, dWx, dWh, db


# --- LSTM -------------------------------------------------------------------


def _lstm_preact(x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array) -> Array:
    return f64(x) @ f64(Wx) + f64(h_prev) @ f64(Wh) + f64(b)


@mutant(
    "lstm_tanh_prev_cell",
    of="lstm_cell_forward",
    summary_en="Computes the hidden state from the previous cell state, o⊙tanh(c_prev), instead of the new one.",
    summary_ja="隠れ状態を新しいセル状態ではなく前のセル状態から o⊙tanh(c_prev) として計算しています。",
)
def lstm_tanh_prev_cell(
    x: Array, h_prev: Array, c_prev: Array, Wx: Array, Wh: Array, b: Array
) -> tuple[Array, Array]:
    a_f, a_g, a_i, a_o = split_blocks(_lstm_preact(x, h_prev, Wx, Wh, b), 4)
    f, g, i, o = sigmoid(a_f), np.tanh(a_g), sigmoid(a_i), sigmoid(a_o)
    c_prev = f64(c_prev)
    c_next = f * c_prev + g * i
    h_next = o * np.tanh(c_prev)
    return h_next, c_next


@mutant(
    "lstm_no_forget",
    of="lstm_cell_forward",
    summary_en="Adds the previous cell state without the forget gate: c_next = i⊙g + c_prev.",
    summary_ja="忘却ゲートを掛けずに前のセル状態を足しています（c_next = i⊙g + c_prev）。",
)
def lstm_no_forget(
    x: Array, h_prev: Array, c_prev: Array, Wx: Array, Wh: Array, b: Array
) -> tuple[Array, Array]:
    _a_f, a_g, a_i, a_o = split_blocks(_lstm_preact(x, h_prev, Wx, Wh, b), 4)
    g, i, o = np.tanh(a_g), sigmoid(a_i), sigmoid(a_o)
    c_next = i * g + f64(c_prev)
    h_next = o * np.tanh(c_next)
    return h_next, c_next


# --- GRU --------------------------------------------------------------------


def _gru_blocks(Wx: Array, Wh: Array, b: Array) -> tuple[list[Array], list[Array], list[Array]]:
    return split_blocks(f64(Wx), 3), split_blocks(f64(Wh), 3), split_blocks(f64(b), 3)


@mutant(
    "gru_update_swapped",
    of="gru_cell_forward",
    summary_en="Swaps the roles of z and 1 − z: h_next = z⊙h_prev + (1 − z)⊙h̃.",
    summary_ja="更新ゲート z と 1−z の役割が逆になっています（h_next = z⊙h_prev + (1−z)⊙h̃）。",
)
def gru_update_swapped(x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array) -> Array:
    x, h_prev = f64(x), f64(h_prev)
    (Wxz, Wxr, Wxh), (Whz, Whr, Whh), (bz, br, bh) = _gru_blocks(Wx, Wh, b)
    z = sigmoid(x @ Wxz + h_prev @ Whz + bz)
    r = sigmoid(x @ Wxr + h_prev @ Whr + br)
    h_hat = np.tanh(x @ Wxh + (r * h_prev) @ Whh + bh)
    return z * h_prev + (1.0 - z) * h_hat


@mutant(
    "gru_gate_blocks_swapped",
    of="gru_cell_forward",
    summary_en="Reads the update gate z from the second weight block and the reset gate r from the first.",
    summary_ja="更新ゲート z を 2 番目のブロックから、リセットゲート r を 1 番目のブロックから読み出しています。",
)
def gru_gate_blocks_swapped(x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array) -> Array:
    x, h_prev = f64(x), f64(h_prev)
    (Wxr, Wxz, Wxh), (Whr, Whz, Whh), (br, bz, bh) = _gru_blocks(Wx, Wh, b)
    z = sigmoid(x @ Wxz + h_prev @ Whz + bz)
    r = sigmoid(x @ Wxr + h_prev @ Whr + br)
    h_hat = np.tanh(x @ Wxh + (r * h_prev) @ Whh + bh)
    return (1.0 - z) * h_prev + z * h_hat


@mutant(
    "gru_reset_after_matmul",
    of="gru_cell_forward",
    summary_en="Applies the reset gate after the matrix product, r⊙(h_prev Whh), instead of to h_prev before it.",
    summary_ja="リセットゲートを行列積の前の h_prev ではなく、積の後に r⊙(h_prev Whh) として掛けています。",
)
def gru_reset_after_matmul(x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array) -> Array:
    x, h_prev = f64(x), f64(h_prev)
    (Wxz, Wxr, Wxh), (Whz, Whr, Whh), (bz, br, bh) = _gru_blocks(Wx, Wh, b)
    z = sigmoid(x @ Wxz + h_prev @ Whz + bz)
    r = sigmoid(x @ Wxr + h_prev @ Whr + br)
    h_hat = np.tanh(x @ Wxh + r * (h_prev @ Whh) + bh)
    return (1.0 - z) * h_prev + z * h_hat


@mutant(
    "gru_no_reset",
    of="gru_cell_forward",
    summary_en="Leaves out the reset gate, so the candidate always sees the whole previous state.",
    summary_ja="リセットゲートを使っておらず、候補状態が常に前の隠れ状態をそのまま受け取っています。",
)
def gru_no_reset(x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array) -> Array:
    x, h_prev = f64(x), f64(h_prev)
    (Wxz, _Wxr, Wxh), (Whz, _Whr, Whh), (bz, _br, bh) = _gru_blocks(Wx, Wh, b)
    z = sigmoid(x @ Wxz + h_prev @ Whz + bz)
    h_hat = np.tanh(x @ Wxh + h_prev @ Whh + bh)
    return (1.0 - z) * h_prev + z * h_hat
