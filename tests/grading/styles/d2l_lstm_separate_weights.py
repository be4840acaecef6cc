# style: d2l LSTM from scratch: gates read as I, F, O and the candidate C_tilde last
# exercise: lstm_cell_forward
# expect: lstm_gate_order
# message: i, f, o, g
import numpy as np


def lstm_cell_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    blocks = [(Wx[:, k * H:(k + 1) * H], Wh[:, k * H:(k + 1) * H], b[k * H:(k + 1) * H]) for k in range(4)]
    (W_xi, W_hi, b_i), (W_xf, W_hf, b_f), (W_xo, W_ho, b_o), (W_xc, W_hc, b_c) = blocks
    sig = lambda v: 1 / (1 + np.exp(-v))
    I = sig(x @ W_xi + h_prev @ W_hi + b_i)
    F = sig(x @ W_xf + h_prev @ W_hf + b_f)
    O = sig(x @ W_xo + h_prev @ W_ho + b_o)
    C_tilde = np.tanh(x @ W_xc + h_prev @ W_hc + b_c)
    C = F * c_prev + I * C_tilde
    return O * np.tanh(C), C
