"""Shared helpers for the reference-cell tests: random cases and numerical gradients."""
from __future__ import annotations

from typing import Callable

import numpy as np

EPS = 1e-6

# (N, D, H) cell shapes, including the degenerate N=1 and H=1 cases.
CELL_SHAPES = [(1, 1, 1), (1, 3, 1), (2, 3, 4), (3, 5, 2), (4, 2, 3)]
# (N, T, D, H) sequence shapes.
SEQ_SHAPES = [(1, 1, 1, 1), (1, 4, 2, 1), (2, 3, 3, 4), (3, 5, 2, 2)]


def randn(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return scale * rng.standard_normal(shape)


def cell_params(rng: np.random.Generator, D: int, H: int, gates: int = 1) -> tuple[np.ndarray, ...]:
    """Wx (D,gH), Wh (H,gH), b (gH,) with small weights so nothing saturates."""
    return (
        randn(rng, D, gates * H, scale=0.5),
        randn(rng, H, gates * H, scale=0.5),
        randn(rng, gates * H, scale=0.5),
    )


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = EPS) -> np.ndarray:
    """Centred difference (f(x+eps) − f(x−eps)) / 2eps for each element of x.

    ``x`` is perturbed in place (and restored), so ``f`` must read it afresh.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        old = x[idx]
        x[idx] = old + eps
        f_plus = f()
        x[idx] = old - eps
        f_minus = f()
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def numerical_gradients(loss: Callable[..., float], args: list[np.ndarray]) -> list[np.ndarray]:
    """Numerical dloss/darg for every array in ``args`` (loss called as loss(*args))."""
    return [numerical_gradient(lambda: loss(*args), a) for a in args]


def assert_all_close(actual, expected, rtol: float = 1e-6, atol: float = 1e-8, names=None) -> None:
    actual, expected = tuple(actual), tuple(expected)
    assert len(actual) == len(expected)
    for k, (a, e) in enumerate(zip(actual, expected)):
        label = names[k] if names else str(k)
        a = np.asarray(a)
        e = np.asarray(e)
        assert a.shape == e.shape, f"{label}: shape {a.shape} != {e.shape}"
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=label)
