"""LSTM cell. The four gates share one packed matrix, blocks in order f, g, i, o.

Shapes: x (N,D), h and c (N,H), Wx (D,4H), Wh (H,4H), b (4H,).
"""
from __future__ import annotations

import numpy as np

from studyapp.reference._common import Array, f64, sigmoid, split_blocks
from studyapp.reference.registry import reference
from studyapp.reference.spec import CELL_EDGES, GRAD_EDGES, Spec, cell_inputs

_ARGS = ("x", "h_prev", "c_prev", "Wx", "Wh", "b")


ORDER = ("f", "g", "i", "o")
"""Which gate each packed block holds; a known mistake passes another ``order``."""


def _gates(x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array,
           order: tuple[str, ...] = ORDER) -> tuple[Array, Array, Array, Array]:
    """Affine transform for all gates at once, then slice the blocks by name."""
    A = f64(x) @ f64(Wx) + f64(h_prev) @ f64(Wh) + f64(b)
    a = dict(zip(order, split_blocks(A, 4)))
    return sigmoid(a["f"]), np.tanh(a["g"]), sigmoid(a["i"]), sigmoid(a["o"])


@reference("lstm_cell_forward", spec=Spec(_ARGS, ("h_next", "c_next"),
                                          lambda r, d: cell_inputs(r, d, 4, cell_state=True), CELL_EDGES))
def lstm_cell_forward(
    x: Array, h_prev: Array, c_prev: Array, Wx: Array, Wh: Array, b: Array, *, order: tuple[str, ...] = ORDER
) -> tuple[Array, Array]:
    """c_next = f⊙c_prev + g⊙i (forget some memory, write some new); h_next = o⊙tanh(c_next)."""
    f, g, i, o = _gates(x, h_prev, Wx, Wh, b, order)
    c_next = f * f64(c_prev) + g * i
    h_next = o * np.tanh(c_next)
    return h_next, c_next


@reference("lstm_cell_backward", spec=Spec(
    _ARGS + ("dh_next", "dc_next"), ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"),
    lambda r, d: cell_inputs(r, d, 4, cell_state=True, incoming=2), CELL_EDGES + GRAD_EDGES))
def lstm_cell_backward(
    x: Array, h_prev: Array, c_prev: Array, Wx: Array, Wh: Array, b: Array,
    dh_next: Array, dc_next: Array, *, order: tuple[str, ...] = ORDER, through_h: bool = True,
) -> tuple[Array, Array, Array, Array, Array, Array]:
    """Gradients of one cell: (dx, dh_prev, dc_prev, dWx, dWh, db).

    The cell state gets two gradients: the one passed in (dc_next) and the one
    arriving through h_next = o⊙tanh(c_next). Their sum, ds, flows to c_prev
    only through the forget gate: the multiplicative "memory highway".
    """
    x, h_prev, c_prev = f64(x), f64(h_prev), f64(c_prev)
    Wx, Wh = f64(Wx), f64(Wh)
    dh_next, dc_next = f64(dh_next), f64(dc_next)
    f, g, i, o = _gates(x, h_prev, Wx, Wh, b, order)
    tanh_c = np.tanh(f * c_prev + g * i)

    ds = dc_next + (dh_next * o * (1.0 - tanh_c**2) if through_h else 0.0)
    dc_prev = ds * f

    df = ds * c_prev
    dg = ds * i
    di = ds * g
    do = dh_next * tanh_c

    # Through each gate's nonlinearity, packed back in the same block order.
    blocks = {"f": df * f * (1.0 - f), "g": dg * (1.0 - g**2), "i": di * i * (1.0 - i), "o": do * o * (1.0 - o)}
    dA = np.hstack([blocks[name] for name in order])
    db = np.sum(dA, axis=0)
    dWx = x.T @ dA
    dWh = h_prev.T @ dA
    dx = dA @ Wx.T
    dh_prev = dA @ Wh.T
    return dx, dh_prev, dc_prev, dWx, dWh, db
