"""Generators for the exam-depth items: multi-step BPTT, gated backward steps, truncated BPTT,
stacked/bidirectional counts, beam search, masking, multi-head attention, perplexity and BLEU.

Values shown in explanations are pre-formatted strings; distractors of ``single`` items come from
the classic slip of each topic.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from studyapp.content.generators.common import distinct as _distinct
from studyapp.content.generators.common import short_decimal
from studyapp.content.generators.registry import Generated, answer_function


def _fmt(x: float, digits: int = 4) -> str:
    return short_decimal(x, digits)


def _lstm_block(d: int, h: int) -> int:
    return d * h + h * h + h


@answer_function("bptt_scalar_three_steps")
def bptt_scalar_three_steps(p: Mapping[str, Any]) -> Generated:
    """Linear scalar RNN h_t = w h_{t-1} + u x_t, h_0 = 0, L = h_3: dL/dw sums one term per step."""
    w, u = float(p["w"]), float(p["u"])
    x1, x2 = float(p["x1"]), float(p["x2"])
    h1 = u * x1
    h2 = w * h1 + u * x2
    # delta_3 = 1 multiplies h_2; delta_2 = w multiplies h_1; delta_1 = w^2 multiplies h_0 = 0
    answer = h2 + w * h1
    return Generated(answer=answer, values={"h1": _fmt(h1), "h2": _fmt(h2), "t2": _fmt(w * h1), "last_only": _fmt(h2)})


@answer_function("lstm_backward_dc_prev")
def lstm_backward_dc_prev(p: Mapping[str, Any]) -> Generated:
    """One scalar LSTM backward step: ds = dc_next + dh_next * o * (1 - tanh(c_next)^2); dc_prev = ds * f."""
    dh, dc, o, tc, f = (float(p[k]) for k in ("dh", "dc", "o", "tc", "f"))
    ds = dc + dh * o * (1 - tc * tc)
    return Generated(answer=ds * f, values={"ds": _fmt(ds), "through_h": _fmt(dh * o * (1 - tc * tc))})


@answer_function("gru_step_with_reset")
def gru_step_with_reset(p: Mapping[str, Any]) -> Generated:
    """Scalar GRU step, course convention: h~ = tanh(wx x + wh (r h_prev)), h = (1 - z) h_prev + z h~."""
    x, h_prev, wx, wh, r, z = (float(p[k]) for k in ("x", "h_prev", "wx", "wh", "r", "z"))
    pre = wx * x + wh * (r * h_prev)
    cand = math.tanh(pre)
    return Generated(answer=(1 - z) * h_prev + z * cand, values={"pre": _fmt(pre), "cand": _fmt(cand)})


@answer_function("truncated_bptt_stored")
def truncated_bptt_stored(p: Mapping[str, Any]) -> Generated:
    """Hidden-state floats kept for one backward pass: N * k * H with truncation k (N * T * H without)."""
    n, t, k, h = (int(p[x]) for x in ("n", "t", "k", "h"))
    return Generated(answer=n * k * h, values={"full": n * t * h, "ratio": _fmt(t / k, 2)})


@answer_function("stacked_lstm_param_count")
def stacked_lstm_param_count(p: Mapping[str, Any]) -> Generated:
    """Two stacked LSTM layers: the second reads the first's H-wide output."""
    d, h = int(p["d"]), int(p["h"])
    first, second = 4 * _lstm_block(d, h), 4 * _lstm_block(h, h)
    answer = first + second
    slips = (2 * first, first, first + 4 * (h * h + h), first + 4 * (2 * h * h))  # layer 2 fed D, one layer, no input weights, no bias
    return Generated(answer=answer, distractors=_distinct(answer, slips, need=4), values={"first": first, "second": second})


@answer_function("bilstm_param_count")
def bilstm_param_count(p: Mapping[str, Any]) -> Generated:
    """A bidirectional LSTM layer: two independent LSTMs over the same input."""
    d, h = int(p["d"]), int(p["h"])
    one = 4 * _lstm_block(d, h)
    return Generated(answer=2 * one, values={"one": one})


@answer_function("beam_search_scored")
def beam_search_scored(p: Mapping[str, Any]) -> Generated:
    """Candidates scored in one beam-search step: each of the k beams is extended by every word."""
    k, v = int(p["k"]), int(p["v"])
    return Generated(answer=k * v, values={"kept": k})


