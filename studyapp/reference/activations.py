"""Activation functions and their derivatives."""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

from studyapp.reference._common import Array, f64, sigmoid
from studyapp.reference.registry import reference


@reference("sigmoid_grad")
def sigmoid_grad(x: npt.ArrayLike) -> Array:
    """dσ/dx = σ(x)(1 − σ(x)), elementwise; takes the pre-activation x, not σ(x)."""
    s = sigmoid(x)
    return s * (1.0 - s)


@reference("tanh_grad")
def tanh_grad(x: npt.ArrayLike) -> Array:
    """d tanh/dx = 1 − tanh(x)², elementwise; takes the pre-activation x."""
    t = np.tanh(f64(x))
    return 1.0 - t * t


@reference("softmax")
def softmax(x: npt.ArrayLike) -> Array:
    """Softmax over the last axis.

    Subtracting the row maximum leaves the result unchanged (it cancels in the
    ratio) but keeps exp from overflowing on large inputs such as 1000.
    """
    x = f64(x)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
