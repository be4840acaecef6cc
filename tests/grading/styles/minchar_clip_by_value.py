# style: min-char-rnn: np.clip(dparam, -5, 5, out=dparam) clips every entry by value (with threshold in place of 5)
# exercise: gradient_clipping
# expect: clip_by_value
import numpy as np


def gradient_clipping(grad, threshold):
    dparam = grad.copy()
    np.clip(dparam, -threshold, threshold, out=dparam)
    return dparam