@answer_function("causal_mask_count")
def causal_mask_count(p: Mapping[str, Any]) -> Generated:
    """Entries of a T x T causal mask set to -inf: those above the diagonal, T(T-1)/2."""
    t = int(p["t"])
    return Generated(answer=t * (t - 1) // 2, values={"total": t * t, "kept": t * (t + 1) // 2})


@answer_function("multihead_head_dim")
def multihead_head_dim(p: Mapping[str, Any]) -> Generated:
    """Per-head width d_k = d_model / h; the h heads together cost about one full-width head."""
    d, h = int(p["d_model"]), int(p["heads"])
    answer = d // h
    slips = (d, d * h, h)
    return Generated(answer=answer, distractors=_distinct(answer, slips, need=3), values={})


@answer_function("self_attention_score_count")
def self_attention_score_count(p: Mapping[str, Any]) -> Generated:
    """Self-attention over T positions forms a T x T score matrix; an RNN makes T sequential steps."""
    t = int(p["t"])
    return Generated(answer=t * t, values={"rnn_steps": t})


@answer_function("perplexity_three_tokens")
def perplexity_three_tokens(p: Mapping[str, Any]) -> Generated:
    """Perplexity = exp(mean cross-entropy) = (p1 p2 p3)^(-1/3)."""
    ps = [float(p[k]) for k in ("p1", "p2", "p3")]
    ce = -sum(math.log(x) for x in ps) / 3
    return Generated(answer=math.exp(ce), values={"ce": _fmt(ce)})


@answer_function("bleu_brevity_penalty")
def bleu_brevity_penalty(p: Mapping[str, Any]) -> Generated:
    """BLEU's brevity penalty: 1 if c > r, else exp(1 - r / c)."""
    c, r = int(p["c"]), int(p["r"])
    answer = 1.0 if c > r else math.exp(1 - r / c)
    return Generated(answer=answer, values={"ratio": _fmt(r / c)})


@answer_function("lstm_two_step_cell")
def lstm_two_step_cell(p: Mapping[str, Any]) -> Generated:
    """Two scalar LSTM cell updates: c1 = f1 c0 + i1 g1, c2 = f2 c1 + i2 g2."""
    c0, f1, i1, g1, f2, i2, g2 = (float(p[k]) for k in ("c0", "f1", "i1", "g1", "f2", "i2", "g2"))
    c1 = f1 * c0 + i1 * g1
    return Generated(answer=f2 * c1 + i2 * g2, values={"c1": _fmt(c1)})


@answer_function("clip_then_step")
def clip_then_step(p: Mapping[str, Any]) -> Generated:
    """Clip g = (g1, g2) by norm to theta, then one SGD step on w1: w1 - lr * g1_clipped."""
    g1, g2, theta, lr, w1 = (float(p[k]) for k in ("g1", "g2", "theta", "lr", "w1"))
    norm = math.hypot(g1, g2)
    g1c = g1 * theta / norm if norm > theta else g1
    return Generated(answer=w1 - lr * g1c, values={"norm": _fmt(norm), "g1c": _fmt(g1c)})


@answer_function("steps_until_vanish")
def steps_until_vanish(p: Mapping[str, Any]) -> Generated:
    """Smallest T with q^T < 10^-k: T = floor(k ln 10 / -ln q) + 1."""
    q, k = float(p["q"]), int(p["k"])
    t = 1
    while q**t >= 10.0**-k:
        t += 1
    return Generated(answer=t, values={"before": _fmt(q ** (t - 1), 6), "at": _fmt(q**t, 6)})


@answer_function("multihead_param_count")
def multihead_param_count(p: Mapping[str, Any]) -> Generated:
    """W^Q, W^K, W^V (all heads together) and W^O, each d x d with a bias of size d."""
    d = int(p["d_model"])
    return Generated(answer=4 * (d * d + d), values={"one": d * d + d})


@answer_function("general_score_2d")
def general_score_2d(p: Mapping[str, Any]) -> Generated:
    """Luong's general score h^T W a for 2-d vectors and a 2 x 2 matrix."""
    h = (float(p["h1"]), float(p["h2"]))
    a = (float(p["a1"]), float(p["a2"]))
    w = ((float(p["w11"]), float(p["w12"])), (float(p["w21"]), float(p["w22"])))
    wa = (w[0][0] * a[0] + w[0][1] * a[1], w[1][0] * a[0] + w[1][1] * a[1])
    return Generated(answer=h[0] * wa[0] + h[1] * wa[1], values={"wa1": _fmt(wa[0]), "wa2": _fmt(wa[1]), "dot": _fmt(h[0] * a[0] + h[1] * a[1])})


@answer_function("gru_pytorch_param_count")
def gru_pytorch_param_count(p: Mapping[str, Any]) -> Generated:
    """PyTorch's nn.GRU: 3 blocks, each D*H + H*H + two biases (b_ih, b_hh)."""
    d, h = int(p["d"]), int(p["h"])
    return Generated(answer=3 * (d * h + h * h + 2 * h), values={"course": 3 * (d * h + h * h + h), "extra": 3 * h})
