# wrong: sigma(x) * (1 - x) instead of sigma(x) * (1 - sigma(x))
# exercise: sigmoid_grad
# exposed by: example
import numpy as np


def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - x)
