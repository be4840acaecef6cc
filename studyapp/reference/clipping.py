"""Gradient clipping by L2 norm."""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

from studyapp.reference._common import Array
from studyapp.reference.registry import reference


@reference("gradient_clipping")
def gradient_clipping(grad: npt.ArrayLike, threshold: float) -> Array:
    """Rescale ``grad`` to L2 norm ``threshold`` if its norm exceeds it.

    Only the length changes, never the direction, so exploding BPTT gradients
    are tamed without biasing the update. The norm is only divided by when it
    is larger than the threshold, so a zero gradient stays zero (no 0/0).
    A new array is returned; the input is not modified.
    """
    grad = np.array(grad, dtype=np.float64)  # a copy
    norm = np.sqrt(np.sum(grad * grad))
    if norm > threshold:
        grad *= threshold / norm
    return grad
