# style: Deep Learning from Scratch 2: backward reads the forward cache; grads written with [...] into the layer
# exercise: rnn_cell_backward
# expect: pass
import numpy as np


class RNNLayer:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params
        out = np.tanh(np.dot(h_prev, Wh) + np.dot(x, Wx) + b)
        self.cache = (x, h_prev, out)
        return out

    def backward(self, dh_next):
        Wx, Wh, _ = self.params
        x, h_prev, h_next = self.cache
        dt = dh_next * (1 - h_next ** 2)
        self.grads[0][...] = np.dot(x.T, dt)
        self.grads[1][...] = np.dot(h_prev.T, dt)
        self.grads[2][...] = dt.sum(axis=0)
        return np.dot(dt, Wx.T), np.dot(dt, Wh.T)


def rnn_cell_backward(x, h_prev, Wx, Wh, b, dh_next):
    layer = RNNLayer(Wx, Wh, b)
    layer.forward(x, h_prev)
    dx, dh_prev = layer.backward(dh_next)
    dWx, dWh, db = layer.grads
    return dx, dh_prev, dWx, dWh, db
