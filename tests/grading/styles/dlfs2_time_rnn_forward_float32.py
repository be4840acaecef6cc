# style: Deep Learning from Scratch 2 TimeRNN: one cell object per step, hs buffer allocated as float32 (dtype='f')
# exercise: rnn_forward
# expect: pass
import numpy as np


class Cell:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]

    def forward(self, x, h):
        Wx, Wh, b = self.params
        return np.tanh(np.dot(h, Wh) + np.dot(x, Wx) + b)


def rnn_forward(xs, h0, Wx, Wh, b):
    N, T, D = xs.shape
    H = Wh.shape[0]
    hs = np.empty((N, T, H), dtype='f')
    layers, h = [], h0
    for t in range(T):
        layer = Cell(Wx, Wh, b)
        h = layer.forward(xs[:, t, :], h)
        hs[:, t, :] = h
        layers.append(layer)
    return hs
