# style: d2l (Dive into Deep Learning) GRU from scratch: separate W_xz, W_hz, ... and H = Z * H + (1 - Z) * H_tilde
# exercise: gru_cell_forward
# expect: gru_update_swapped
import numpy as np


def sigmoid(X):
    return 1 / (1 + np.exp(-X))


def gru_cell_forward(x, h_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    W_xz, W_xr, W_xh = (Wx[:, k * H:(k + 1) * H] for k in range(3))
    W_hz, W_hr, W_hh = (Wh[:, k * H:(k + 1) * H] for k in range(3))
    b_z, b_r, b_h = (b[k * H:(k + 1) * H] for k in range(3))
    Z = sigmoid(x @ W_xz + h_prev @ W_hz + b_z)
    R = sigmoid(x @ W_xr + h_prev @ W_hr + b_r)
    H_tilde = np.tanh(x @ W_xh + (R * h_prev) @ W_hh + b_h)
    return Z * h_prev + (1 - Z) * H_tilde
