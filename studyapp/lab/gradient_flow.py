"""Gradient flow through time in RNN, LSTM and GRU cells on a long-dependency toy task.

Task ("remember the first value"): a sequence of T steps with two input
channels: a value channel holding v ~ U(−1, 1) at step 1 and, with
``distractors=True`` (the default), fresh U(−1, 1) noise at every later step;
and a marker channel that is 1 at step 1 and 0 after. A linear read-out of
the last hidden state must reproduce v: ŷ = h_T W_y + b_y, L = mean over the
batch of (ŷ − v)² / 2. The only useful gradient for the weights is the one
that travels from step T back to step 1. (With ``distractors=False`` the
value channel is 0 after step 1; that variant is easy for a plain RNN, whose
recurrence can stay near-linear, and shows no vanishing after training.)

For each cell we record ‖∂L/∂h_t‖ (Frobenius norm over a fixed evaluation
batch) for t = 1..T, at initialization and after training with Adam; the
curve divided by its value at t = T shows how much of the signal survives
the trip back. The cells' forward and backward passes are the bundled
reference cells (:mod:`studyapp.reference.rnn`, ``lstm``, ``gru``); this
module only chains them through time and trains them.

Initialization (also written on the plot, see :func:`init_note`): input
weights N(0, 1/D), recurrent weights N(0, 1/H), biases 0, except the LSTM's
forget-gate bias = 1 (the usual recommendation, Jozefowicz et al. 2015) and
the GRU's update-gate bias = −1, the same "keep" prior: in the reference GRU
h = (1 − z)⊙h_prev + z⊙h̃, so (1 − z) starts at σ(1) ≈ 0.73 like the LSTM's
forget gate. (With the GRU bias at 0, (1 − z) starts at 0.5 and, at T = 50,
0.5⁴⁹ leaves nothing to learn from: see the lab report.) Read-out N(0, 1/H).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from studyapp.reference.gru import gru_cell_backward, gru_cell_forward
from studyapp.reference.lstm import lstm_cell_backward, lstm_cell_forward
from studyapp.reference.rnn import rnn_cell_backward, rnn_cell_forward

CELLS = ("rnn", "lstm", "gru")
CELL_NAMES = {"rnn": "RNN (tanh)", "lstm": "LSTM", "gru": "GRU"}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


@dataclass(frozen=True)
class FlowSettings:
    cells: tuple[str, ...] = CELLS
    steps: int = 50  # sequence length T
    hidden_size: int = 16
    batch_size: int = 32
    train_steps: int = 300
    learning_rate: float = 0.01  # Adam
    forget_bias: float = 1.0  # LSTM forget gate
    gru_update_bias: float = -1.0  # GRU update gate z (h = (1 − z) h_prev + z h̃)
    distractors: bool = True  # noise in the value channel after step 1
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = [c for c in self.cells if c not in CELLS]
        if unknown or not self.cells:
            raise ValueError(f"cells must be among {', '.join(CELLS)}, got {', '.join(self.cells) or 'none'}")
        if self.steps < 2 or self.hidden_size < 1 or self.batch_size < 1 or self.train_steps < 0:
            raise ValueError("steps must be ≥ 2; hidden_size and batch_size ≥ 1; train_steps ≥ 0")


def init_note(settings: FlowSettings, language: str = "en") -> str:
    """One line describing the initialization and training, for the plot."""
    s = settings
    if language == "ja":
        noise = "ステップ2以降は雑音入力あり" if s.distractors else "ステップ2以降の入力は0"
        return (f"初期化: 入力重み N(0, 1/D)、再帰重み N(0, 1/H)、バイアス 0（LSTM 忘却ゲート {s.forget_bias:g}、GRU 更新ゲート z {s.gru_update_bias:g}）\n"
                f"H={s.hidden_size}, T={s.steps}, {noise}, 学習: Adam lr={s.learning_rate:g}, {s.train_steps} 回 × バッチ {s.batch_size}, seed {s.seed}")
    noise = "noise inputs after step 1" if s.distractors else "zero inputs after step 1"
    return (f"Init: input weights N(0, 1/D), recurrent N(0, 1/H), biases 0 except LSTM forget gate {s.forget_bias:g}, GRU update gate z {s.gru_update_bias:g}\n"
            f"H={s.hidden_size}, T={s.steps}, {noise}; trained with Adam lr={s.learning_rate:g}, {s.train_steps} steps × batch {s.batch_size}, seed {s.seed}")


@dataclass
class CellFlow:
    cell: str
    before: np.ndarray  # ‖∂L/∂h_t‖, t = 1..T, at initialization
    after: np.ndarray  # the same after training
    loss_before: float
    loss_after: float
    losses: list[float] = field(default_factory=list)  # training loss per step
    seconds: float = 0.0

    @staticmethod
    def _ratio(norms: np.ndarray) -> float:
        return float(norms[0] / norms[-1]) if norms[-1] > 0 else float("nan")

    @property
    def ratio_before(self) -> float:
        """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at initialization."""
        return self._ratio(self.before)

    @property
    def ratio_after(self) -> float:
        """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ after training."""
        return self._ratio(self.after)


@dataclass
class FlowResult:
    settings: FlowSettings
    flows: dict[str, CellFlow]

    def summary(self) -> dict[str, Any]:
        return {
            "steps": self.settings.steps,
            "cells": {
                name: {"ratio_before": f.ratio_before, "ratio_after": f.ratio_after,
                       "loss_before": f.loss_before, "loss_after": f.loss_after,
                       "norms_before": [float(v) for v in f.before], "norms_after": [float(v) for v in f.after]}
                for name, f in self.flows.items()
            },
        }


# --- the task ------------------------------------------------------------------------------------

INPUTS = 2  # value channel, marker channel


def make_batch(rng: np.random.Generator, batch_size: int, steps: int, distractors: bool = True
               ) -> tuple[np.ndarray, np.ndarray]:
    """xs (N,T,2): value channel (v at step 1, then noise or 0) and marker channel (1 at step 1); targets v (N,1)."""
    xs = np.zeros((batch_size, steps, INPUTS))
    if distractors:
        xs[:, :, 0] = rng.uniform(-1.0, 1.0, size=(batch_size, steps))
    else:
        xs[:, 0, 0] = rng.uniform(-1.0, 1.0, size=batch_size)
    xs[:, 0, 1] = 1.0
    return xs, xs[:, 0, :1].copy()


def init_params(cell: str, hidden: int, inputs: int, rng: np.random.Generator, forget_bias: float = 1.0,
                gru_update_bias: float = -1.0) -> dict[str, np.ndarray]:
    k = GATES[cell]
    params = {
        "Wx": rng.normal(0.0, 1.0 / np.sqrt(inputs), size=(inputs, k * hidden)),
        "Wh": rng.normal(0.0, 1.0 / np.sqrt(hidden), size=(hidden, k * hidden)),
        "b": np.zeros(k * hidden),
        "Wy": rng.normal(0.0, 1.0 / np.sqrt(hidden), size=(hidden, 1)),
        "by": np.zeros(1),
    }
    if cell == "lstm":  # packed gate order f, g, i, o
        params["b"][:hidden] = forget_bias
    if cell == "gru":  # packed gate order z, r, h̃
        params["b"][:hidden] = gru_update_bias
    return params


def forward(cell: str, params: dict[str, np.ndarray], xs: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """States (h_t, c_t) for t = 0..T (t = 0 is the zero initial state; c is unused outside the LSTM)."""
    N, T, _ = xs.shape
    H = params["Wh"].shape[0]
    h = np.zeros((N, H))
    c = np.zeros((N, H))
    states = [(h, c)]
    Wx, Wh, b = params["Wx"], params["Wh"], params["b"]
    for t in range(T):
        x = xs[:, t, :]
        if cell == "rnn":
            h = rnn_cell_forward(x, h, Wx, Wh, b)
        elif cell == "lstm":
            h, c = lstm_cell_forward(x, h, c, Wx, Wh, b)
        else:
            h = gru_cell_forward(x, h, Wx, Wh, b)
        states.append((h, c))
    return states


def loss_and_grads(cell: str, params: dict[str, np.ndarray], xs: np.ndarray, v: np.ndarray
                   ) -> tuple[float, dict[str, np.ndarray], np.ndarray]:
    """Loss, parameter gradients and ‖∂L/∂h_t‖ for t = 1..T (BPTT through the reference cells)."""
    N, T, _ = xs.shape
    states = forward(cell, params, xs)
    h_T = states[-1][0]
    y = h_T @ params["Wy"] + params["by"]
    err = y - v
    loss = float(0.5 * np.mean(np.sum(err**2, axis=1)))
    dy = err / N
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    grads["Wy"] = h_T.T @ dy
    grads["by"] = dy.sum(axis=0)
    dh = dy @ params["Wy"].T
    dc = np.zeros_like(dh)
    norms = np.empty(T)
    Wx, Wh, b = params["Wx"], params["Wh"], params["b"]
    for t in range(T, 0, -1):  # dh is ∂L/∂h_t here (total, through every later step)
        norms[t - 1] = np.linalg.norm(dh)
        h_prev, c_prev = states[t - 1]
        x = xs[:, t - 1, :]
        if cell == "rnn":
            _dx, dh, dWx, dWh, db = rnn_cell_backward(x, h_prev, Wx, Wh, b, dh)
        elif cell == "lstm":
            _dx, dh, dc, dWx, dWh, db = lstm_cell_backward(x, h_prev, c_prev, Wx, Wh, b, dh, dc)
        else:
            _dx, dh, dWx, dWh, db = gru_cell_backward(x, h_prev, Wx, Wh, b, dh)
        grads["Wx"] += dWx
        grads["Wh"] += dWh
        grads["b"] += db
    return loss, grads, norms


class Adam:
    def __init__(self, lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}
        self.t = 0

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self.t += 1
        for name, g in grads.items():
            m = self.m.setdefault(name, np.zeros_like(g))
            v = self.v.setdefault(name, np.zeros_like(g))
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            m_hat = m / (1 - self.beta1**self.t)
            v_hat = v / (1 - self.beta2**self.t)
            params[name] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def run_cell(cell: str, settings: FlowSettings, cancel: Any = None,
             progress: Callable[[str, int, float], None] | None = None) -> CellFlow:
    """Norms before and after training one cell (same seed → same data for every cell)."""
    start = time.perf_counter()
    rng = np.random.default_rng([settings.seed, CELLS.index(cell)])
    params = init_params(cell, settings.hidden_size, INPUTS, rng, settings.forget_bias, settings.gru_update_bias)
    data_rng = np.random.default_rng([settings.seed, 99])
    eval_xs, eval_v = make_batch(data_rng, 256, settings.steps, settings.distractors)
    loss_before, _g, before = loss_and_grads(cell, params, eval_xs, eval_v)
    optimizer = Adam(settings.learning_rate)
    losses = []
    for step in range(settings.train_steps):
        if cancel is not None and (cancel.is_set() if hasattr(cancel, "is_set") else cancel()):
            break
        xs, v = make_batch(data_rng, settings.batch_size, settings.steps, settings.distractors)
        loss, grads, _n = loss_and_grads(cell, params, xs, v)
        optimizer.update(params, grads)
        losses.append(loss)
        if progress is not None:
            progress(cell, step + 1, loss)
    loss_after, _g, after = loss_and_grads(cell, params, eval_xs, eval_v)
    return CellFlow(cell, before, after, loss_before, loss_after, losses, time.perf_counter() - start)


def run(settings: FlowSettings | None = None, cancel: Any = None,
        progress: Callable[[str, int, float], None] | None = None) -> FlowResult:
    settings = settings or FlowSettings()
    return FlowResult(settings, {cell: run_cell(cell, settings, cancel, progress) for cell in settings.cells})


# --- plotting (matplotlib, no Qt) --------------------------------------------------------------------

TEXT = {
    "title": {"en": "Gradient flow: ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ (task: reproduce x₁ at step T={T})",
              "ja": "勾配の流れ: ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖（課題: ステップ1の値をステップ T={T} で再現）"},
    "before": {"en": "at initialization", "ja": "初期化直後"},
    "after": {"en": "after training", "ja": "学習後"},
    "xlabel": {"en": "time step t", "ja": "時刻 t"},
    "ylabel": {"en": "relative gradient norm (log)", "ja": "勾配ノルムの相対値（対数）"},
    "loss": {"en": "loss {before:.3g} → {after:.2g}", "ja": "損失 {before:.3g} → {after:.2g}"},
}
COLORS = {"rnn": "#c44e52", "lstm": "#4c72b0", "gru": "#55a868"}


def draw(figure: Any, result: FlowResult, language: str = "en") -> None:
    """Two panels (initialization, after training) on ``figure``; one line per cell."""
    lang = language if language in ("en", "ja") else "en"
    T = result.settings.steps
    axes = figure.subplots(1, 2, sharey=True)
    t = np.arange(1, T + 1)
    for ax, when in zip(axes, ("before", "after")):
        for name, flow in result.flows.items():
            norms = getattr(flow, when)
            rel = norms / norms[-1] if norms[-1] > 0 else norms
            label = CELL_NAMES[name]
            if when == "after":
                label += f" ({TEXT['loss'][lang].format(before=flow.loss_before, after=flow.loss_after)})"
            ax.semilogy(t, np.maximum(rel, 1e-300), color=COLORS[name], linewidth=1.6, label=label)
        ax.set_title(TEXT[when][lang])
        ax.set_xlabel(TEXT["xlabel"][lang])
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="lower right", frameon=False)
    axes[0].set_ylabel(TEXT["ylabel"][lang])
    figure.suptitle(TEXT["title"][lang].format(T=T), fontsize=11)
    figure.supxlabel(init_note(result.settings, lang), fontsize=7.5, alpha=0.75)  # the theme's text colour, dimmed


def save_plot(result: FlowResult, path: Any, language: str = "en", dpi: int = 110) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10.5, 4.6), dpi=dpi, layout="constrained")
    draw(figure, result, language)
    figure.savefig(path, format="png", dpi=dpi)
