# style: CS231n softmax_loss: shifted_logits = x - max, probs = exp / sum, keepdims everywhere
# exercise: softmax
# expect: pass
import numpy as np


def softmax(x):
    shifted_logits = x - np.max(x, axis=-1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=-1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    return np.exp(log_probs)
