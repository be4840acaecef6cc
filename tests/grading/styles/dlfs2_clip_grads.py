# style: Deep Learning from Scratch 2 common/util.py clip_grads: rate = max_norm / (total_norm + 1e-6), on a copy
# exercise: gradient_clipping
# expect: pass
import numpy as np


def gradient_clipping(grad, threshold):
    grads = [grad.copy()]
    total_norm = 0
    for g in grads:
        total_norm += np.sum(g ** 2)
    total_norm = np.sqrt(total_norm)
    rate = threshold / (total_norm + 1e-6)
    if rate < 1:
        for g in grads:
            g *= rate
    return grads[0]
