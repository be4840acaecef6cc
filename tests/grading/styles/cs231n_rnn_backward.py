# style: CS231n rnn_backward: dprev_h carried back and added to dh[:, t, :], gradients accumulated with +=
# exercise: rnn_backward
# expect: pass
import numpy as np


def rnn_backward(xs, h0, Wx, Wh, b, dhs):
    N, T, D = xs.shape
    H = h0.shape[1]
    hs, prev = [], h0
    for t in range(T):
        prev = np.tanh(prev.dot(Wh) + xs[:, t, :].dot(Wx) + b)
        hs.append(prev)
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dprev_h = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        prev_h = hs[t - 1] if t > 0 else h0
        dtanh = (dhs[:, t, :] + dprev_h) * (1 - hs[t] ** 2)
        dx[:, t, :] = dtanh.dot(Wx.T)
        dprev_h = dtanh.dot(Wh.T)
        dWx += xs[:, t, :].T.dot(dtanh)
        dWh += prev_h.T.dot(dtanh)
        db += dtanh.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db
