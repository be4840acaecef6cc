# style: Deep Learning from Scratch 2 LSTM: one packed affine A, sliced f, g, i, o; sigmoid as 1 / (1 + exp(-x))
# exercise: lstm_cell_forward
# expect: pass
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_cell_forward(x, h_prev, c_prev, Wx, Wh, b):
    N, H = h_prev.shape
    A = np.dot(x, Wx) + np.dot(h_prev, Wh) + b
    f = sigmoid(A[:, :H])
    g = np.tanh(A[:, H:2 * H])
    i = sigmoid(A[:, 2 * H:3 * H])
    o = sigmoid(A[:, 3 * H:])
    c_next = f * c_prev + g * i
    h_next = o * np.tanh(c_next)
    return h_next, c_next
