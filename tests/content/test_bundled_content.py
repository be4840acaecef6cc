"""Content tests of the bundled banks (``content/``): validity, coverage, both languages,
recomputed answers, code checks against the grader, formulas, and choice explanations.

Every check is parametrized by item / exercise id so a failure names what to fix.
Nothing here calls an answer generator to get an expected value: the formulas below are
written independently from the item texts.
"""
from __future__ import annotations

import math
import re
import subprocess
import sys
from collections import Counter
from typing import Any, Callable

import pytest

from studyapp.content.judging import blank_answer_text, judge, numeric_close
from studyapp.content.loader import load_library
from studyapp.content.model import Item
from studyapp.content.rendering import formulas_in, typeset
from studyapp.content.variants import instantiate
from studyapp.reference.registry import references

from tests.content import _content_checks as cc

LIBRARY = load_library(use_cache=False)
ITEMS: list[Item] = LIBRARY.items()
EXERCISES = LIBRARY.exercises()
BANKS = LIBRARY.banks
ITEM_BY_ID = {i.id: i for i in ITEMS}
EXERCISE_BY_ID = {e.id: e for e in EXERCISES}

SECTION_BANKS = ("cnn-review", "rnn", "bptt", "lstm", "gru", "clipping", "birnn", "seq2seq", "word2vec", "attention")
KINDS = ("single", "multi", "truefalse", "numeric", "text", "cloze")
SEEDS = range(20)


def _ids(items: list[Any]) -> list[str]:
    return [x.id for x in items]


def _by_kind(*kinds: str, parameterized: bool | None = None) -> list[Item]:
    return [i for i in ITEMS if i.kind in kinds and (parameterized is None or i.parameterized == parameterized)]


# ============================================================================ 1. validate


