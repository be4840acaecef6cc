"""Generators for the Day 3 review (CNN sizes), Section 1 (RNN) and Section 2 (BPTT).

Every answer is exact math on the drawn parameters; distractors of ``single``
items come from classic slips (a forgotten bias, a forgotten recurrent
weight, the wrong variance formula, ...). Values shown in explanations are
pre-formatted strings so the text reads well whatever the parameters are.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from studyapp.content.generators.registry import Generated, Reject, answer_function
from studyapp.content.generators.common import distinct as _distinct
from studyapp.content.generators.common import latex_scientific
from studyapp.content.generators.common import short_decimal
from studyapp.content.generators.common import sigmoid as _sigmoid


def _fmt(x: float, digits: int = 4) -> str:
    return short_decimal(x, digits)


def _par(x: float) -> str:
    """A number for a product in LaTeX: negative values wrapped in parentheses."""
    text = _fmt(x)
    return f"({text})" if text.startswith("-") else text


def _sum_expr(terms: list[str]) -> str:
    """Join already formatted terms with + / − so that '+ -0.2' reads '− 0.2'."""
    out = terms[0]
    for t in terms[1:]:
        out += f" - {t[1:]}" if t.startswith("-") else f" + {t}"
    return out


# --- CNN review -------------------------------------------------------------


@answer_function("conv_output_size_choices")
def conv_output_size_choices(p: Mapping[str, Any]) -> Generated:
    """O = (N + 2P - F)/S + 1, with distinct distractors for a ``single`` item."""
    n, f, s, pad = p["n"], p["f"], p["s"], p["p"]
    span = n + 2 * pad - f
    if span < 0 or span % s:
        raise Reject("filter does not tile the padded input evenly")
    out = span // s + 1
    candidates = [
        (n - f) // s + 1,          # padding forgotten
        span // s,                 # the +1 forgotten
        span + 1,                  # stride ignored
        (n + pad - f) // s + 1,    # padding counted on one side only
        (n + 2 * pad - f + 1) // s,  # +1 put inside the division
    ]
    candidates = [c for c in candidates if c > 0]
    return Generated(answer=out, distractors=_distinct(out, candidates), values={"span": span})


@answer_function("conv_param_count")
def conv_param_count(p: Mapping[str, Any]) -> Generated:
    """Weights F·F·C_in·C_out plus one bias per output channel."""
    f, c_in, c_out = p["f"], p["c_in"], p["c_out"]
    weights = f * f * c_in * c_out
    return Generated(answer=weights + c_out, values={"weights": weights, "biases": c_out})


@answer_function("conv_same_padding")
def conv_same_padding(p: Mapping[str, Any]) -> Generated:
    """Padding that keeps N at stride 1: N + 2P - F + 1 = N, so P = (F - 1)/2."""
    f = p["f"]
    if f % 2 == 0:
        raise Reject("even filters cannot keep the size symmetrically")
    return Generated(answer=(f - 1) // 2)


# --- Section 1: RNN -------------------------------------------------------------


@answer_function("rnn_hidden_step_tanh")
def rnn_hidden_step_tanh(p: Mapping[str, Any]) -> Generated:
    """Scalar RNN: z1 = tanh(w_in·x1 + w·z0 + b)."""
    u = p["w_in"] * p["x"] + p["w"] * p["z0"] + p["b"]
    expr = _sum_expr([
        f"{_par(p['w_in'])}\\cdot{_par(p['x'])}", f"{_par(p['w'])}\\cdot{_par(p['z0'])}", _fmt(p["b"])
    ])
    return Generated(answer=math.tanh(u), values={"expr": expr, "u": _fmt(u), "z1": _fmt(math.tanh(u))})


@answer_function("rnn_output_step_sigmoid")
def rnn_output_step_sigmoid(p: Mapping[str, Any]) -> Generated:
    """Scalar RNN, two stages: z1 = tanh(w_in x1 + w z0), y1 = sigmoid(w_out z1 + c)."""
    u = p["w_in"] * p["x"] + p["w"] * p["z0"]
    z1 = math.tanh(u)
    v = p["w_out"] * z1 + p["c"]
    y = _sigmoid(v)
    v_expr = _sum_expr([f"{_par(p['w_out'])}\\cdot{_par(z1)}", _fmt(p["c"])])
    return Generated(answer=y, values={"u": _fmt(u), "z1": _fmt(z1), "v_expr": v_expr, "v": _fmt(v), "y1": _fmt(y)})


def _rnn_counts(d: int, h: int, o: int) -> dict[str, int]:
    return {"w_in": d * h, "w_rec": h * h, "b": h, "w_out": h * o, "c": o}


@answer_function("rnn_param_count")
def rnn_param_count(p: Mapping[str, Any]) -> Generated:
    """W_in (D×H) + W (H×H) + b (H) + W_out (H×O) + c (O)."""
    k = _rnn_counts(p["d"], p["h"], p["o"])
    total = sum(k.values())
    return Generated(answer=total, values={**k, "total": total})


@answer_function("rnn_param_count_choices")
def rnn_param_count_choices(p: Mapping[str, Any]) -> Generated:
    """Same count, with distractors from the usual slips."""
    d, h, o = p["d"], p["h"], p["o"]
    k = _rnn_counts(d, h, o)
    total = sum(k.values())
    candidates = [
        total - k["w_rec"],               # recurrent weight W forgotten
        total - k["b"] - k["c"],          # biases forgotten
        total - k["w_rec"] + h,           # W taken as a diagonal (H instead of H²)
        d * h + h * o + h + o + d * d,    # W sized D×D instead of H×H
    ]
    return Generated(answer=total, distractors=_distinct(total, candidates, need=4), values={**k, "total": total})


@answer_function("rnn_madds_per_step")
def rnn_madds_per_step(p: Mapping[str, Any]) -> Generated:
    """Multiply-adds of one step (batch 1, no biases): D·H + H·H + H·O."""
    d, h, o = p["d"], p["h"], p["o"]
    parts = {"m_in": d * h, "m_rec": h * h, "m_out": h * o}
    return Generated(answer=sum(parts.values()), values=parts)


@answer_function("init_std_choices")
def init_std_choices(p: Mapping[str, Any]) -> Generated:
    """Xavier std 1/sqrt(n) or He std sqrt(2/n) for n input nodes; 4 decimals."""
    n, scheme = p["n"], p["scheme"]
    xavier, he = 1 / math.sqrt(n), math.sqrt(2 / n)
    answer = he if scheme == "He" else xavier
    other = xavier if scheme == "He" else he
    candidates = [
        other,            # the other scheme
        1 / n,            # variance taken for the std (Xavier)
        2 / n,            # variance taken for the std (He)
        math.sqrt(n),     # inverted
    ]
    r = lambda x: round(x, 4)  # noqa: E731
    return Generated(
        answer=r(answer),
        distractors=_distinct(r(answer), [r(c) for c in candidates], need=4),
        values={"xavier": _fmt(xavier), "he": _fmt(he)},
    )


# --- Section 2: BPTT ------------------------------------------------------------


@answer_function("chain_rule_square_sum")
def chain_rule_square_sum(p: Mapping[str, Any]) -> Generated:
    """z = t², t = x + y: dz/dx = 2t · 1 = 2(x + y)."""
    t = p["x"] + p["y"]
    return Generated(answer=2 * t, values={"t": t})


@answer_function("sigmoid_grad_value")
def sigmoid_grad_value(p: Mapping[str, Any]) -> Generated:
    """σ'(x) = σ(x)(1 − σ(x))."""
    s = _sigmoid(p["x"])
    return Generated(answer=s * (1 - s), values={"s": _fmt(s), "grad": _fmt(s * (1 - s))})


