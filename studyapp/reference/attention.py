"""Dot-product attention over a sequence of encoder states."""
from __future__ import annotations

import numpy as np

from studyapp.reference._common import Array, f64
from studyapp.reference.activations import softmax
from studyapp.reference.registry import reference


@reference("attention_forward")
def attention_forward(hs: Array, h: Array) -> tuple[Array, Array]:
    """Return (context (N,H), weights (N,T)) for query h (N,H) over hs (N,T,H).

    Scores are dot products h·hs[:, t] (similarity), softmax turns them into
    weights summing to 1 over T, and the context is the weighted sum of hs.
    """
    hs, h = f64(hs), f64(h)
    scores = np.einsum("nth,nh->nt", hs, h)
    weights = softmax(scores)
    context = np.einsum("nt,nth->nh", weights, hs)
    return context, weights
