"""Known mistakes generated mechanically, and semantic ones that reuse a reference body.

Mechanical families: every wrong gate-block order of the packed LSTM (23) and
GRU (5) matrices, forward and backward; swapped outputs of the same shape;
a transposed square recurrent matrix. Semantic mistakes call the reference
with one switch turned (``functools.partial``), so no reference body is copied.
"""
from __future__ import annotations

import functools
import itertools
from typing import Any, Callable

import numpy as np

from studyapp.reference.activations import softmax
from studyapp.reference.attention import attention_forward
from studyapp.reference.birnn import birnn_forward
from studyapp.reference.clipping import gradient_clipping
from studyapp.reference.gru import ORDER as GRU_ORDER
from studyapp.reference.gru import gru_cell_backward, gru_cell_forward
from studyapp.reference.lstm import ORDER as LSTM_ORDER
from studyapp.reference.lstm import lstm_cell_backward, lstm_cell_forward
from studyapp.reference.rnn import rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward
from studyapp.reference._common import sigmoid
from studyapp.reference.registry import Mutant, add_mutant

LSTM_ORDER_NAMES = {("i", "f", "o", "g"): ("CS231n's and d2l's order", "CS231n や d2l の順"),
                    ("i", "f", "g", "o"): ("PyTorch's order", "PyTorch の順")}
GRU_ORDER_NAMES = {("r", "z", "h"): ("PyTorch's order r, z, n", "PyTorch の順 r, z, n")}


def _order_label(order: tuple[str, ...], known: dict, language: str) -> str:
    text = ", ".join(order)
    names = known.get(order)
    if not names:
        return text
    return f"{text} ({names[0]})" if language == "en" else f"{text}（{names[1]}）"


def _register_gate_orders() -> None:
    for ref_id, fn in (("lstm_cell_forward", lstm_cell_forward), ("lstm_cell_backward", lstm_cell_backward)):
        for order in itertools.permutations(LSTM_ORDER):
            if order == LSTM_ORDER:
                continue
            add_mutant(Mutant(
                "lstm_gate_order", ref_id, functools.partial(fn, order=order),
                "Reads the four gate blocks as {order} instead of f, g, i, o.",
                "4 つのゲートのブロックを f, g, i, o ではなく {order_ja} の順で読んでいます。",
                key=f"lstm_gate_order:{ref_id}:{','.join(order)}",
                params={"order": _order_label(order, LSTM_ORDER_NAMES, "en"),
                        "order_ja": _order_label(order, LSTM_ORDER_NAMES, "ja")}))
    for ref_id, fn in (("gru_cell_forward", gru_cell_forward), ("gru_cell_backward", gru_cell_backward)):
        for order in itertools.permutations(GRU_ORDER):
            if order == GRU_ORDER or (ref_id == "gru_cell_forward" and order == ("r", "z", "h")):
                continue  # the forward r, z swap is the hand-written gru_gate_blocks_swapped in mutants.py
            add_mutant(Mutant(
                "gru_gate_blocks_swapped", ref_id, functools.partial(fn, order=order),
                "Reads the three weight blocks as {order} instead of z, r, h̃.",
                "3 つの重みブロックを z, r, h̃ ではなく {order_ja} の順で読んでいます。",
                key=f"gru_gate_blocks_swapped:{ref_id}:{','.join(order)}",
                params={"order": _order_label(order, GRU_ORDER_NAMES, "en"),
                        "order_ja": _order_label(order, GRU_ORDER_NAMES, "ja")}))


def _swapped(fn: Callable, i: int, j: int) -> Callable:
    def wrong(*args: Any) -> tuple:
        out = list(fn(*args))
        out[i], out[j] = out[j], out[i]
        return tuple(out)
    return wrong


