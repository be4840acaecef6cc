# style: d2l grad_clipping: norm = sqrt(sum of squares); if norm > theta, scale by theta / norm (on a copy here)
# exercise: gradient_clipping
# expect: pass
import numpy as np


def gradient_clipping(grad, threshold):
    params = [grad.copy()]
    norm = np.sqrt(sum(np.sum(p ** 2) for p in params))
    if norm > threshold:
        for p in params:
            p[:] *= threshold / norm
    return params[0]
