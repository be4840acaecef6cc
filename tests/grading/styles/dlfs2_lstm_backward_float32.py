# style: Deep Learning from Scratch 2 LSTM.backward, run entirely in float32 as its GPU-friendly layers do
# exercise: lstm_cell_backward
# expect: pass
import numpy as np


def lstm_cell_backward(x, h_prev, c_prev, Wx, Wh, b, dh_next, dc_next):
    x, h_prev, c_prev, Wx, Wh, b, dh_next, dc_next = (
        a.astype(np.float32) for a in (x, h_prev, c_prev, Wx, Wh, b, dh_next, dc_next))
    H = h_prev.shape[1]
    sig = lambda a: 1 / (1 + np.exp(-a))
    A = np.dot(x, Wx) + np.dot(h_prev, Wh) + b
    f, g, i, o = sig(A[:, :H]), np.tanh(A[:, H:2 * H]), sig(A[:, 2 * H:3 * H]), sig(A[:, 3 * H:])
    c_next = f * c_prev + g * i
    tanh_c = np.tanh(c_next)
    ds = dc_next + (dh_next * o) * (1 - tanh_c ** 2)
    dc_prev = ds * f
    df = ds * c_prev * f * (1 - f)
    dg = ds * i * (1 - g ** 2)
    di = ds * g * i * (1 - i)
    do = dh_next * tanh_c * o * (1 - o)
    dA = np.hstack((df, dg, di, do))
    return np.dot(dA, Wx.T), np.dot(dA, Wh.T), dc_prev, np.dot(x.T, dA), np.dot(h_prev.T, dA), dA.sum(axis=0)
