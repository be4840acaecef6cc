# wrong: the softmax over the scores skips the max shift the statement requires
# exercise: attention_forward
# exposed by: large scores (1e4 above the rest)
import numpy as np


def attention_forward(hs, h):
    s = np.einsum("nth,nh->nt", hs, h)
    w = np.exp(s)
    w = w / w.sum(axis=1, keepdims=True)
    return np.einsum("nt,nth->nh", w, hs), w
