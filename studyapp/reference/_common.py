"""Small helpers shared by the reference cells (NumPy only, float64)."""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def f64(a: npt.ArrayLike) -> Array:
    """View ``a`` as a float64 array: the references always compute in float64."""
    return np.asarray(a, dtype=np.float64)


def sigmoid(x: npt.ArrayLike) -> Array:
    """Logistic sigmoid, written via tanh so that large |x| never overflows exp."""
    return 0.5 * (1.0 + np.tanh(0.5 * f64(x)))


def split_blocks(a: Array, n_blocks: int) -> list[Array]:
    """Split the last axis of a packed gate array into ``n_blocks`` equal blocks.

    The gates of a cell share one packed matrix (as in DL from Scratch 2), so
    ``x @ Wx`` computes every gate at once and the blocks are sliced by name.
    """
    size = a.shape[-1] // n_blocks
    return [a[..., k * size:(k + 1) * size] for k in range(n_blocks)]
