# style: CS231n assignment 3 rnn_step_forward: prev_h.dot(Wh) + x.dot(Wx) + b, returning (next_h, cache) internally
# exercise: rnn_cell_forward
# expect: pass
import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_cell_forward(x, h_prev, Wx, Wh, b):
    next_h, _ = rnn_step_forward(x, h_prev, Wx, Wh, b)
    return next_h
