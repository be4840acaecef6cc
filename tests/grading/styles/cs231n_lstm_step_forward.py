# style: CS231n lstm_step_forward: activation vector a split as i, f, o, g (another convention than this exercise's)
# exercise: lstm_cell_forward
# expect: lstm_gate_order
# message: CS231n
import numpy as np


def sigmoid(x):
    pos = x >= 0
    z = np.exp(np.where(pos, -x, x))
    return np.where(pos, 1 / (1 + z), z / (1 + z))


def lstm_cell_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x.dot(Wx) + h_prev.dot(Wh) + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * c_prev + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c
