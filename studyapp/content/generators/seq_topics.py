"""Generators for Day 3 sections 4-7: bidirectional RNN, seq2seq, word2vec, attention.

Every answer is computed exactly from the drawn parameters; floats are rounded
(4 decimals for numeric answers, 3 for choices) only for display. Distractors
for ``single`` items come from classic slips, and a draw whose distractors
would collide with the answer (after rounding) is rejected.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from studyapp.content.generators.registry import Generated, Reject, answer_function
from studyapp.content.generators.common import distinct as _distinct
from studyapp.content.generators.common import short_decimal


def _fmt(x: float, digits: int = 3) -> str:
    return short_decimal(x, digits)


def _vec(v: Sequence[float]) -> str:
    return "(" + ", ".join(_fmt(float(a)) for a in v) + ")"


def _softmax(scores: Sequence[float]) -> list[float]:
    m = max(scores)
    e = [math.exp(s - m) for s in scores]
    total = sum(e)
    return [a / total for a in e]


# --- bidirectional RNN -----------------------------------------------------


@answer_function("birnn_param_count")
def birnn_param_count(p: Mapping[str, Any]) -> Generated:
    """Two independent tanh RNNs: 2 (D·H + H·H + H) parameters."""
    d, h = int(p["d"]), int(p["h"])
    one = d * h + h * h + h
    answer = 2 * one
    distractors = _distinct(
        answer,
        (
            one,  # forgot the second direction
            2 * (d * h + h * h),  # forgot the biases
            2 * (d * h + h),  # forgot the recurrent weights
            2 * (d * 2 * h + 2 * h * 2 * h + 2 * h),  # used 2H inside each direction
        ),
    )
    return Generated(
        answer=answer,
        distractors=distractors,
        values={"one": one, "wx": d * h, "wh": h * h, "h2": 2 * h},
    )


@answer_function("birnn_output_layer_params")
def birnn_output_layer_params(p: Mapping[str, Any]) -> Generated:
    """An affine layer on the concatenated states: (2H)·O + O parameters."""
    h, o = int(p["h"]), int(p["o"])
    answer = 2 * h * o + o
    distractors = _distinct(
        answer,
        (
            h * o + o,  # forgot that concatenation doubles the width
            2 * h * o,  # forgot the bias
            2 * (h * o + o),  # two separate output layers (bias counted twice)
            4 * h * o + o,  # doubled twice
        ),
    )
    return Generated(answer=answer, distractors=distractors, values={"h2": 2 * h, "w": 2 * h * o})


# --- seq2seq ---------------------------------------------------------------


@answer_function("seq2seq_encoder_params")
def seq2seq_encoder_params(p: Mapping[str, Any]) -> Generated:
    """Embedding V·E plus a tanh RNN E·H + H·H + H."""
    v, e, h = int(p["v"]), int(p["e"]), int(p["h"])
    emb = v * e
    rnn = e * h + h * h + h
    answer = emb + rnn
    distractors = _distinct(
        answer,
        (
            rnn,  # forgot the embedding
            v * h + h * h + h,  # fed one-hot vectors straight into the RNN
            emb + e * h + h,  # forgot the recurrent weights
            emb + e * h + h * h,  # forgot the bias
        ),
    )
    return Generated(answer=answer, distractors=distractors, values={"emb": emb, "rnn": rnn})


@answer_function("seq2seq_output_layer_params")
def seq2seq_output_layer_params(p: Mapping[str, Any]) -> Generated:
    """Decoder output layer H -> V scores: H·V + V parameters."""
    h, v = int(p["h"]), int(p["v"])
    answer = h * v + v
    distractors = _distinct(
        answer,
        (
            h * v,  # forgot the bias
            h * v + h,  # bias of size H instead of V
            v * v + v,  # thought the layer is V -> V
        ),
    )
    return Generated(answer=answer, distractors=distractors, values={"w": h * v})


# --- word2vec --------------------------------------------------------------


@answer_function("w2v_total_params")
def w2v_total_params(p: Mapping[str, Any]) -> Generated:
    """Skip-gram / CBOW: W_in (V×E) and W_out (E×V), 2·V·E weights."""
    v, e = int(p["v"]), int(p["e"])
    win = v * e
    answer = 2 * win
    distractors = _distinct(answer, (win, v * v, 2 * v * v))
    return Generated(answer=answer, distractors=distractors, values={"win": win})


@answer_function("w2v_embedding_memory")
def w2v_embedding_memory(p: Mapping[str, Any]) -> Generated:
    """Memory of the V×E float32 embedding matrix W_in, in MB (10^6 bytes)."""
    v, e = int(p["v"]), int(p["e"])
    count = v * e

    def mb(x: float) -> float:
        return round(x / 1e6, 3)

    answer = mb(count * 4)
    distractors = _distinct(
        answer,
        (
            mb(count),  # one byte per number
            mb(count * 8),  # float64
            mb(count * 32),  # counted bits, not bytes
            mb(count * 2),  # float16 (2 bytes)
        ),
    )
    return Generated(
        answer=_fmt(answer),
        distractors=tuple(_fmt(d) for d in distractors),
        values={"count": count, "bytes": count * 4},
    )


@answer_function("w2v_cosine")
def w2v_cosine(p: Mapping[str, Any]) -> Generated:
    """cos(a, b) = a·b / (|a| |b|) for two 3-d integer vectors."""
    a = [int(p["a1"]), int(p["a2"]), int(p["a3"])]
    b = [int(p["b1"]), int(p["b2"]), int(p["b3"])]
    na2 = sum(x * x for x in a)
    nb2 = sum(x * x for x in b)
    if na2 == 0 or nb2 == 0:
        raise Reject("zero vector has no direction")
    if a == b:
        raise Reject("identical vectors make a trivial question")
    dot = sum(x * y for x, y in zip(a, b))
    cos = dot / math.sqrt(na2 * nb2)
    answer = round(cos, 4)
    return Generated(
        answer=answer,
        values={
            "dot": dot,
            "na2": na2,
            "nb2": nb2,
            "na": _fmt(math.sqrt(na2)),
            "nb": _fmt(math.sqrt(nb2)),
            "cos4": _fmt(cos, 4),
        },
    )


# --- attention -------------------------------------------------------------


@answer_function("softmax_first_weight")
def softmax_first_weight(p: Mapping[str, Any]) -> Generated:
    """Softmax of three scores; the weight of the first one."""
    s = [float(p["s1"]), float(p["s2"]), float(p["s3"])]
    w = _softmax(s)
    e = [math.exp(x) for x in s]
    return Generated(
        answer=round(w[0], 4),
        values={
            "e1": _fmt(e[0]),
            "e2": _fmt(e[1]),
            "e3": _fmt(e[2]),
            "esum": _fmt(sum(e)),
            "w1": _fmt(w[0], 4),
            "w2": _fmt(w[1], 4),
            "w3": _fmt(w[2], 4),
        },
    )


@answer_function("softmax_max_weight_choice")
def softmax_max_weight_choice(p: Mapping[str, Any]) -> Generated:
    """Softmax of two scores; the weight of the first; slips as distractors."""
    s1, s2 = float(p["s1"]), float(p["s2"])
    w1 = _softmax([s1, s2])[0]
    answer = round(w1, 3)
    slips = [
        0.5,  # uniform weights
        round(1.0 / (1.0 + math.exp(-s1)), 3),  # sigmoid of the score alone
        round(1.0 - w1, 3),  # weight of the other element
    ]
    if s1 + s2 > 0 and s1 >= 0:
        slips.insert(0, round(s1 / (s1 + s2), 3))  # normalized without exp
    distractors = _distinct(answer, slips, need=4)
    return Generated(
        answer=answer,
        distractors=distractors[:4],
        values={"diff": _fmt(s1 - s2), "w2": _fmt(1.0 - w1, 3)},
    )


# Small encoder-state matrices (T = 3, H = 2) for the hand-computed attention items.
_HS_CASES: tuple[tuple[tuple[int, int], ...], ...] = (
    ((1, 0), (0, 1), (1, 1)),
    ((2, 0), (0, 1), (1, -1)),
    ((1, 1), (-1, 0), (0, 2)),
    ((0, 1), (1, 2), (-1, 1)),
    ((1, -1), (2, 1), (0, 0)),
    ((1, 2), (0, -1), (2, 0)),
)


def _attention_case(p: Mapping[str, Any]) -> tuple[list[tuple[int, int]], tuple[int, int], list[float], list[float], list[float]]:
    hs = list(_HS_CASES[int(p["case"]) % len(_HS_CASES)])
    h = (int(p["h1"]), int(p["h2"]))
    if h == (0, 0):
        raise Reject("a zero query gives uniform weights")
    scores = [float(r[0] * h[0] + r[1] * h[1]) for r in hs]
    w = _softmax(scores)
    ctx = [sum(w[t] * hs[t][k] for t in range(3)) for k in range(2)]
    return hs, h, scores, w, ctx


def _attention_values(hs: list[tuple[int, int]], h: tuple[int, int], scores: list[float], w: list[float], ctx: list[float]) -> dict[str, Any]:
    return {
        "hs": ", ".join(f"$hs_{t + 1} = ({r[0]}, {r[1]})$" for t, r in enumerate(hs)),
        "hvec": f"({h[0]}, {h[1]})",
        "scores": _vec(scores),
        "weights": "(" + ", ".join(_fmt(x, 4) for x in w) + ")",
        "w1": _fmt(w[0], 4),
        "w2": _fmt(w[1], 4),
        "w3": _fmt(w[2], 4),
        "c1": _fmt(ctx[0], 4),
        "c2": _fmt(ctx[1], 4),
    }


@answer_function("attention_weight_t")
def attention_weight_t(p: Mapping[str, Any]) -> Generated:
    """Dot-product attention weight of the last position, a_3."""
    hs, h, scores, w, ctx = _attention_case(p)
    return Generated(answer=round(w[2], 4), values=_attention_values(hs, h, scores, w, ctx))


@answer_function("attention_context_component")
def attention_context_component(p: Mapping[str, Any]) -> Generated:
    """First component of the context vector c = Σ_t a_t hs_t."""
    hs, h, scores, w, ctx = _attention_case(p)
    return Generated(answer=round(ctx[0], 4), values=_attention_values(hs, h, scores, w, ctx))


@answer_function("scaled_dot_product_score")
def scaled_dot_product_score(p: Mapping[str, Any]) -> Generated:
    """Scaled dot-product score q·k / √d_k for 4-d integer vectors (√4 = 2)."""
    q = [int(p[f"q{i}"]) for i in range(1, 5)]
    k = [int(p[f"k{i}"]) for i in range(1, 5)]
    dot = sum(a * b for a, b in zip(q, k))
    if dot == 0:
        raise Reject("a zero score makes every slip look right")
    answer = dot / 2
    distractors = _distinct(
        answer,
        (
            float(dot),  # forgot the scaling
            dot / 4,  # divided by d instead of √d
            dot * 2.0,  # multiplied by √d
        ),
    )
    return Generated(
        answer=_fmt(answer),
        distractors=tuple(_fmt(d) for d in distractors),
        values={"dot": dot},
    )
