"""Vanilla (tanh) RNN: one cell, and the sequence layer with BPTT.

Shapes: x (N,D), h (N,H), Wx (D,H), Wh (H,H), b (H,); sequences are
batch-first, xs (N,T,D) and hs (N,T,H).
"""
from __future__ import annotations

import numpy as np

from studyapp.reference._common import Array, f64
from studyapp.reference.registry import reference
from studyapp.reference.spec import CELL_EDGES, GRAD_EDGES, SEQ_EDGES, Spec, cell_inputs, sequence_inputs

_CELL_ARGS = ("x", "h_prev", "Wx", "Wh", "b")
_SEQ_ARGS = ("xs", "h0", "Wx", "Wh", "b")
_GRADS = ("dx", "dh_prev", "dWx", "dWh", "db")


@reference("rnn_cell_forward", spec=Spec(_CELL_ARGS, ("h_next",), lambda r, d: cell_inputs(r, d, 1), CELL_EDGES))
def rnn_cell_forward(x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array, *, bias: bool = True) -> Array:
    """h_next = tanh(x Wx + h_prev Wh + b)."""
    return np.tanh(f64(x) @ f64(Wx) + f64(h_prev) @ f64(Wh) + (f64(b) if bias else 0.0))


@reference("rnn_cell_backward", spec=Spec(_CELL_ARGS + ("dh_next",), _GRADS,
                                          lambda r, d: cell_inputs(r, d, 1, incoming=1), CELL_EDGES + GRAD_EDGES))
def rnn_cell_backward(
    x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array, dh_next: Array, *, tanh_grad_of: str = "h_next",
) -> tuple[Array, Array, Array, Array, Array]:
    """Gradients of one cell given dL/dh_next: (dx, dh_prev, dWx, dWh, db).

    The forward pass is recomputed (the cell is pure) to get h_next for the
    tanh derivative 1 − h_next²; the rest is the backward of two matmuls.
    """
    x, h_prev, Wx, Wh = f64(x), f64(h_prev), f64(Wx), f64(Wh)
    h_next = rnn_cell_forward(x, h_prev, Wx, Wh, b)
    through = {"h_next": h_next, "h_prev": h_prev, "none": 0.0}[tanh_grad_of]  # known mistakes use the others
    dt = f64(dh_next) * (1.0 - through**2)  # through tanh
    db = np.sum(dt, axis=0)  # b was broadcast over the batch
    dWh = h_prev.T @ dt
    dh_prev = dt @ Wh.T
    dWx = x.T @ dt
    dx = dt @ Wx.T
    return dx, dh_prev, dWx, dWh, db


@reference("rnn_forward", spec=Spec(_SEQ_ARGS, ("hs",), sequence_inputs, SEQ_EDGES))
def rnn_forward(xs: Array, h0: Array, Wx: Array, Wh: Array, b: Array, *, carry: bool = True,
                store: str = "new") -> Array:
    """Run the cell over t = 0..T−1 from h0; return every hidden state, hs (N,T,H)."""
    xs = f64(xs)
    N, T, _ = xs.shape
    h = f64(h0)
    hs = np.empty((N, T, h.shape[1]))
    for t in range(T):
        h_new = rnn_cell_forward(xs[:, t, :], h if carry else f64(h0), Wx, Wh, b)
        hs[:, t, :] = h_new if store == "new" else h  # a known mistake stores the previous state
        h = h_new
    return hs


@reference("rnn_backward", spec=Spec(_SEQ_ARGS + ("dhs",), ("dxs", "dh0", "dWx", "dWh", "db"),
                                     lambda r, d: sequence_inputs(r, d, incoming=True), SEQ_EDGES + (
    ("zero incoming gradient", {"N": 2, "D": 2, "H": 2, "T": 3, "grad": 0.0}),
    ("tiny incoming gradient (1e-9)", {"N": 2, "D": 3, "H": 2, "T": 5, "grad": 1e-9}),
)))
def rnn_backward(
    xs: Array, h0: Array, Wx: Array, Wh: Array, b: Array, dhs: Array, *, window: int | None = None,
) -> tuple[Array, Array, Array, Array, Array]:
    """Backpropagation through time: (dxs, dh0, dWx, dWh, db).

    ``window`` (a known mistake, truncated BPTT) drops the carried gradient
    after that many steps back from the end.

    Walking t = T−1..0, the gradient reaching h_t is the loss term dhs[:, t]
    plus what flows back from step t+1. The weights are shared by every step,
    so their gradients are summed over time.
    """
    xs, h0, dhs = f64(xs), f64(h0), f64(dhs)
    N, T, _ = xs.shape
    hs = rnn_forward(xs, h0, Wx, Wh, b)
    dxs = np.empty_like(xs)
    dWx = np.zeros_like(f64(Wx))
    dWh = np.zeros_like(f64(Wh))
    db = np.zeros_like(f64(b))
    dh = np.zeros_like(h0)  # gradient carried back from step t+1
    for t in reversed(range(T)):
        h_prev = hs[:, t - 1, :] if t > 0 else h0
        if window is not None and T - t > window:
            dh = np.zeros_like(dh)
        dx, dh, dWx_t, dWh_t, db_t = rnn_cell_backward(
            xs[:, t, :], h_prev, Wx, Wh, b, dhs[:, t, :] + dh
        )
        dxs[:, t, :] = dx
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dxs, dh, dWx, dWh, db
