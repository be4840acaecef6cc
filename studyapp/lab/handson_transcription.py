"""Direct transcription of the notes' hands-on ``3_1_simple_RNN`` (binary addition with a bias-free RNN).

Kept line for line (same arrays, same per-step reshapes, same helper functions
as ``common/functions.py``) so that the benchmark has an honest baseline and a
test can show that the original recipe learns the task. Changes, all without
effect on the numbers:

* the global ``np.random`` is replaced by ``np.random.RandomState(seed)``,
  drawing in the same order (``W_in``, ``W_out``, ``W``, then ``a``, ``b`` per
  iteration), so ``seed`` reproduces ``np.random.seed(seed)`` + the hands-on;
* ``randint(largest_number/2)`` gets an ``int`` (newer NumPy rejects floats);
* printing is replaced by collecting the per-iteration loss and correctness;
  no plotting.

Note the hands-on's output delta uses ``d_sigmoid(y)`` (the sigmoid derivative
evaluated at the *output* y rather than at the pre-activation); this quirk is
kept here. :mod:`studyapp.lab.binary_addition` uses the exact derivative
``y(1 - y)`` by default and can reproduce the quirk with
``output_derivative="handson"``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


# --- common/functions.py of the notes (the parts the hands-on uses) ---------------------------
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def d_sigmoid(x):
    dx = (1.0 - sigmoid(x)) * sigmoid(x)
    return dx


def mean_squared_error(d, y):
    return np.mean(np.square(d - y)) / 2


def d_mean_squared_error(d, y):
    if type(d) == np.ndarray:
        batch_size = d.shape[0]
        dx = (y - d) / batch_size
    else:
        dx = y - d
    return dx


@dataclass
class TranscriptionResult:
    losses: list[float] = field(default_factory=list)  # all_loss of every iteration
    correct: list[bool] = field(default_factory=list)  # out_int == a + b, every iteration
    all_losses: list[float] = field(default_factory=list)  # the hands-on's plotted values (every plot_interval)

    def accuracy(self, last: int = 1000) -> float:
        tail = self.correct[-last:]
        return sum(tail) / len(tail) if tail else 0.0


def run(iters_num: int = 10000, seed: int = 0, hidden_layer_size: int = 16, weight_init_std: float = 1,
        learning_rate: float = 0.1, plot_interval: int = 100) -> TranscriptionResult:
    """The hands-on loop, sigmoid hidden layer, normal × weight_init_std initialization."""
    rng = np.random.RandomState(seed)
    result = TranscriptionResult()

    binary_dim = 8
    largest_number = pow(2, binary_dim)
    binary = np.unpackbits(np.array([range(largest_number)], dtype=np.uint8).T, axis=1)
    input_layer_size = 2
    output_layer_size = 1

    # ウェイト初期化 (バイアスは簡単のため省略)
    W_in = weight_init_std * rng.randn(input_layer_size, hidden_layer_size)
    W_out = weight_init_std * rng.randn(hidden_layer_size, output_layer_size)
    W = weight_init_std * rng.randn(hidden_layer_size, hidden_layer_size)

    # 勾配
    W_in_grad = np.zeros_like(W_in)
    W_out_grad = np.zeros_like(W_out)
    W_grad = np.zeros_like(W)

    u = np.zeros((hidden_layer_size, binary_dim + 1))
    z = np.zeros((hidden_layer_size, binary_dim + 1))
    y = np.zeros((output_layer_size, binary_dim))

    delta_out = np.zeros((output_layer_size, binary_dim))
    delta = np.zeros((hidden_layer_size, binary_dim + 1))

    for i in range(iters_num):
        # A, B初期化 (a + b = d)
        a_int = rng.randint(int(largest_number / 2))
        a_bin = binary[a_int]  # binary encoding
        b_int = rng.randint(int(largest_number / 2))
        b_bin = binary[b_int]  # binary encoding

        # 正解データ
        d_int = a_int + b_int
        d_bin = binary[d_int]

        # 出力バイナリ
        out_bin = np.zeros_like(d_bin)

        # 時系列全体の誤差
        all_loss = 0

        # 時系列ループ
        for t in range(binary_dim):
            # 入力値
            X = np.array([a_bin[- t - 1], b_bin[- t - 1]]).reshape(1, -1)
            # 時刻tにおける正解データ
            dd = np.array([d_bin[binary_dim - t - 1]])

            u[:, t + 1] = np.dot(X, W_in) + np.dot(z[:, t].reshape(1, -1), W)
            z[:, t + 1] = sigmoid(u[:, t + 1])
            y[:, t] = sigmoid(np.dot(z[:, t + 1].reshape(1, -1), W_out))

            # 誤差
            loss = mean_squared_error(dd, y[:, t])
            delta_out[:, t] = d_mean_squared_error(dd, y[:, t]) * d_sigmoid(y[:, t])
            all_loss += loss
            out_bin[binary_dim - t - 1] = np.round(y[:, t])[0]

        for t in range(binary_dim)[::-1]:
            X = np.array([a_bin[-t - 1], b_bin[-t - 1]]).reshape(1, -1)

            delta[:, t] = (np.dot(delta[:, t + 1].T, W.T) + np.dot(delta_out[:, t].T, W_out.T)) * d_sigmoid(u[:, t + 1])

            # 勾配更新
            W_out_grad += np.dot(z[:, t + 1].reshape(-1, 1), delta_out[:, t].reshape(-1, 1))
            W_grad += np.dot(z[:, t].reshape(-1, 1), delta[:, t].reshape(1, -1))
            W_in_grad += np.dot(X.T, delta[:, t].reshape(1, -1))

        # 勾配適用
        W_in -= learning_rate * W_in_grad
        W_out -= learning_rate * W_out_grad
        W -= learning_rate * W_grad

        W_in_grad *= 0
        W_out_grad *= 0
        W_grad *= 0

        out_int = 0
        for index, x in enumerate(reversed(out_bin)):
            out_int += x * pow(2, index)
        result.losses.append(float(all_loss))
        result.correct.append(bool(out_int == d_int))
        if i % plot_interval == 0:
            result.all_losses.append(float(all_loss))
    return result
