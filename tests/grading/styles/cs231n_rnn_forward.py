# style: CS231n rnn_forward: batch-first (N, T, D), h = np.zeros((N, T, H)) filled step by step with a cache list
# exercise: rnn_forward
# expect: pass
import numpy as np


def rnn_forward(xs, h0, Wx, Wh, b):
    N, T, _ = xs.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h, cache = h0, []
    for t in range(T):
        prev_h = np.tanh(prev_h.dot(Wh) + xs[:, t, :].dot(Wx) + b)
        h[:, t, :] = prev_h
        cache.append(prev_h)
    return h
