"""Dot-product attention over a sequence of encoder states."""
from __future__ import annotations

import numpy as np

from studyapp.reference._common import Array, f64
from studyapp.reference.activations import softmax
from studyapp.reference.registry import reference
from studyapp.reference.spec import Spec, normal


def _attention_inputs(rng: np.random.Generator, d: dict) -> tuple:
    """hs (N,T,H) and h (N,H); ``big`` makes one score per row about ``big`` larger than the rest."""
    N, T, H = d["N"], d["T"], d["H"]
    hs, h = normal(rng, N, T, H), normal(rng, N, H)
    if d.get("big"):
        h = h / np.linalg.norm(h, axis=-1, keepdims=True)
        t = rng.integers(0, T, size=N)
        hs[np.arange(N), t] = h * d["big"]
    return hs, h


@reference("attention_forward", spec=Spec(("hs", "h"), ("context", "weights"), _attention_inputs, (
    ("one step (T=1)", {"N": 2, "T": 1, "H": 3}),
    ("one sample, one unit (N=1, H=1)", {"N": 1, "T": 4, "H": 1}),
    ("long sequence (T=12)", {"N": 2, "T": 12, "H": 3}),
    ("large scores (1e4 above the rest)", {"N": 3, "T": 5, "H": 4, "big": 1e4}),
    ("large scores, N=1", {"N": 1, "T": 3, "H": 2, "big": 2e3}),
)))
def attention_forward(hs: Array, h: Array, *, scaled: bool = False, shift: str = "max") -> tuple[Array, Array]:
    """Return (context (N,H), weights (N,T)) for query h (N,H) over hs (N,T,H).

    Scores are dot products h·hs[:, t] (similarity), softmax turns them into
    weights summing to 1 over T, and the context is the weighted sum of hs.
    """
    hs, h = f64(hs), f64(h)
    scores = np.einsum("nth,nh->nt", hs, h)
    if scaled:  # a known mistake here: Transformer-style 1/√H scaling
        scores = scores / np.sqrt(hs.shape[-1])
    weights = softmax(scores, shift=shift)
    context = np.einsum("nt,nth->nh", weights, hs)
    return context, weights
