# style: d2l DotProductAttention: scores = Q K^T / sqrt(d), then a masked softmax over the keys
# exercise: attention_forward
# expect: attention_scaled
import math

import numpy as np


def attention_forward(hs, h):
    d = h.shape[-1]
    scores = np.einsum("nh,nth->nt", h, hs) / math.sqrt(d)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return np.einsum("nt,nth->nh", w, hs), w
