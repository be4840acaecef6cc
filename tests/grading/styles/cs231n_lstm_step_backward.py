# style: CS231n lstm_step_backward: da stacked back as (di, df, do, dg), i.e. the i, f, o, g layout
# exercise: lstm_cell_backward
# expect: lstm_gate_order
# message: CS231n
import numpy as np


def lstm_cell_backward(x, h_prev, c_prev, Wx, Wh, b, dh_next, dc_next):
    H = h_prev.shape[1]
    sig = lambda v: 1 / (1 + np.exp(-v))
    a = x.dot(Wx) + h_prev.dot(Wh) + b
    i, f, o, g = sig(a[:, :H]), sig(a[:, H:2 * H]), sig(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
    next_c = f * c_prev + i * g
    tc = np.tanh(next_c)
    dnext_c = dc_next + dh_next * o * (1 - tc ** 2)
    di, df, do, dg = dnext_c * g, dnext_c * c_prev, dh_next * tc, dnext_c * i
    da = np.hstack((di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g ** 2)))
    return da.dot(Wx.T), da.dot(Wh.T), dnext_c * f, x.T.dot(da), h_prev.T.dot(da), da.sum(axis=0)
