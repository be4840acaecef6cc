"""Seeded test inputs per reference id (parent side only).

Every reference gets one small *visible* example (shown to the learner with
expected vs got) and several *hidden* generated cases of various shapes
(N=1 and H=1 included), plus the edge cases the known mistakes need: a zero
gradient and gradients below/above the threshold for clipping, ±1000 inputs
for softmax, nonzero cell states so a dropped forget gate shows, T>=2 so
BPTT carry mistakes show.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

Arg = Any  # np.ndarray (float64) or float


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[Arg, ...]
    visible: bool = False


ARG_NAMES: dict[str, tuple[str, ...]] = {
    "sigmoid_grad": ("x",),
    "tanh_grad": ("x",),
    "softmax": ("x",),
    "gradient_clipping": ("grad", "threshold"),
    "rnn_cell_forward": ("x", "h_prev", "Wx", "Wh", "b"),
    "rnn_cell_backward": ("x", "h_prev", "Wx", "Wh", "b", "dh_next"),
    "rnn_forward": ("xs", "h0", "Wx", "Wh", "b"),
    "rnn_backward": ("xs", "h0", "Wx", "Wh", "b", "dhs"),
    "lstm_cell_forward": ("x", "h_prev", "c_prev", "Wx", "Wh", "b"),
    "lstm_cell_backward": ("x", "h_prev", "c_prev", "Wx", "Wh", "b", "dh_next", "dc_next"),
    "gru_cell_forward": ("x", "h_prev", "Wx", "Wh", "b"),
    "gru_cell_backward": ("x", "h_prev", "Wx", "Wh", "b", "dh_next"),
    "birnn_forward": ("xs", "Wx_f", "Wh_f", "b_f", "Wx_b", "Wh_b", "b_b"),
    "attention_forward": ("hs", "h"),
}

OUTPUT_NAMES: dict[str, tuple[str, ...]] = {
    "sigmoid_grad": ("dx",),
    "tanh_grad": ("dx",),
    "softmax": ("y",),
    "gradient_clipping": ("grad",),
    "rnn_cell_forward": ("h_next",),
    "rnn_cell_backward": ("dx", "dh_prev", "dWx", "dWh", "db"),
    "rnn_forward": ("hs",),
    "rnn_backward": ("dxs", "dh0", "dWx", "dWh", "db"),
    "lstm_cell_forward": ("h_next", "c_next"),
    "lstm_cell_backward": ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"),
    "gru_cell_forward": ("h_next",),
    "gru_cell_backward": ("dx", "dh_prev", "dWx", "dWh", "db"),
    "birnn_forward": ("hs",),
    "attention_forward": ("context", "weights"),
}


def _n(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return rng.standard_normal(shape) * scale


# ---- generators: (rng, dims) -> args -------------------------------------------------

def _elementwise(rng, d):
    return (_n(rng, d["N"], d["D"], scale=2.0),)


def _softmax(rng, d):
    return (_n(rng, d["N"], d["D"], scale=2.0),)


def _clip(rng, d):
    g = _n(rng, d["N"], d["D"])
    norm = float(np.sqrt(np.sum(g * g)))
    factor = d.get("factor", 2.0)  # threshold = norm / factor: >1 clips, <1 does not
    return (g, norm / factor)


def _cell(gates):
    def gen(rng, d):
        N, D, H = d["N"], d["D"], d["H"]
        return (_n(rng, N, D), _n(rng, N, H, scale=0.8), _n(rng, D, gates * H, scale=0.5),
                _n(rng, H, gates * H, scale=0.5), _n(rng, gates * H, scale=0.3))
    return gen


def _cell_backward(gates):
    fwd = _cell(gates)

    def gen(rng, d):
        return fwd(rng, d) + (_n(rng, d["N"], d["H"]),)
    return gen


def _lstm_fwd(rng, d):
    N, D, H = d["N"], d["D"], d["H"]
    return (_n(rng, N, D), _n(rng, N, H, scale=0.8), _n(rng, N, H), _n(rng, D, 4 * H, scale=0.5),
            _n(rng, H, 4 * H, scale=0.5), _n(rng, 4 * H, scale=0.3))


def _lstm_bwd(rng, d):
    return _lstm_fwd(rng, d) + (_n(rng, d["N"], d["H"]), _n(rng, d["N"], d["H"]))


def _rnn_seq(rng, d):
    N, T, D, H = d["N"], d["T"], d["D"], d["H"]
    return (_n(rng, N, T, D), _n(rng, N, H, scale=0.8), _n(rng, D, H, scale=0.5),
            _n(rng, H, H, scale=0.5), _n(rng, H, scale=0.3))


def _rnn_seq_bwd(rng, d):
    return _rnn_seq(rng, d) + (_n(rng, d["N"], d["T"], d["H"]),)


def _birnn(rng, d):
    N, T, D, H = d["N"], d["T"], d["D"], d["H"]
    return (_n(rng, N, T, D),
            _n(rng, D, H, scale=0.5), _n(rng, H, H, scale=0.5), _n(rng, H, scale=0.3),
            _n(rng, D, H, scale=0.5), _n(rng, H, H, scale=0.5), _n(rng, H, scale=0.3))


def _attention(rng, d):
    N, T, H = d["N"], d["T"], d["H"]
    return (_n(rng, N, T, H), _n(rng, N, H))


GENERATORS: dict[str, Callable[[np.random.Generator, dict], tuple]] = {
    "sigmoid_grad": _elementwise,
    "tanh_grad": _elementwise,
    "softmax": _softmax,
    "gradient_clipping": _clip,
    "rnn_cell_forward": _cell(1),
    "rnn_cell_backward": _cell_backward(1),
    "rnn_forward": _rnn_seq,
    "rnn_backward": _rnn_seq_bwd,
    "lstm_cell_forward": _lstm_fwd,
    "lstm_cell_backward": _lstm_bwd,
    "gru_cell_forward": _cell(3),
    "gru_cell_backward": _cell_backward(3),
    "birnn_forward": _birnn,
    "attention_forward": _attention,
}

VISIBLE_DIMS = {"N": 2, "D": 3, "H": 2, "T": 3}
HIDDEN_DIMS: tuple[dict, ...] = (
    {"N": 1, "D": 4, "H": 3, "T": 2},
    {"N": 3, "D": 2, "H": 1, "T": 3},
    {"N": 4, "D": 5, "H": 6, "T": 4},
    {"N": 5, "D": 3, "H": 4, "T": 5},
)


def _edge_cases(ref_id: str, rng: np.random.Generator) -> list[Case]:
    cases: list[Case] = []
    if ref_id == "softmax":
        cases.append(Case("large inputs (±1000)", (np.array([[1000.0, 999.0, -1000.0], [-1000.0, -999.0, -1001.0]]),)))
        cases.append(Case("3-D input", (_n(rng, 2, 3, 4, scale=2.0),)))
        cases.append(Case("one class", (_n(rng, 3, 1),)))
    elif ref_id in ("sigmoid_grad", "tanh_grad"):
        cases.append(Case("large inputs", (np.array([[-50.0, -5.0, 0.0, 5.0, 50.0]]),)))
        cases.append(Case("3-D input", (_n(rng, 2, 3, 2),)))
    elif ref_id == "gradient_clipping":
        cases.append(Case("zero gradient", (np.zeros((3, 4)), 1.0)))
        g = _n(rng, 2, 3)
        norm = float(np.sqrt(np.sum(g * g)))
        cases.append(Case("norm below the threshold", (g, norm * 1.5)))
        g = _n(rng, 4, 2)
        norm = float(np.sqrt(np.sum(g * g)))
        cases.append(Case("norm above the threshold", (g, norm / 3.0)))
    return cases


def make_cases(ref_id: str, seed: int = 0) -> list[Case]:
    """The visible example first, then hidden generated and edge cases; deterministic in seed."""
    try:
        gen = GENERATORS[ref_id]
    except KeyError:
        raise KeyError(f"no test case generator for reference {ref_id!r}") from None
    rng = np.random.default_rng([seed, 0x5EED])
    cases = [Case("example", tuple(gen(rng, dict(VISIBLE_DIMS))), visible=True)]
    for k, dims in enumerate(HIDDEN_DIMS):
        dims = dict(dims)
        if ref_id == "gradient_clipping":
            dims["factor"] = 2.0 if k % 2 == 0 else 0.5
        cases.append(Case(f"hidden {k + 1}", tuple(gen(rng, dims))))
    cases += _edge_cases(ref_id, rng)
    return cases
