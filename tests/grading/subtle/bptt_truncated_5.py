# wrong: carries the gradient back only 5 steps from the end
# exercise: rnn_backward
# exposed by: long sequence (T=12)
import numpy as np


def rnn_backward(xs, h0, Wx, Wh, b, dhs):
    N, T, D = xs.shape
    hs, h = [], h0
    for t in range(T):
        h = np.tanh(xs[:, t] @ Wx + h @ Wh + b)
        hs.append(h)
    dxs = np.zeros_like(xs)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh = np.zeros_like(h0)
    for t in reversed(range(T)):
        if T - t > 5:
            dh = np.zeros_like(dh)
        dt = (dhs[:, t] + dh) * (1 - hs[t] ** 2)
        prev = hs[t - 1] if t else h0
        dWx += xs[:, t].T @ dt
        dWh += prev.T @ dt
        db += dt.sum(0)
        dxs[:, t] = dt @ Wx.T
        dh = dt @ Wh.T
    return dxs, dh, dWx, dWh, db
