"""Gradient clipping by L2 norm."""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

from studyapp.reference._common import Array
from studyapp.reference.registry import reference
from studyapp.reference.spec import Spec, Tolerance, normal


def _clip_input(rng: np.random.Generator, d: dict) -> tuple:
    """grad and a threshold = norm / factor (factor > 1 clips); ``grad`` scales the gradient
    (0 gives a zero gradient). Clipped norms are at least 1 so that ``norm + 1e-6`` stays
    within the tolerance."""
    shape = {1: (d["D"],), 3: (d["N"], 2, d["D"])}.get(d.get("ndim", 2), (d["N"], d["D"]))
    factor = float(d["factor"]) if "factor" in d else float(rng.choice([0.5, 1.5, 4.0]))
    g = normal(rng, *shape)
    norm = float(np.sqrt(np.sum(g * g)))
    if "grad" in d:  # zero or tiny gradient under a usual threshold of 1: must come back unchanged
        return (g * d["grad"], 1.0)
    if factor > 1.0 and norm < 1.5:
        g, norm = g * (1.5 / norm), 1.5
    return (g, norm / factor if norm > 0 else 1.0)


_CLIP_SPEC = Spec(
    ("grad", "threshold"), ("grad",), _clip_input,
    (
        ("zero gradient", {"N": 3, "D": 4, "grad": 0.0}),
        ("tiny gradient (below the threshold)", {"N": 2, "D": 3, "grad": 1e-9}),
        ("norm below the threshold", {"N": 2, "D": 3, "factor": 0.6}),
        ("norm above the threshold", {"N": 4, "D": 2, "factor": 3.0}),
        ("norm far above the threshold", {"N": 3, "D": 3, "factor": 1e3}),
        ("1-D gradient", {"D": 5, "ndim": 1, "factor": 2.5}),
        ("3-D gradient", {"N": 2, "D": 3, "ndim": 3, "factor": 4.0}),
        ("one element", {"N": 1, "D": 1, "factor": 2.0}),
    ),
    tolerance=Tolerance(note="relative to the reference scale; `norm + 1e-6` passes for norms >= 1"),
    no_modify=("grad",),
)


@reference("gradient_clipping", spec=_CLIP_SPEC)
def gradient_clipping(grad: npt.ArrayLike, threshold: float, *, by_value: bool = False) -> Array:
    """Rescale ``grad`` to L2 norm ``threshold`` if its norm exceeds it.

    Only the length changes, never the direction, so exploding BPTT gradients
    are tamed without biasing the update. The norm is only divided by when it
    is larger than the threshold, so a zero gradient stays zero (no 0/0).
    A new array is returned; the input is not modified.
    """
    grad = np.array(grad, dtype=np.float64)  # a copy
    if by_value:  # a known mistake: clipping each element changes the direction
        return np.clip(grad, -threshold, threshold)
    norm = np.sqrt(np.sum(grad * grad))
    if norm > threshold:
        grad *= threshold / norm
    return grad
