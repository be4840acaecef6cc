"""What the grader knows about one reference: names, case generator, edge cases, tolerance.

Each family module declares a ``Spec`` beside its reference function
(``@reference(id, spec=...)``), so signature, shapes, cases and tolerance of
an exercise live in one place; the grader and ``studyapp validate`` read them
from the registry. NumPy only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

Dims = dict[str, Any]
Generator = Callable[[np.random.Generator, Dims], tuple]


@dataclass(frozen=True)
class Tolerance:
    """Allowed error per element: ``atol_scale * scale + rtol * |expected|``.

    ``scale`` is the largest |value| of that output in the reference (at least
    ``floor``), so the absolute part follows the size of the answer instead of
    being a fixed 1e-8. The defaults accept float32 arithmetic (measured: up
    to about 1e-5 of the output's scale in a saturated LSTM backward, where
    sums of large terms cancel) and textbook epsilons such as ``norm + 1e-6``
    when the norm is at least 1, and reject a systematic error of 1e-4
    (allowed at most 3e-5·scale + 1e-5·|expected| ≤ 4e-5·scale).
    """

    rtol: float = 1e-5
    atol_scale: float = 3e-5
    floor: float = 1e-30
    note: str = "relative to the reference scale; float32 arithmetic passes"

    def scale(self, expected: np.ndarray) -> float:
        """The largest finite |value| of the reference output (at least ``floor``)."""
        magnitude = np.abs(expected)
        top = float(magnitude.max()) if magnitude.size else 0.0
        if not np.isfinite(top):
            finite = magnitude[np.isfinite(magnitude)]
            top = float(finite.max()) if finite.size else 0.0
        return max(top, self.floor)

    def allowed(self, expected: np.ndarray) -> np.ndarray:
        return self.atol_scale * self.scale(expected) + self.rtol * np.abs(expected)

    def describe(self, expected: np.ndarray) -> str:
        return f"{self.atol_scale * self.scale(expected):.2g} + {self.rtol:g}·|expected|"


@dataclass(frozen=True)
class Spec:
    """The grading contract of one reference.

    ``generate(rng, dims)`` builds the arguments for one case from sizes and
    knobs in ``dims`` (N, D, H, T; ``sat`` for saturated gates, ``big`` for
    huge magnitudes, ``ndim`` for the input rank, ``grad`` to scale incoming
    gradients, ``factor`` for clipping). ``edges`` are named dims every case
    set includes; ``random_dims`` draws the remaining hidden cases.
    """

    args: tuple[str, ...]
    outputs: tuple[str, ...]
    generate: Generator
    edges: tuple[tuple[str, Dims], ...] = ()
    visible: Dims = field(default_factory=lambda: {"N": 2, "D": 3, "H": 2, "T": 3})
    tolerance: Tolerance = Tolerance()
    no_modify: tuple[str, ...] = ()
    """Arguments the statement forbids modifying; changing one fails the case."""
    max_T: int = 8


def normal(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return rng.standard_normal(shape) * scale


def random_dims(rng: np.random.Generator, spec: Spec) -> Dims:
    """Sizes for one ordinary hidden case; small, so a grade stays fast."""
    return {"N": int(rng.integers(1, 6)), "D": int(rng.integers(1, 7)), "H": int(rng.integers(1, 6)),
            "T": int(rng.integers(1, spec.max_T + 1))}


CELL_EDGES: tuple[tuple[str, Dims], ...] = (
    ("one sample (N=1)", {"N": 1, "D": 3, "H": 4}),
    ("one hidden unit (H=1)", {"N": 3, "D": 2, "H": 1}),
    ("saturated gates (|a| up to 20, |c| >= 5)", {"N": 3, "D": 3, "H": 3, "sat": True}),
    ("saturated gates, N=1", {"N": 1, "D": 2, "H": 2, "sat": True}),
)
GRAD_EDGES: tuple[tuple[str, Dims], ...] = (
    ("zero incoming gradient", {"N": 2, "D": 3, "H": 2, "grad": 0.0}),
    ("tiny incoming gradient (1e-9)", {"N": 2, "D": 3, "H": 3, "grad": 1e-9}),
)
SEQ_EDGES: tuple[tuple[str, Dims], ...] = (
    ("one step (T=1)", {"N": 2, "D": 3, "H": 2, "T": 1}),
    ("long sequence (T=12)", {"N": 2, "D": 2, "H": 3, "T": 12}),
    ("long sequence (T=16), N=1, H=1", {"N": 1, "D": 2, "H": 1, "T": 16}),
    ("saturated states", {"N": 2, "D": 3, "H": 2, "T": 4, "sat": True}),
)


def cell_inputs(rng: np.random.Generator, d: Dims, gates: int, cell_state: bool = False,
                incoming: int = 0) -> tuple:
    """(x, h_prev[, c_prev], Wx, Wh, b[, d_next...]) for a packed-gate cell.

    ``sat`` pushes pre-activations to |a| ≈ 20 through the biases and makes
    |c_prev| ≥ 5, where clipping or a wrong saturation shortcut shows.
    """
    N, D, H = d["N"], d["D"], d["H"]
    sat = bool(d.get("sat"))
    x = normal(rng, N, D)
    h = normal(rng, N, H, scale=0.8)
    Wx = normal(rng, D, gates * H, scale=2.0 if sat else 0.5)
    Wh = normal(rng, H, gates * H, scale=2.0 if sat else 0.5)
    b = rng.uniform(-20.0, 20.0, gates * H) if sat else normal(rng, gates * H, scale=0.3)
    args: tuple = (x, h)
    if cell_state:
        c = normal(rng, N, H)
        if sat:
            c = np.sign(c) * (5.0 + np.abs(c) * 2.0)
        args += (c,)
    args += (Wx, Wh, b)
    return args + tuple(normal(rng, N, H) * d.get("grad", 1.0) for _ in range(incoming))


def sequence_inputs(rng: np.random.Generator, d: Dims, incoming: bool = False) -> tuple:
    """(xs, h0, Wx, Wh, b[, dhs]) for a tanh RNN layer, batch-first."""
    N, T, D, H = d["N"], d["T"], d["D"], d["H"]
    sat = bool(d.get("sat"))
    args: tuple = (normal(rng, N, T, D), normal(rng, N, H, scale=0.8), normal(rng, D, H, scale=2.0 if sat else 0.5),
                   normal(rng, H, H, scale=2.0 if sat else 0.5), normal(rng, H, scale=5.0 if sat else 0.3))
    if incoming:
        args += (normal(rng, N, T, H) * d.get("grad", 1.0),)
    return args
