# style: min-char-rnn: column vectors, h = tanh(Wxh @ x + Whh @ h + bh) with weights stored (out, in)
# exercise: rnn_cell_forward
# expect: pass
import numpy as np


def rnn_cell_forward(x, h_prev, Wx, Wh, b):
    Wxh, Whh, bh = Wx.T, Wh.T, b.reshape(-1, 1)
    hs = np.tanh(np.dot(Wxh, x.T) + np.dot(Whh, h_prev.T) + bh)
    return hs.T
