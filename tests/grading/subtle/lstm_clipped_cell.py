# wrong: clips the cell state to ±3
# exercise: lstm_cell_forward
# exposed by: saturated gates (|a| up to 20, |c| >= 5)
import numpy as np


def lstm_cell_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    A = x @ Wx + h_prev @ Wh + b
    s = lambda v: 1 / (1 + np.exp(-v))
    f, g, i, o = s(A[:, :H]), np.tanh(A[:, H:2 * H]), s(A[:, 2 * H:3 * H]), s(A[:, 3 * H:])
    c = np.clip(f * c_prev + g * i, -3, 3)
    return o * np.tanh(c), c
