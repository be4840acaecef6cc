# style: Deep Learning from Scratch 2 TimeRNN.backward: dh starts at 0, per-layer grads summed in a list
# exercise: rnn_backward
# expect: pass
import numpy as np


def _step(x, h_prev, Wx, Wh, b):
    return np.tanh(np.dot(h_prev, Wh) + np.dot(x, Wx) + b)


def rnn_backward(xs, h0, Wx, Wh, b, dhs):
    N, T, D = xs.shape
    caches, h = [], h0
    for t in range(T):
        h_next = _step(xs[:, t, :], h, Wx, Wh, b)
        caches.append((xs[:, t, :], h, h_next))
        h = h_next
    dxs = np.empty((N, T, D))
    dh = 0
    grads = [0, 0, 0]
    for t in reversed(range(T)):
        x, h_prev, h_next = caches[t]
        dt = (dhs[:, t, :] + dh) * (1 - h_next ** 2)
        for k, g in enumerate((np.dot(x.T, dt), np.dot(h_prev.T, dt), np.sum(dt, axis=0))):
            grads[k] += g
        dxs[:, t, :] = np.dot(dt, Wx.T)
        dh = np.dot(dt, Wh.T)
    return (dxs, dh, *grads)
