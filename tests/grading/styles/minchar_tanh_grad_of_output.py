# style: min-char-rnn's (1 - h * h), the tanh derivative written for the output h, applied here to the input x
# exercise: tanh_grad
# expect: tanh_grad_of_output
def tanh_grad(x):
    return 1 - x * x