def test_validate_bundled_content_is_clean() -> None:
    run = subprocess.run([sys.executable, "-m", "studyapp", "validate", "--no-cache"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and not run.stdout.strip(), f"studyapp validate reported problems:\n{run.stdout}{run.stderr}"
    assert LIBRARY.problems == [], "\n".join(map(str, LIBRARY.problems))


# ============================================================================ 2. counts


def test_at_least_180_quiz_items() -> None:
    assert len(ITEMS) >= 180, f"only {len(ITEMS)} items"


@pytest.mark.parametrize("bank_id", SECTION_BANKS)
def test_section_bank_has_12_items(bank_id: str) -> None:
    bank = next((b for b in BANKS if b.id == bank_id), None)
    assert bank is not None, f"no bank {bank_id!r}"
    assert bank.item_count() >= 12, f"bank {bank_id} has {bank.item_count()} items (< 12)"


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_present(kind: str) -> None:
    assert any(i.kind == kind for i in ITEMS), f"no {kind} item"


def test_at_least_25_parameterized_items() -> None:
    n = sum(i.parameterized for i in ITEMS)
    assert n >= 25, f"{n} parameterized items"


def test_at_least_20_code_cloze_items() -> None:
    n = sum(i.kind == "cloze" and bool(i.code_language) for i in ITEMS)
    assert n >= 20, f"{n} code-cloze items"


def test_at_least_8_find_the_bug_items() -> None:
    n = sum(i.material == "find_the_bug" for i in ITEMS)
    assert n >= 8, f"{n} find-the-bug items"


@pytest.mark.parametrize("reference_id", sorted(references()))
def test_every_reference_has_an_exercise(reference_id: str) -> None:
    assert any(e.reference == reference_id for e in EXERCISES), f"no code exercise for reference {reference_id!r}"


# ============================================================================ 3. both languages


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_item_texts_in_both_languages(item: Item) -> None:
    problems: list[str] = []
    for field, text, required in cc.item_texts(item):
        # a code cloze's template and blank options are code, spliced into the program
        neutral_ok = bool(item.code_language) and (field == "template" or ".options[" in field)
        problems += cc.language_problems(field, text, required, neutral_ok=neutral_ok)
    assert not problems, f"{item.location} {item.id}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_exercise_texts_in_both_languages(exercise) -> None:
    problems: list[str] = []
    for field, text, required in cc.exercise_texts(exercise):
        problems += cc.language_problems(field, text, required)
    assert not problems, f"{exercise.location} {exercise.id}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("bank", BANKS, ids=_ids(BANKS))
def test_bank_and_section_titles_in_both_languages(bank) -> None:
    problems: list[str] = []
    for field, text, required in cc.bank_texts(bank):
        problems += cc.language_problems(field, text, required)
    assert not problems, f"{bank.path}:\n  " + "\n  ".join(problems)


# ============================================================================ 4. numeric answers


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# Written by reading each fixed numeric item's prompt: the numbers below are the prompt's.
FIXED_NUMERIC: dict[str, Callable[[], float]] = {
    # 5x5 input, 3x3 filter, stride 2, padding 1
    "cnn-review-confirm-5x5": lambda: (5 + 2 * 1 - 3) / 2 + 1,
    # 3 input channels, 16 filters 3x3, one bias each
    "cnn-review-param-count-fixed": lambda: 3 * 3 * 3 * 16 + 16,
    # ReLU RNN, w_in = 0.5, w = 2, b = 0, z0 = 0, x = (1, 2)
    "rnn-two-steps-fixed": lambda: (lambda z1: max(0.0, 0.5 * 2 + 2 * z1 + 0))(max(0.0, 0.5 * 1 + 2 * 0 + 0)),
    # D = 2, H = 16, O = 1, no biases
    "rnn-handson-param-count": lambda: 2 * 16 + 16 * 16 + 16 * 1,
    # randint(2**8 / 2) draws 0..127, twice
    "rnn-handson-max-sum": lambda: 2 * (int(2**8 / 2) - 1),
    # LSTM gates (input, forget, output) minus GRU gates (reset, update)
    "gru-gate-count": lambda: len(("input", "forget", "output")) - len(("reset", "update")),
    # two directions of H = 128 concatenated
    "birnn-output-width": lambda: 2 * 128,
    # one-hot over 20,000 tokens
    "seq2seq-onehot-zeros": lambda: 20000 - 1,
    # unigram (0.9, 0.1) ** 0.75, renormalized, rare word
    "word2vec-unigram-power": lambda: 0.1**0.75 / (0.9**0.75 + 0.1**0.75),
    # tanh'(x) = 1 - tanh(x)^2 is largest at x = 0
    "bptt-tanh-grad-max": lambda: max(1 - math.tanh(x / 100) ** 2 for x in range(-500, 501)),
    # sinusoidal positional encoding, component 0 (i = 0) at position 1: sin(1 / 10000^0)
    "attention-positional-encoding-value": lambda: math.sin(1 / 10000 ** (2 * 0 / 512)),
    # GRU: dL/da_z = dh * (h_hat - h_prev) * z (1 - z) with dh = 0.5, h_hat = 0.6, h_prev = -0.2, z = 0.3
    "gru-update-gate-gradient": lambda: 0.5 * (0.6 - (-0.2)) * 0.3 * (1 - 0.3),
    # cosine between (3, 4) and its value-clipped version (1, 1)
    "clipping-value-direction-change": lambda: (3 * 1 + 4 * 1) / (math.hypot(3, 4) * math.hypot(1, 1)),
    # negative sampling loss, s+ = 2, s- = (1, -1)
    "word2vec-negative-sampling-loss": lambda: -math.log(_sigmoid(2)) - math.log(_sigmoid(-1)) - math.log(_sigmoid(1)),
    # softmax over the visible scores (2, 1), first weight
    "attention-masked-softmax-value": lambda: math.exp(2) / (math.exp(2) + math.exp(1)),
    # delta through two tanh steps, w = 0.8, z_{t-1} = 0.5, z_{t-2} = -0.3
    "bptt-two-step-tanh-delta": lambda: 1 * 0.8 * (1 - 0.5**2) * 0.8 * (1 - (-0.3) ** 2),
    # CBOW: mean of (1, 2) and (3, 0), dot (1, 0.5)
    "word2vec-cbow-score": lambda: sum(a * b for a, b in zip([(1 + 3) / 2, (2 + 0) / 2], [1, 0.5])),
    # weights of shape (N, T) = (32, 10)
    "attention-weights-count": lambda: 32 * 10,
    # PyTorch nn.GRU(50, 128): 3 blocks, each D*H + H*H + two biases of size H
    "gru-pytorch-param-count": lambda: 3 * (50 * 128 + 128 * 128 + 2 * 128),
    # PyTorch layout minus course layout for GRU, H = 64: one extra bias of size H per block
    "gru-pytorch-bias-difference": lambda: 3 * (2 * 64) - 3 * 64,
    # PyTorch nn.LSTM(50, 128): 4 blocks, each D*H + H*H + two biases of size H
    "lstm-pytorch-param-count": lambda: 4 * (50 * 128 + 128 * 128 + 2 * 128),
}

FIXED_NUMERIC_ITEMS = _by_kind("numeric", parameterized=False)


def test_fixed_numeric_table_covers_every_fixed_numeric_item() -> None:
    have, need = set(FIXED_NUMERIC), set(_ids(FIXED_NUMERIC_ITEMS))
    assert have == need, f"write a recomputation for {sorted(need - have)}; drop stale entries {sorted(have - need)}"


def _numeric_problems(item: Item, true: float) -> list[str]:
    """The exact value must be judged right, and so must the value rounded as the prompt asks."""
    problems = []
    if not judge(item, repr(float(true))).correct:
        problems.append(f"answer {item.answer!r} but the value is {true!r} (tolerance abs={item.tolerance.abs}, rel={item.tolerance.rel})")
    k = cc.decimals_asked(item.prompt.get("en"))
    if k is not None and not problems:
        rounded = f"{true:.{k}f}"
        if not judge(item, rounded).correct:
            problems.append(f"the prompt asks for {k} decimals but {rounded} is judged wrong (answer {item.answer!r}, tolerance abs={item.tolerance.abs})")
    return problems


@pytest.mark.parametrize("item", FIXED_NUMERIC_ITEMS, ids=_ids(FIXED_NUMERIC_ITEMS))
def test_fixed_numeric_answer_recomputed(item: Item) -> None:
    if item.id not in FIXED_NUMERIC:
        pytest.fail(f"{item.id}: no entry in FIXED_NUMERIC: read the prompt and add its formula")
    problems = _numeric_problems(item, FIXED_NUMERIC[item.id]())
    assert not problems, f"{item.location} {item.id}: " + "; ".join(problems)


# ---- parameterized: one independent formula per generator, on the values the instance shows


def _n(v: dict[str, str], *names: str) -> list[float]:
    return [cc.number(v[name]) for name in names]


def _conv(v):
    n, f, s, p = _n(v, "n", "f", "s", "p")
    return (n + 2 * p - f) / s + 1


def _clip(v) -> list[float]:
    g = cc.vector(v["g"])
    thr = cc.number(v["threshold"])
    norm = math.sqrt(sum(a * a for a in g))
    return [a * thr / norm for a in g] if norm > thr else g


def _attention(v) -> tuple[list[float], list[list[float]]]:
    hs = [[float(a), float(b)] for a, b in re.findall(r"\((-?\d+),\s*(-?\d+)\)", v["hs"])]
    h = cc.vector(v["hvec"])
    assert len(hs) == 3 and len(h) == 2, v
    scores = [r[0] * h[0] + r[1] * h[1] for r in hs]
    e = [math.exp(s) for s in scores]
    weights = [x / sum(e) for x in e]
    return weights, hs


def _block(d: float, h: float) -> float:
    return d * h + h * h + h


def _rnn_total(v):
    d, h, o = _n(v, "d", "h", "o")
    return d * h + h * h + h + h * o + o


def _std(v):
    n = cc.number(v["n"])
    return math.sqrt(2 / n) if v["scheme"] == "He" else 1 / math.sqrt(n)


def _cosine(v):
    a, b = _n(v, "a1", "a2", "a3"), _n(v, "b1", "b2", "b3")
    return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def _softmax3(v):
    s = _n(v, "s1", "s2", "s3")
    return math.exp(s[0]) / sum(math.exp(x) for x in s)


def _scaled_dot(v):
    q = _n(v, "q1", "q2", "q3", "q4")
    k = _n(v, "k1", "k2", "k3", "k4")
    return sum(a * b for a, b in zip(q, k)) / math.sqrt(4)


def _three_step_grad(v) -> float:
    """dL/dw for L = h_3, h_t = w h_{t-1} + u x_t, h_0 = 0, by finite differences on the forward pass."""
    w, u, x1, x2 = _n(v, "w", "u", "x1", "x2")

    def loss(w_: float) -> float:
        h = 0.0
        for x in (x1, x2, 0.0):  # x_3 enters only through u x_3, which does not depend on w
            h = w_ * h + u * x
        return h

    eps = 1e-6
    return (loss(w + eps) - loss(w - eps)) / (2 * eps)


def _clip_then_step(v) -> float:
    g1, g2, theta, lr, w1 = _n(v, "g1", "g2", "theta", "lr", "w1")
    scale = min(1.0, theta / math.sqrt(g1 * g1 + g2 * g2))
    return w1 - lr * g1 * scale


# generator id -> (formula on the instance's shown values, abs display tolerance, rel display tolerance)
# The display tolerances only apply to single items, whose choices are shown rounded.
RECOMPUTE: dict[str, tuple[Callable[[dict[str, str]], Any], float, float]] = {
    "conv_output_size": (_conv, 0, 0),
    "conv_output_size_choices": (_conv, 0, 0),
    "conv_same_padding": (lambda v: (cc.number(v["f"]) - 1) / 2, 0, 0),
    "conv_param_count": (lambda v: (lambda f, ci, co: f * f * ci * co + co)(*_n(v, "f", "c_in", "c_out")), 0, 0),
    "rnn_hidden_step_tanh": (lambda v: (lambda wi, x, w, z0, b: math.tanh(wi * x + w * z0 + b))(*_n(v, "w_in", "x", "w", "z0", "b")), 0, 0),
    "rnn_output_step_sigmoid": (
        lambda v: (lambda wi, x, w, z0, wo, c: _sigmoid(wo * math.tanh(wi * x + w * z0) + c))(*_n(v, "w_in", "x", "w", "z0", "w_out", "c")),
        0,
        0,
    ),
    "rnn_param_count": (_rnn_total, 0, 0),
    "rnn_param_count_choices": (_rnn_total, 0, 0),
    "rnn_madds_per_step": (lambda v: (lambda d, h, o: d * h + h * h + h * o)(*_n(v, "d", "h", "o")), 0, 0),
    "init_std_choices": (_std, 6e-5, 0),
    "chain_rule_square_sum": (lambda v: 2 * sum(_n(v, "x", "y")), 0, 0),
    "sgd_update": (lambda v: (lambda w, lr, g: w - lr * g)(*_n(v, "w", "lr", "grad")), 0, 0),
    "bptt_scalar_delta": (lambda v: (lambda d, w, z: d * w * (1 - z * z))(*_n(v, "delta", "w", "z_prev")), 0, 0),
    "sigmoid_grad_value": (lambda v: _sigmoid(cc.number(v["x"])) * (1 - _sigmoid(cc.number(v["x"]))), 0, 0),
    "tanh_grad_value": (lambda v: 1 - math.tanh(cc.number(v["x"])) ** 2, 0, 0),
    "vanishing_product_choices": (lambda v: 0.25 ** cc.number(v["T"]), 0, 1e-3),
    "vanishing_product": (lambda v: (lambda w, g, t: (abs(w) * g) ** t)(*_n(v, "w", "g", "T")), 0, 0),
    "lstm_cell_scalar": (lambda v: (lambda f, c, g, i: f * c + g * i)(*_n(v, "f", "c_prev", "g", "i")), 0, 0),
    "lstm_hidden_scalar": (lambda v: (lambda f, c, g, i, o: o * math.tanh(f * c + g * i))(*_n(v, "f", "c_prev", "g", "i", "o")), 0, 0),
    "lstm_param_count": (lambda v: 4 * _block(*_n(v, "d", "h")), 0, 0),
    "gru_param_count": (lambda v: 3 * _block(*_n(v, "d", "h")), 0, 0),
    "gru_update_scalar": (lambda v: (lambda z, hp, ht: (1 - z) * hp + z * ht)(*_n(v, "z", "h_prev", "h_til")), 0, 0),
    "gru_candidate_width": (lambda v: sum(_n(v, "d", "h")), 0, 0),
    "lstm_gru_param_diff": (lambda v: _block(*_n(v, "d", "h")), 0, 0),
    "lstm_gru_param_ratio": (lambda v: 4 / 3, 0, 0),
    "exploding_factor": (lambda v: cc.number(v["w"]) ** cc.number(v["t"]), 0, 0),
    "clip_first_component": (lambda v: _clip(v)[0], 0, 0),
    "clip_result_norm": (lambda v: math.sqrt(sum(a * a for a in _clip(v))), 0, 0),
    "clip_vector_choice": (_clip, 6e-4, 0),
    "birnn_param_count": (lambda v: 2 * _block(*_n(v, "d", "h")), 0, 0),
    "birnn_output_layer_params": (lambda v: (lambda h, o: 2 * h * o + o)(*_n(v, "h", "o")), 0, 0),
    "seq2seq_encoder_params": (lambda v: (lambda vv, e, h: vv * e + _block(e, h))(*_n(v, "v", "e", "h")), 0, 0),
    "seq2seq_output_layer_params": (lambda v: (lambda h, vv: h * vv + vv)(*_n(v, "h", "v")), 0, 0),
    "w2v_total_params": (lambda v: 2 * cc.number(v["v"]) * cc.number(v["e"]), 0, 0),
    "w2v_embedding_memory": (lambda v: cc.number(v["v"]) * cc.number(v["e"]) * 4 / 1e6, 6e-4, 0),
    "w2v_cosine": (_cosine, 0, 0),
    "softmax_first_weight": (_softmax3, 0, 0),
    "softmax_max_weight_choice": (lambda v: (lambda s1, s2: 1 / (1 + math.exp(s2 - s1)))(*_n(v, "s1", "s2")), 6e-4, 0),
    "attention_weight_t": (lambda v: _attention(v)[0][2], 0, 0),
    "attention_context_component": (lambda v: (lambda w, hs: sum(w[t] * hs[t][0] for t in range(3)))(*_attention(v)), 0, 0),
    "scaled_dot_product_score": (_scaled_dot, 0, 0),
    "bptt_scalar_three_steps": (_three_step_grad, 0, 0),
    "lstm_backward_dc_prev": (
        lambda v: (lambda dh, dc, o, tc, f: (dc + dh * o * (1 - tc**2)) * f)(*_n(v, "dh", "dc", "o", "tc", "f")),
        0,
        0,
    ),
    "gru_step_with_reset": (
        lambda v: (lambda x, hp, wx, wh, r, z: (1 - z) * hp + z * math.tanh(wx * x + wh * r * hp))(*_n(v, "x", "h_prev", "wx", "wh", "r", "z")),
        0,
        0,
    ),
    "truncated_bptt_stored": (lambda v: math.prod(_n(v, "n", "k", "h")), 0, 0),
    "stacked_lstm_param_count": (lambda v: (lambda d, h: 4 * (d * h + h * h + h) + 4 * (h * h + h * h + h))(*_n(v, "d", "h")), 0, 0),
    "bilstm_param_count": (lambda v: (lambda d, h: 2 * 4 * (d * h + h * h + h))(*_n(v, "d", "h")), 0, 0),
    "beam_search_scored": (lambda v: math.prod(_n(v, "k", "v")), 0, 0),
    "causal_mask_count": (lambda v: sum(range(int(cc.number(v["t"])))), 0, 0),
    "multihead_head_dim": (lambda v: cc.number(v["d_model"]) / cc.number(v["heads"]), 0, 0),
    "self_attention_score_count": (lambda v: cc.number(v["t"]) ** 2, 0, 0),
    "perplexity_three_tokens": (lambda v: math.prod(_n(v, "p1", "p2", "p3")) ** (-1 / 3), 0, 0),
    "lstm_two_step_cell": (
        lambda v: (lambda c0, f1, i1, g1, f2, i2, g2: f2 * (f1 * c0 + i1 * g1) + i2 * g2)(*_n(v, "c0", "f1", "i1", "g1", "f2", "i2", "g2")),
        0,
        0,
    ),
    "clip_then_step": (_clip_then_step, 0, 0),
    "steps_until_vanish": (lambda v: math.floor(cc.number(v["k"]) * math.log(10) / -math.log(cc.number(v["q"]))) + 1, 0, 0),
    "multihead_param_count": (lambda v: (lambda d: 3 * d * d + 3 * d + d * d + d)(cc.number(v["d_model"])), 0, 0),
    "general_score_2d": (
        lambda v: (lambda h1, h2, a1, a2, w11, w12, w21, w22: h1 * w11 * a1 + h1 * w12 * a2 + h2 * w21 * a1 + h2 * w22 * a2)(
            *_n(v, "h1", "h2", "a1", "a2", "w11", "w12", "w21", "w22")
        ),
        0,
        0,
    ),
    "gru_pytorch_param_count": (lambda v: (lambda d, h: 3 * d * h + 3 * h * h + 6 * h)(*_n(v, "d", "h")), 0, 0),
    "bleu_brevity_penalty": (lambda v: (lambda c, r: 1.0 if c > r else math.exp(1 - r / c))(*_n(v, "c", "r")), 0, 0),
}

PARAMETERIZED = [i for i in ITEMS if i.parameterized]


def test_recompute_table_covers_every_generator_used() -> None:
    used = {i.generator for i in PARAMETERIZED}
    assert used <= set(RECOMPUTE), f"write an independent formula for generators {sorted(used - set(RECOMPUTE))}"


def _choice_value(text: str) -> Any:
    """The value a generated choice shows: a number, or a vector '(a, b)'; units dropped."""
    text = text.strip()
    if text.startswith("("):
        return cc.vector(text)
    return cc.number(text.split()[0])


def _matches(shown: Any, true: Any, abs_tol: float, rel_tol: float) -> bool:
    if isinstance(true, list):
        return isinstance(shown, list) and len(shown) == len(true) and all(_matches(a, b, abs_tol, rel_tol) for a, b in zip(shown, true))
    if isinstance(shown, list):
        return False
    return numeric_close(float(shown), float(true), abs_tol, rel_tol)


def _left_placeholders(inst: Item) -> list[str]:
    found = []
    for field, lang, s in cc.all_strings(inst):
        for m in cc.PLACEHOLDER_ANY.finditer(s):
            if field == "template" and cc.BLANK.fullmatch(m.group(0)):
                continue
            found.append(f"{field}[{lang}]: {m.group(0)}")
    return found


@pytest.mark.parametrize("item", PARAMETERIZED, ids=_ids(PARAMETERIZED))
def test_parameterized_instances(item: Item) -> None:
    formula, abs_tol, rel_tol = RECOMPUTE.get(item.generator, (None, 0, 0))
    assert formula is not None, f"no independent formula for generator {item.generator!r}"
    problems: list[str] = []
    for seed in SEEDS:
        inst = instantiate(item, seed)
        values = cc.instance_values(inst)
        where = f"seed {seed} {values}"
        left = _left_placeholders(inst)
        if left:
            problems.append(f"{where}: placeholders left: {left}")
        true = formula(values)
        if item.kind == "numeric":
            problems += [f"{where}: {p}" for p in _numeric_problems(inst, true)]
        elif item.kind == "single":
            shown = [c.text.get("en") for c in inst.choices]
            if len(set(shown)) != len(shown):
                problems.append(f"{where}: duplicate choices {shown}")
            if not (isinstance(inst.answer, int) and 0 <= inst.answer < len(shown)):
                problems.append(f"{where}: answer index {inst.answer!r} not among {len(shown)} choices")
                continue
            if len(shown) < 3:
                problems.append(f"{where}: only {len(shown)} choices {shown}")
            parsed = [_choice_value(s) for s in shown]
            if not _matches(parsed[inst.answer], true, abs_tol, rel_tol):
                problems.append(f"{where}: right choice {shown[inst.answer]!r} but the value is {true!r}")
            others = [s for k, (s, p) in enumerate(zip(shown, parsed)) if k != inst.answer and _matches(p, true, abs_tol, rel_tol)]
            if others:
                problems.append(f"{where}: distractors {others} also equal the value {true!r}")
        else:
            problems.append(f"{where}: no recomputation written for kind {item.kind}")
    assert not problems, f"{item.location} {item.id} ({item.generator}):\n  " + "\n  ".join(problems[:8]) + (
        f"\n  ... {len(problems) - 8} more" if len(problems) > 8 else ""
    )


FIXED_ITEMS = [i for i in ITEMS if not i.parameterized]


@pytest.mark.parametrize("item", FIXED_ITEMS, ids=_ids(FIXED_ITEMS))
def test_fixed_item_has_no_placeholders(item: Item) -> None:
    left = _left_placeholders(item)
    assert not left, f"{item.location} {item.id}: {{{{name}}}} placeholders in an item without parameters: {left}"


# ============================================================================ 5. code checks


@pytest.fixture(scope="module")
def grader():
    from studyapp.grading.grader import Grader

    g = Grader(library=LIBRARY).start()
    yield g
    g.close()


def _verdict_text(v) -> str:
    failed = [c for c in v.cases if not c.passed][:2]
    detail = v.error.kind + ": " + v.error.message if v.error else "; ".join(f"{c.name}: {c.message}" for c in failed)
    return f"{v.status} ({detail})"


VERIFIED_CLOZES = [i for i in ITEMS if i.kind == "cloze" and i.verify and i.verify.get("exercise")]


def _splice(item: Item, fills: dict[int, str]) -> str:
    template = item.template.get("en")
    return re.sub(r"\{\{\s*(\d+)\s*\}\}", lambda m: fills[int(m.group(1))], template)


@pytest.mark.parametrize("item", VERIFIED_CLOZES, ids=_ids(VERIFIED_CLOZES))
def test_code_cloze_answers_pass_and_wrong_fills_fail(item: Item, grader) -> None:
    exercise = EXERCISE_BY_ID.get(item.verify["exercise"])
    assert exercise is not None, f"{item.id}: verify.exercise {item.verify['exercise']!r} does not exist"
    right = _splice(item, {b.number: blank_answer_text(b) for b in item.blanks})
    verdict = grader.grade(exercise, right)
    assert verdict.passed, f"{item.location} {item.id}: template with the accepted answers does not pass {exercise.id}: {_verdict_text(verdict)}\n{right}"
    wrong = _splice(item, {b.number: "None" for b in item.blanks})
    verdict = grader.grade(exercise, wrong)
    assert not verdict.passed, f"{item.location} {item.id}: template with every blank = None still passes {exercise.id}"


FIND_THE_BUG = [i for i in ITEMS if i.material == "find_the_bug"]
VERIFIED_BUGS = [i for i in FIND_THE_BUG if i.verify and i.verify.get("fixed") and i.verify.get("buggy")]


@pytest.mark.parametrize("item", VERIFIED_BUGS, ids=_ids(VERIFIED_BUGS))
def test_find_the_bug_fixed_passes_buggy_fails(item: Item, grader) -> None:
    exercise = EXERCISE_BY_ID.get(item.verify["exercise"])
    assert exercise is not None, f"{item.id}: verify.exercise {item.verify['exercise']!r} does not exist"
    fixed = grader.grade(exercise, item.verify["fixed"])
    assert fixed.passed, f"{item.location} {item.id}: verify.fixed does not pass {exercise.id}: {_verdict_text(fixed)}"
    buggy = grader.grade(exercise, item.verify["buggy"])
    assert not buggy.passed, f"{item.location} {item.id}: verify.buggy passes {exercise.id}: the bug is not a bug for the grader"


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_exercise_solution_passes_starter_fails(exercise, grader) -> None:
    solution = grader.grade(exercise, exercise.solution)
    assert solution.passed, f"{exercise.location} {exercise.id}: solution does not pass: {_verdict_text(solution)}"
    starter = grader.grade(exercise, exercise.starter)
    assert not starter.passed, f"{exercise.location} {exercise.id}: the starter already passes"


# ============================================================================ 6. formulas


def _formula_failures(texts) -> list[str]:
    bad = []
    for field, lang, s in texts:
        for tex in formulas_in(s):
            if typeset(tex) is None:
                bad.append(f"{field}[{lang}]: ${tex}$")
    return bad


def _item_strings_for_formulas(item: Item):
    inst = instantiate(item, 0)
    for field, lang, s in cc.all_strings(inst):
        if field == "template" and inst.code_language:
            continue  # shown as a code block, no math
        yield field, lang, s


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_item_formulas_typeset(item: Item) -> None:
    bad = _formula_failures(_item_strings_for_formulas(item))
    assert not bad, f"{item.location} {item.id}: mathtext cannot typeset:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_exercise_formulas_typeset(exercise) -> None:
    texts = [(f, lang, s) for f, t, _ in cc.exercise_texts(exercise) for lang, s in t.values.items()]
    bad = _formula_failures(texts)
    assert not bad, f"{exercise.location} {exercise.id}: mathtext cannot typeset:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("bank", BANKS, ids=_ids(BANKS))
def test_bank_formulas_typeset(bank) -> None:
    texts = [(f, lang, s) for f, t, _ in cc.bank_texts(bank) for lang, s in t.values.items()]
    bad = _formula_failures(texts)
    assert not bad, f"{bank.path}: mathtext cannot typeset:\n  " + "\n  ".join(bad)


# ============================================================================ 7. choice items

CHOICE_ITEMS = _by_kind("single", "multi", "truefalse")
SINGLE_MULTI = _by_kind("single", "multi")
MIN_EXPLANATION_EN = 120
MIN_EXPLANATION_JA = 50


@pytest.mark.parametrize("item", CHOICE_ITEMS, ids=_ids(CHOICE_ITEMS))
def test_choice_item_has_explanation(item: Item) -> None:
    missing = [lang for lang in ("en", "ja") if not item.explanation.values.get(lang, item.explanation.values.get("*", "")).strip()]
    assert not missing, f"{item.location} {item.id}: no explanation in {missing}"


@pytest.mark.parametrize("item", SINGLE_MULTI, ids=_ids(SINGLE_MULTI))
def test_distractors_are_discussed(item: Item) -> None:
    if item.parameterized:
        wrong_without_feedback = ["(generated distractors carry no feedback)"]
    else:
        right = {item.answer} if item.kind == "single" else set(item.answer)
        wrong_without_feedback = [k for k, c in enumerate(item.choices) if k not in right and not c.feedback.values]
    if not wrong_without_feedback:
        return
    en, ja = item.explanation.get("en"), item.explanation.get("ja")
    long_enough = len(en.strip()) >= MIN_EXPLANATION_EN and len(ja.strip()) >= MIN_EXPLANATION_JA
    assert long_enough, (
        f"{item.location} {item.id}: wrong choices {wrong_without_feedback} have no feedback and the explanation is short "
        f"(en {len(en.strip())} chars < {MIN_EXPLANATION_EN} or ja {len(ja.strip())} chars < {MIN_EXPLANATION_JA}): "
        "add feedback to each wrong choice or discuss the distractors in the explanation"
    )


# ============================================================================ summary (for the report)


def content_summary() -> dict[str, Counter]:
    """Counts per bank: items, per kind, parameterized, code-cloze, find-the-bug."""
    out: dict[str, Counter] = {}
    for bank in BANKS:
        c: Counter = Counter()
        for i in bank.items():
            c["items"] += 1
            c[i.kind] += 1
            c["parameterized"] += i.parameterized
            c["code_cloze"] += i.kind == "cloze" and bool(i.code_language)
            c["find_the_bug"] += i.material == "find_the_bug"
        out[bank.id] = c
    return out


PARAMETERIZED_SINGLE = [i for i in PARAMETERIZED if i.kind == "single"]


@pytest.mark.parametrize("item", PARAMETERIZED_SINGLE, ids=_ids(PARAMETERIZED_SINGLE))
def test_parameterized_choices_never_collapse(item: Item) -> None:
    """Every draw shows the same number of distinct choices: no parameter value lets two distractors coincide."""
    counts = {len({c.text.get("en") for c in instantiate(item, seed).choices}) for seed in range(60)}
    assert len(counts) == 1, f"{item.id}: the number of distinct choices varies over seeds: {sorted(counts)}"
