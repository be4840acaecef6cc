"""Activation functions and their derivatives."""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

from studyapp.reference._common import Array, f64, sigmoid
from studyapp.reference.registry import reference
from studyapp.reference.spec import Spec, normal


def _elementwise_input(rng: np.random.Generator, d: dict) -> tuple:
    """x of rank ``ndim`` (default 2); ``big`` sets the magnitude (saturation)."""
    shape = {0: (), 1: (d["D"],), 3: (d["N"], 2, d["D"])}.get(d.get("ndim", 2), (d["N"], d["D"]))
    x = normal(rng, *shape, scale=2.0)
    if d.get("big"):  # every other entry pushed out to ±big, the rest left moderate
        flat = x.reshape(-1)
        flat[::2] = np.sign(flat[::2]) * d["big"]
    return (x,)


def _softmax_input(rng: np.random.Generator, d: dict) -> tuple:
    """Scores of rank ``ndim``; with ``big``, one entry per row sits ``big`` above the rest,
    so max − mean exceeds 709 and an unshifted or mean-shifted exp overflows."""
    (x,) = _elementwise_input(rng, {**d, "big": 0})
    if d.get("spread"):  # one entry +spread, the rest -spread: max − mean > 709 while exp(max) is finite
        x = x - d["spread"]
        idx = rng.integers(0, x.shape[-1], size=x.shape[:-1])
        np.put_along_axis(x, idx[..., None], d["spread"], axis=-1)
    elif d.get("big"):
        x = x * 3.0
        idx = rng.integers(0, x.shape[-1], size=x.shape[:-1])
        np.put_along_axis(x, idx[..., None], d["big"], axis=-1)
    return (x,)


_ELEMENTWISE_EDGES = (
    ("1-D input", {"D": 5, "ndim": 1}),
    ("3-D input", {"N": 2, "D": 3, "ndim": 3}),
    ("large inputs (|x| up to 50)", {"N": 3, "D": 6, "big": 50.0}),
    ("one element", {"N": 1, "D": 1}),
)
_ELEMENTWISE = Spec(("x",), ("dx",), _elementwise_input, _ELEMENTWISE_EDGES)


@reference("sigmoid_grad", spec=_ELEMENTWISE)
def sigmoid_grad(x: npt.ArrayLike) -> Array:
    """dσ/dx = σ(x)(1 − σ(x)), elementwise; takes the pre-activation x, not σ(x)."""
    s = sigmoid(x)
    return s * (1.0 - s)


@reference("tanh_grad", spec=_ELEMENTWISE)
def tanh_grad(x: npt.ArrayLike) -> Array:
    """d tanh/dx = 1 − tanh(x)², elementwise; takes the pre-activation x."""
    t = np.tanh(f64(x))
    return 1.0 - t * t


@reference("softmax", spec=Spec(("x",), ("y",), _softmax_input, (
    ("1-D input", {"D": 5, "ndim": 1}),
    ("3-D input", {"N": 2, "D": 4, "ndim": 3}),
    ("one class", {"N": 3, "D": 1}),
    ("large scores (1e4 above the rest)", {"N": 3, "D": 4, "big": 1e4}),
    ("huge scores (3e4, beyond long double)", {"N": 2, "D": 3, "big": 3e4}),
    ("large scores, 1-D", {"D": 6, "ndim": 1, "big": 2e3}),
    ("scores ±600 (max − mean > 709)", {"N": 2, "D": 3, "spread": 600.0}),
)))
def softmax(x: npt.ArrayLike, *, shift: str = "max") -> Array:
    """Softmax over the last axis.

    Subtracting the row maximum leaves the result unchanged (it cancels in the
    ratio) but keeps exp from overflowing on large inputs such as 1000.
    """
    x = f64(x)
    if shift == "max":
        x = x - np.max(x, axis=-1, keepdims=True)
    elif shift == "mean":  # a known mistake: the mean does not bound exp's argument
        x = x - np.mean(x, axis=-1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / np.sum(e, axis=-1, keepdims=True)
