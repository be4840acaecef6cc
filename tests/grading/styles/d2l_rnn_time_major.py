# style: d2l rnn(): inputs iterated time-major ("for X in inputs"), outputs collected in a list and stacked
# exercise: rnn_forward
# expect: pass
import numpy as np


def rnn_forward(xs, h0, Wx, Wh, b):
    H_state = h0
    outputs = []
    for X in np.transpose(xs, (1, 0, 2)):
        H_state = np.tanh(X @ Wx + H_state @ Wh + b)
        outputs.append(H_state)
    return np.stack(outputs, axis=1)
