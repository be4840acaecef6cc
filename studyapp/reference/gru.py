"""GRU cell. One packed matrix per input, blocks in order z, r, h̃.

    z  = σ(x Wxz + h_prev Whz + bz)            update gate
    r  = σ(x Wxr + h_prev Whr + br)            reset gate
    h̃  = tanh(x Wxh + (r⊙h_prev) Whh + bh)     candidate
    h_next = (1 − z)⊙h_prev + z⊙h̃

Shapes: x (N,D), h (N,H), Wx (D,3H), Wh (H,3H), b (3H,).
"""
from __future__ import annotations

import numpy as np

from studyapp.reference._common import Array, f64, sigmoid, split_blocks
from studyapp.reference.registry import reference
from studyapp.reference.spec import CELL_EDGES, GRAD_EDGES, Spec, cell_inputs

_ARGS = ("x", "h_prev", "Wx", "Wh", "b")
ORDER = ("z", "r", "h")
"""Which gate each packed block holds (h: the candidate); a known mistake passes another ``order``."""


def _blocks(a: Array, order: tuple[str, ...]) -> tuple[Array, Array, Array]:
    """The z, r and candidate blocks of a packed array whose blocks are laid out in ``order``."""
    named = dict(zip(order, split_blocks(f64(a), 3)))
    return named["z"], named["r"], named["h"]


@reference("gru_cell_forward", spec=Spec(_ARGS, ("h_next",), lambda r, d: cell_inputs(r, d, 3), CELL_EDGES))
def gru_cell_forward(x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array, *,
                     order: tuple[str, ...] = ORDER) -> Array:
    """One GRU step: z interpolates between keeping h_prev and taking the candidate."""
    x, h_prev = f64(x), f64(h_prev)
    Wxz, Wxr, Wxh = _blocks(Wx, order)
    Whz, Whr, Whh = _blocks(Wh, order)
    bz, br, bh = _blocks(b, order)

    z = sigmoid(x @ Wxz + h_prev @ Whz + bz)
    r = sigmoid(x @ Wxr + h_prev @ Whr + br)
    h_hat = np.tanh(x @ Wxh + (r * h_prev) @ Whh + bh)
    return (1.0 - z) * h_prev + z * h_hat


@reference("gru_cell_backward", spec=Spec(_ARGS + ("dh_next",), ("dx", "dh_prev", "dWx", "dWh", "db"),
                                          lambda r, d: cell_inputs(r, d, 3, incoming=1), CELL_EDGES + GRAD_EDGES))
def gru_cell_backward(
    x: Array, h_prev: Array, Wx: Array, Wh: Array, b: Array, dh_next: Array, *,
    order: tuple[str, ...] = ORDER, update_swapped: bool = False,
) -> tuple[Array, Array, Array, Array, Array]:
    """Gradients of one cell: (dx, dh_prev, dWx, dWh, db).

    h_prev reaches h_next by four paths: directly through (1 − z), and through
    z, r and the candidate; dh_prev is the sum of all four.
    """
    x, h_prev, dh_next = f64(x), f64(h_prev), f64(dh_next)
    Wxz, Wxr, Wxh = _blocks(Wx, order)
    Whz, Whr, Whh = _blocks(Wh, order)
    bz, br, bh = _blocks(b, order)

    z = sigmoid(x @ Wxz + h_prev @ Whz + bz)
    r = sigmoid(x @ Wxr + h_prev @ Whr + br)
    rh = r * h_prev
    h_hat = np.tanh(x @ Wxh + rh @ Whh + bh)

    # h_next = (1 − z)⊙h_prev + z⊙h̃  (a known mistake swaps the roles: z⊙h_prev + (1 − z)⊙h̃)
    keep = z if update_swapped else 1.0 - z
    dh_hat = dh_next * (1.0 - keep)
    dz = dh_next * (h_hat - h_prev) * (-1.0 if update_swapped else 1.0)
    dh_prev = dh_next * keep

    # candidate: h̃ = tanh(x Wxh + (r⊙h_prev) Whh + bh)
    da_h = dh_hat * (1.0 - h_hat**2)
    drh = da_h @ Whh.T
    dr = drh * h_prev
    dh_prev += drh * r

    # gates, through their sigmoids
    da_z = dz * z * (1.0 - z)
    da_r = dr * r * (1.0 - r)
    dh_prev += da_z @ Whz.T + da_r @ Whr.T
    dx = da_z @ Wxz.T + da_r @ Wxr.T + da_h @ Wxh.T

    dWx = _pack({"z": x.T @ da_z, "r": x.T @ da_r, "h": x.T @ da_h}, order)
    dWh = _pack({"z": h_prev.T @ da_z, "r": h_prev.T @ da_r, "h": rh.T @ da_h}, order)
    db = _pack({"z": da_z.sum(axis=0), "r": da_r.sum(axis=0), "h": da_h.sum(axis=0)}, order)
    return dx, dh_prev, dWx, dWh, db


def _pack(blocks: dict[str, Array], order: tuple[str, ...]) -> Array:
    return np.hstack([blocks[name] for name in order])
