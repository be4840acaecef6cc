# style: CS231n rnn_step_backward: the cache tuple is unpacked and dtanh is 1 - next_h**2
# exercise: rnn_cell_backward
# expect: pass
import numpy as np


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dtanh = dnext_h * (1 - next_h ** 2)
    return dtanh.dot(Wx.T), dtanh.dot(Wh.T), x.T.dot(dtanh), prev_h.T.dot(dtanh), dtanh.sum(axis=0)


def rnn_cell_backward(x, h_prev, Wx, Wh, b, dh_next):
    next_h = np.tanh(h_prev.dot(Wh) + x.dot(Wx) + b)
    return rnn_step_backward(dh_next, (x, h_prev, Wx, Wh, next_h))