@answer_function("tanh_grad_value")
def tanh_grad_value(p: Mapping[str, Any]) -> Generated:
    """tanh'(x) = 1 − tanh(x)²."""
    t = math.tanh(p["x"])
    return Generated(answer=1 - t * t, values={"t": _fmt(t), "grad": _fmt(1 - t * t)})


@answer_function("vanishing_product_choices")
def vanishing_product_choices(p: Mapping[str, Any]) -> Generated:
    """Upper bound of a product of T sigmoid-derivative factors with |w| = 1: 0.25^T."""
    t = p["T"]
    answer = 0.25**t
    candidates = [0.25 * t, 0.5**t, 0.25 ** (t - 1), 0.25]  # summed, σ(0) as base, one factor short, one factor only
    fmt = lambda x: float(f"{x:.6g}")  # noqa: E731
    return Generated(
        answer=fmt(answer), distractors=_distinct(fmt(answer), [fmt(c) for c in candidates]), values={"bound": latex_scientific(answer)}
    )


@answer_function("vanishing_product")
def vanishing_product(p: Mapping[str, Any]) -> Generated:
    """δ shrinks by |w|·f'(u) per step: after T steps the factor is (|w|·g)^T."""
    factor = abs(p["w"]) * p["g"]
    answer = factor ** p["T"]
    return Generated(answer=answer, values={"factor": _fmt(factor, 6), "result": latex_scientific(answer)})


@answer_function("bptt_scalar_delta")
def bptt_scalar_delta(p: Mapping[str, Any]) -> Generated:
    """Scalar tanh RNN: δ^{t-1} = δ^t · w · (1 − z_{t-1}²) with z_{t-1} = tanh(u_{t-1})."""
    z = p["z_prev"]
    d_act = 1 - z * z
    expr = f"{_par(p['delta'])}\\cdot{_par(p['w'])}\\cdot{_par(d_act)}"
    return Generated(answer=p["delta"] * p["w"] * d_act, values={"dact": _fmt(d_act), "expr": expr})


@answer_function("sgd_update")
def sgd_update(p: Mapping[str, Any]) -> Generated:
    """W ← W − ε ∂E/∂W (scalar)."""
    new = p["w"] - p["lr"] * p["grad"]
    return Generated(answer=round(new, 10), values={"step": _fmt(p["lr"] * p["grad"], 6), "new": _fmt(new, 6)})
