# wrong: clips every pre-activation to ±5 "for stability"
# exercise: gru_cell_forward
# exposed by: saturated gates (|a| up to 20, |c| >= 5)
import numpy as np


def gru_cell_forward(x, h_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    s = lambda v: 1 / (1 + np.exp(-np.clip(v, -5, 5)))
    ax, ah = x @ Wx + b, h_prev @ Wh
    z = s(ax[:, :H] + ah[:, :H])
    r = s(ax[:, H:2 * H] + ah[:, H:2 * H])
    h_hat = np.tanh(np.clip(ax[:, 2 * H:] + (r * h_prev) @ Wh[:, 2 * H:], -5, 5))
    return (1 - z) * h_prev + z * h_hat
