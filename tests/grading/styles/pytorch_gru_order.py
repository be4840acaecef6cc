# style: PyTorch nn.GRU weight layout: blocks read as r, z, n (reset first) instead of this exercise's z, r, h
# exercise: gru_cell_forward
# expect: gru_gate_blocks_swapped
import numpy as np


def gru_cell_forward(x, h_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    gx, gh = x @ Wx + b, h_prev @ Wh
    s = lambda v: 1 / (1 + np.exp(-v))
    r = s(gx[:, :H] + gh[:, :H])
    z = s(gx[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gx[:, 2 * H:] + (r * h_prev) @ Wh[:, 2 * H:])
    return (1 - z) * h_prev + z * n
