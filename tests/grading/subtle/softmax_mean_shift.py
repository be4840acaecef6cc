# wrong: subtracts the row mean instead of the max; exp overflows once max - mean > 709
# exercise: softmax
# exposed by: scores ±600 (max − mean > 709)
import numpy as np


def softmax(x):
    e = np.exp(x - x.mean(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
