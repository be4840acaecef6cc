# style: min-char-rnn lossFun backward: dhnext carried, dhraw = (1 - hs[t] * hs[t]) * dh, dWhh += dhraw @ hs[t-1].T
# exercise: rnn_backward
# expect: pass
import numpy as np


def rnn_backward(xs, h0, Wx, Wh, b, dhs):
    N, T, D = xs.shape
    hs = {-1: h0.T}
    for t in range(T):
        hs[t] = np.tanh(np.dot(Wx.T, xs[:, t, :].T) + np.dot(Wh.T, hs[t - 1]) + b.reshape(-1, 1))
    dWxh, dWhh, dbh = np.zeros_like(Wx.T), np.zeros_like(Wh.T), np.zeros((b.size, 1))
    dhnext = np.zeros_like(hs[0])
    dxs = np.zeros_like(xs)
    for t in reversed(range(T)):
        dh = dhs[:, t, :].T + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        dbh += dhraw.sum(axis=1, keepdims=True)
        dWxh += np.dot(dhraw, xs[:, t, :])
        dWhh += np.dot(dhraw, hs[t - 1].T)
        dxs[:, t, :] = np.dot(Wx, dhraw).T
        dhnext = np.dot(Wh, dhraw)
    return dxs, dhnext.T, dWxh.T, dWhh.T, dbh.ravel()
