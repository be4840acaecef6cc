# wrong: the backward RNN's states are not reversed back into time order
# exercise: birnn_forward
# exposed by: example
import numpy as np


def _run(xs, Wx, Wh, b):
    h = np.zeros((xs.shape[0], Wh.shape[0]))
    out = []
    for t in range(xs.shape[1]):
        h = np.tanh(xs[:, t] @ Wx + h @ Wh + b)
        out.append(h)
    return np.stack(out, 1)


def birnn_forward(xs, Wx_f, Wh_f, b_f, Wx_b, Wh_b, b_b):
    return np.concatenate((_run(xs, Wx_f, Wh_f, b_f), _run(xs[:, ::-1], Wx_b, Wh_b, b_b)), axis=-1)
