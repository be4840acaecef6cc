# wrong: rescales grad in place (the statement asks for a new array)
# exercise: gradient_clipping
# exposed by: norm above the threshold
import numpy as np


def gradient_clipping(grad, threshold):
    norm = np.linalg.norm(grad)
    if norm > threshold:
        grad *= threshold / norm
    return grad
