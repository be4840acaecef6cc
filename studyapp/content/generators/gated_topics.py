"""Generators for Day 3 sections 2-3 and gradient clipping: LSTM, GRU, clipping.

Every answer is computed exactly from the drawn parameters; floats are rounded
(4 decimals for numeric answers, 3 for choices) only for display. Distractors
for ``single`` items come from classic slips (forgetting the bias, counting 3
blocks instead of 4, clipping by value instead of by norm, ...), and a draw
whose distractors would collide with the answer is rejected.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from studyapp.content.generators.registry import Generated, Reject, answer_function
from studyapp.content.generators.common import distinct as _distinct
from studyapp.content.generators.common import latex_scientific as _sci
from studyapp.content.generators.common import short_decimal
from studyapp.content.generators.common import sigmoid as _sigmoid


def _fmt(x: float, digits: int = 3) -> str:
    return short_decimal(x, digits)


# --- parameter counts -------------------------------------------------------


def _block(d: int, h: int) -> int:
    """One gate block: input weights D·H, recurrent weights H·H, bias H."""
    return d * h + h * h + h


@answer_function("lstm_param_count")
def lstm_param_count(p: Mapping[str, Any]) -> Generated:
    """LSTM cell: 4 blocks (f, g, i, o), 4 (D·H + H·H + H) parameters."""
    d, h = int(p["d"]), int(p["h"])
    one = _block(d, h)
    answer = 4 * one
    distractors = _distinct(
        answer,
        (
            4 * (d * h + h * h),  # forgot the biases
            3 * one,  # counted 3 blocks (the 3 gates) and forgot the cell input g
            4 * (d * h + h),  # forgot the recurrent weights
            4 * (d * h + h * h) + h,  # one shared bias of size H
        ),
    )
    return Generated(
        answer=answer,
        distractors=distractors,
        values={"one": one, "wx": d * h, "wh": h * h, "nb": 4 * h, "nwx": 4 * d * h, "nwh": 4 * h * h},
    )


@answer_function("gru_param_count")
def gru_param_count(p: Mapping[str, Any]) -> Generated:
    """GRU cell: 3 blocks (z, r, h̃), 3 (D·H + H·H + H) parameters."""
    d, h = int(p["d"]), int(p["h"])
    one = _block(d, h)
    answer = 3 * one
    distractors = _distinct(
        answer,
        (
            3 * (d * h + h * h),  # forgot the biases
            4 * one,  # counted like an LSTM
            2 * one,  # counted only the 2 gates, forgot the candidate
            3 * (d * h + h),  # forgot the recurrent weights
        ),
    )
    return Generated(
        answer=answer,
        distractors=distractors,
        values={"one": one, "wx": d * h, "wh": h * h, "nb": 3 * h, "nwx": 3 * d * h, "nwh": 3 * h * h},
    )


@answer_function("lstm_gru_param_diff")
def lstm_gru_param_diff(p: Mapping[str, Any]) -> Generated:
    """LSTM minus GRU: exactly one block, D·H + H·H + H."""
    d, h = int(p["d"]), int(p["h"])
    one = _block(d, h)
    return Generated(
        answer=one,
        values={"one": one, "lstm": 4 * one, "gru": 3 * one, "wx": d * h, "wh": h * h},
    )


@answer_function("lstm_gru_param_ratio")
def lstm_gru_param_ratio(p: Mapping[str, Any]) -> Generated:
    """LSTM / GRU parameter ratio: 4 blocks / 3 blocks = 4/3 whatever D and H are."""
    d, h = int(p["d"]), int(p["h"])
    one = _block(d, h)
    return Generated(
        answer=round(4 * one / (3 * one), 4),
        values={"one": one, "lstm": 4 * one, "gru": 3 * one},
    )


@answer_function("gru_candidate_width")
def gru_candidate_width(p: Mapping[str, Any]) -> Generated:
    """Columns of concat([r⊙h_prev, x]): H + D (rows of w_c)."""
    d, h = int(p["d"]), int(p["h"])
    answer = d + h
    distractors = _distinct(answer, (h, d, 2 * h, d + 2 * h), need=4)
    return Generated(answer=answer, distractors=distractors, values={})


# --- one cell step with scalars -----------------------------------------------


@answer_function("lstm_cell_scalar")
def lstm_cell_scalar(p: Mapping[str, Any]) -> Generated:
    """Scalar LSTM update: c = f c_prev + g i, h = o tanh(c); the answer is c."""
    f, c_prev, g, i, o = (float(p[k]) for k in ("f", "c_prev", "g", "i", "o"))
    c = f * c_prev + g * i
    h = o * math.tanh(c)
    return Generated(
        answer=round(c, 4),
        values={
            "fc": _fmt(f * c_prev, 4),
            "gi": _fmt(g * i, 4),
            "c": _fmt(c, 4),
            "tanhc": _fmt(math.tanh(c), 4),
            "h": _fmt(h, 4),
        },
    )


@answer_function("lstm_hidden_scalar")
def lstm_hidden_scalar(p: Mapping[str, Any]) -> Generated:
    """Scalar LSTM update: the answer is h = o tanh(f c_prev + g i)."""
    f, c_prev, g, i, o = (float(p[k]) for k in ("f", "c_prev", "g", "i", "o"))
    c = f * c_prev + g * i
    h = o * math.tanh(c)
    return Generated(
        answer=round(h, 4),
        values={"c": _fmt(c, 4), "tanhc": _fmt(math.tanh(c), 4), "h": _fmt(h, 4)},
    )


@answer_function("gru_update_scalar")
def gru_update_scalar(p: Mapping[str, Any]) -> Generated:
    """Scalar GRU update: h_next = (1 - z) h_prev + z h̃."""
    z, h_prev, h_til = float(p["z"]), float(p["h_prev"]), float(p["h_til"])
    keep = (1.0 - z) * h_prev
    new = z * h_til
    answer = keep + new
    swapped = z * h_prev + (1.0 - z) * h_til  # roles of z and 1 - z swapped
    return Generated(
        answer=round(answer, 4),
        values={
            "one_minus_z": _fmt(1.0 - z, 2),
            "keep": _fmt(keep, 4),
            "new": _fmt(new, 4),
            "h_next": _fmt(answer, 4),
            "swapped": _fmt(swapped, 4),
        },
    )


# --- gradient clipping ------------------------------------------------------

# Integer gradients with integer L2 norms, so the hand computation stays clean.
_GRADS: tuple[tuple[int, ...], ...] = (
    (3, 4),
    (6, 8),
    (5, 12),
    (-8, 6),
    (12, -5),
    (9, 12),
    (1, 2, 2),
    (2, -3, 6),
    (4, 4, 2),
    (-6, 2, 3),
)


def _grad_case(p: Mapping[str, Any]) -> tuple[tuple[int, ...], int, float]:
    g = _GRADS[int(p["case"]) % len(_GRADS)]
    norm = math.isqrt(sum(a * a for a in g))
    assert norm * norm == sum(a * a for a in g)
    return g, norm, float(p["threshold"])


def _vec(v: Sequence[float], digits: int = 3) -> str:
    return "(" + ", ".join(_fmt(float(a), digits) for a in v) + ")"


def _clip(g: Sequence[int], norm: int, threshold: float) -> list[float]:
    if norm > threshold:
        return [threshold * a / norm for a in g]
    return [float(a) for a in g]


def _clip_values(g: Sequence[int], norm: int, threshold: float) -> dict[str, Any]:
    clipped = _clip(g, norm, threshold)
    return {
        "g": _vec(g),
        "norm": norm,
        "rate": _fmt(threshold / norm, 4),
        "clipped": _vec(clipped),
        "g1": g[0],
        "dim": len(g),
        "verdict_en": "exceeds the threshold, so it is rescaled" if norm > threshold else "does not exceed the threshold, so the gradient is returned unchanged",
        "verdict_ja": "しきい値を超えているので縮小します" if norm > threshold else "しきい値を超えていないので勾配はそのまま返します",
    }


@answer_function("clip_first_component")
def clip_first_component(p: Mapping[str, Any]) -> Generated:
    """First component of the norm-clipped gradient."""
    g, norm, threshold = _grad_case(p)
    clipped = _clip(g, norm, threshold)
    return Generated(answer=round(clipped[0], 4), values=_clip_values(g, norm, threshold))


@answer_function("clip_result_norm")
def clip_result_norm(p: Mapping[str, Any]) -> Generated:
    """L2 norm after clipping: min(‖g‖, threshold)."""
    g, norm, threshold = _grad_case(p)
    return Generated(answer=min(float(norm), threshold), values=_clip_values(g, norm, threshold))


@answer_function("clip_vector_choice")
def clip_vector_choice(p: Mapping[str, Any]) -> Generated:
    """The whole clipped vector, with slips as distractors."""
    g, norm, threshold = _grad_case(p)
    if norm <= threshold:
        raise Reject("this item asks for a gradient that is actually clipped")
    answer = _vec(_clip(g, norm, threshold))
    by_value = [max(-threshold, min(threshold, float(a))) for a in g]
    distractors = _distinct(
        answer,
        (
            _vec(g),  # forgot to clip
            _vec(by_value),  # clipped each component by value
            _vec([a / norm for a in g]),  # normalized to unit length, forgot the threshold
            _vec([a * norm / threshold for a in g]),  # inverted rate
            _vec([a * threshold / norm**2 for a in g]),  # divided by the squared norm (forgot the square root)
        ),
    )
    return Generated(answer=answer, distractors=distractors[:4], values=_clip_values(g, norm, threshold))


@answer_function("exploding_factor")
def exploding_factor(p: Mapping[str, Any]) -> Generated:
    """Scalar linear RNN: the gradient is multiplied by w at each of T steps, w^T."""
    w, t = float(p["w"]), int(p["t"])
    answer = w**t
    return Generated(answer=answer, values={"factor": _sci(answer)})
