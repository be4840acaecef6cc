# wrong: no max shift, hidden by computing in long double (exp overflows there only above about 11356)
# exercise: softmax
# exposed by: huge scores (3e4, beyond long double)
import numpy as np


def softmax(x):
    e = np.exp(x.astype(np.longdouble))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float64)