# outputs that always share a shape, so returning them in each other's place is a plausible slip
SWAPPABLE = {
    "lstm_cell_forward": (("h_next", "c_next"),),
    "lstm_cell_backward": (("dh_prev", "dc_prev"),),
    "attention_forward": (),
}
_OUTPUTS = {"lstm_cell_forward": ("h_next", "c_next"),
            "lstm_cell_backward": ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")}


def _register_swaps() -> None:
    fns = {"lstm_cell_forward": lstm_cell_forward, "lstm_cell_backward": lstm_cell_backward}
    for ref_id, pairs in SWAPPABLE.items():
        for a, b in pairs:
            names = _OUTPUTS[ref_id]
            add_mutant(Mutant(
                "swapped_outputs", ref_id, _swapped(fns[ref_id], names.index(a), names.index(b)),
                "Returns {a} and {b} in each other's place.", "{a} と {b} を入れ替えて返しています。",
                key=f"swapped_outputs:{ref_id}:{a},{b}", params={"a": a, "b": b}))


def _with_transposed(fn: Callable, names: tuple[str, ...], targets: tuple[str, ...]) -> Callable:
    idx = [names.index(t) for t in targets]

    def wrong(*args: Any) -> Any:
        args = list(args)
        for k in idx:
            args[k] = np.asarray(args[k], dtype=np.float64).T
        return fn(*args)
    return wrong


def _register_transposed() -> None:
    for ref_id, fn, names, targets in (
        ("rnn_cell_forward", rnn_cell_forward, ("x", "h_prev", "Wx", "Wh", "b"), ("Wh",)),
        ("rnn_forward", rnn_forward, ("xs", "h0", "Wx", "Wh", "b"), ("Wh",)),
        ("birnn_forward", birnn_forward, ("xs", "Wx_f", "Wh_f", "b_f", "Wx_b", "Wh_b", "b_b"), ("Wh_f", "Wh_b")),
    ):
        add_mutant(Mutant(
            "transposed_weights", ref_id, _with_transposed(fn, names, targets),
            "Multiplies by the transpose of {w} (h_prev @ {w}.T) instead of {w} itself.",
            "{w} そのものではなく転置 {w}.T を掛けています（h_prev @ {w}.T）。",
            key=f"transposed_weights:{ref_id}", params={"w": ", ".join(targets)}))


SWITCHED: tuple[tuple[str, str, Callable, str, str], ...] = (
    ("sigmoid_grad_times_input", "sigmoid_grad",
     lambda x: sigmoid(x) * (1.0 - np.asarray(x, dtype=np.float64)),
     "Computes σ(x)(1 − x): the second factor must be 1 − σ(x), not 1 − x.",
     "σ(x)(1 − x) を計算しています。2 つ目の因子は 1 − x ではなく 1 − σ(x) です。"),
    ("tanh_grad_of_output", "tanh_grad", lambda x: 1.0 - np.asarray(x, dtype=np.float64) ** 2,
     "Computes 1 − x², the formula in terms of the output y = tanh(x), applied to the input x.",
     "出力 y = tanh(x) 用の式 1 − y² を入力 x にそのまま適用して 1 − x² を計算しています。"),
    ("tanh_grad_not_squared", "tanh_grad", lambda x: 1.0 - np.tanh(np.asarray(x, dtype=np.float64)),
     "Computes 1 − tanh(x): the tanh must be squared.", "1 − tanh(x) を計算しています。tanh を 2 乗する必要があります。"),
    ("softmax_mean_shift", "softmax", functools.partial(softmax, shift="mean"),
     "Subtracts the mean instead of the maximum before exp, so scores far above the mean still overflow.",
     "exp の前に最大値ではなく平均を引いているため、平均より大きく離れた値でオーバーフローします。"),
    ("clip_by_value", "gradient_clipping", functools.partial(gradient_clipping, by_value=True),
     "Clips each element to ±threshold instead of rescaling the whole gradient by its L2 norm.",
     "勾配全体を L2 ノルムで縮小するのではなく、各要素を ±しきい値で切り詰めています。"),
    ("rnn_no_bias", "rnn_cell_forward", functools.partial(rnn_cell_forward, bias=False),
     "Leaves out the bias b.", "バイアス b を足していません。"),
    ("rnn_tanh_grad_of_prev", "rnn_cell_backward", functools.partial(rnn_cell_backward, tanh_grad_of="h_prev"),
     "Uses 1 − h_prev² for the tanh derivative; it must be 1 − h_next², from this step's output.",
     "tanh の微分に 1 − h_prev² を使っています。この時刻の出力から 1 − h_next² とする必要があります。"),
    ("rnn_no_tanh_grad", "rnn_cell_backward", functools.partial(rnn_cell_backward, tanh_grad_of="none"),
     "Passes dh_next straight through tanh without multiplying by 1 − h_next².",
     "dh_next に 1 − h_next² を掛けずに tanh をそのまま通しています。"),
    ("rnn_forward_no_carry", "rnn_forward", functools.partial(rnn_forward, carry=False),
     "Starts every step from h0 instead of the previous step's state.",
     "各時刻で前の時刻の状態ではなく h0 から計算しています。"),
    ("rnn_forward_stores_previous", "rnn_forward", functools.partial(rnn_forward, store="previous"),
     "Stores the state from before each step, so hs is shifted by one step.",
     "各時刻の計算前の状態を保存しているため、hs が 1 時刻ずれています。"),
    ("lstm_backward_no_dc_from_h", "lstm_cell_backward", functools.partial(lstm_cell_backward, through_h=False),
     "Leaves out the gradient reaching c_next through h_next = o⊙tanh(c_next).",
     "h_next = o⊙tanh(c_next) を通って c_next に届く勾配を足していません。"),
    ("gru_backward_update_swapped", "gru_cell_backward", functools.partial(gru_cell_backward, update_swapped=True),
     "Differentiates h_next = z⊙h_prev + (1 − z)⊙h̃: the roles of z and 1 − z are swapped.",
     "h_next = z⊙h_prev + (1 − z)⊙h̃ を微分しています。z と 1 − z の役割が逆です。"),
    ("birnn_not_flipped_back", "birnn_forward", functools.partial(birnn_forward, flip_back=False),
     "Does not flip the backward RNN's states back, so position t holds the state of position T−1−t.",
     "逆方向 RNN の状態を反転して戻していないため、位置 t に位置 T−1−t の状態が入っています。"),
    ("birnn_not_reversed", "birnn_forward", functools.partial(birnn_forward, read_backward=False),
     "The backward RNN reads the sequence forward, like the forward one.",
     "逆方向の RNN も系列を順方向に読んでいます。"),
    ("attention_scaled", "attention_forward", functools.partial(attention_forward, scaled=True),
     "Divides the scores by √H (scaled dot-product attention); this exercise uses plain dot products.",
     "スコアを √H で割っています（スケール付き内積注意）。この演習では単純な内積を使います。"),
    ("attention_no_max_shift", "attention_forward", functools.partial(attention_forward, shift="none"),
     "Does not subtract the maximum score before exp, so large scores overflow and give NaN.",
     "exp の前に最大スコアを引いていないため、大きなスコアでオーバーフローして NaN になります。"),
)


def _register_switched() -> None:
    for mid, ref_id, fn, en, ja in SWITCHED:
        add_mutant(Mutant(mid, ref_id, fn, en, ja))


def _register_truncated() -> None:
    for window in (2, 3, 5, 8):  # a window of 1 is bptt_no_carry
        add_mutant(Mutant(
            "bptt_truncated", "rnn_backward", functools.partial(rnn_backward, window=window),
            "Stops carrying the gradient back after {steps} steps (truncated BPTT); the exercise asks for the full sum.",
            "{steps} 時刻で勾配の逆伝播を打ち切っています（打ち切り BPTT）。この演習では全時刻分を足します。",
            key=f"bptt_truncated:{window}", params={"steps": window}))


_register_gate_orders()
_register_swaps()
_register_transposed()
_register_switched()
_register_truncated()
