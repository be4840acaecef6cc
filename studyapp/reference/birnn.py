"""Bidirectional RNN: two independent tanh RNNs, one reading each way."""
from __future__ import annotations

import numpy as np

from studyapp.reference._common import Array, f64
from studyapp.reference.registry import reference
from studyapp.reference.spec import SEQ_EDGES, Spec, normal


def _birnn_inputs(rng: np.random.Generator, d: dict) -> tuple:
    N, T, D, H = d["N"], d["T"], d["D"], d["H"]
    w = 2.0 if d.get("sat") else 0.5
    xs = normal(rng, N, T, D)
    return (xs,) + tuple(a for _ in range(2) for a in (normal(rng, D, H, scale=w), normal(rng, H, H, scale=w),
                                                       normal(rng, H, scale=0.3)))
from studyapp.reference.rnn import rnn_forward


@reference("birnn_forward", spec=Spec(("xs", "Wx_f", "Wh_f", "b_f", "Wx_b", "Wh_b", "b_b"), ("hs",),
                                      _birnn_inputs, SEQ_EDGES))
def birnn_forward(
    xs: Array, Wx_f: Array, Wh_f: Array, b_f: Array, Wx_b: Array, Wh_b: Array, b_b: Array, *,
    flip_back: bool = True, read_backward: bool = True,
) -> Array:
    """hs (N,T,2H): forward states then backward states on the last axis.

    The backward RNN reads t = T−1..0 (run it on the reversed sequence), and
    its states are flipped back so that position t holds the state that has
    seen xs[:, t:], aligned with the forward state that has seen xs[:, :t+1].
    Both start from zero states.
    """
    xs = f64(xs)
    N = xs.shape[0]
    h0_f = np.zeros((N, f64(Wh_f).shape[0]))
    h0_b = np.zeros((N, f64(Wh_b).shape[0]))
    hs_f = rnn_forward(xs, h0_f, Wx_f, Wh_f, b_f)
    hs_b = rnn_forward(xs[:, ::-1, :] if read_backward else xs, h0_b, Wx_b, Wh_b, b_b)
    if flip_back:
        hs_b = hs_b[:, ::-1, :]
    return np.concatenate((hs_f, hs_b), axis=-1)
