# style: Deep Learning from Scratch 2 TimeBiLSTM: reversed input through the second layer, output reversed back
# exercise: birnn_forward
# expect: pass
import numpy as np


def _time_rnn(xs, Wx, Wh, b):
    N, T, _ = xs.shape
    h = np.zeros((N, Wh.shape[0]))
    hs = np.empty((N, T, Wh.shape[0]))
    for t in range(T):
        h = np.tanh(np.dot(h, Wh) + np.dot(xs[:, t, :], Wx) + b)
        hs[:, t, :] = h
    return hs


def birnn_forward(xs, Wx_f, Wh_f, b_f, Wx_b, Wh_b, b_b):
    o1 = _time_rnn(xs, Wx_f, Wh_f, b_f)
    o2 = _time_rnn(xs[:, ::-1], Wx_b, Wh_b, b_b)[:, ::-1]
    return np.concatenate((o1, o2), axis=2)
