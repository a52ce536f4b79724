"""adjit.nn.functional: the functional ops and losses of the C++ API."""

from .._adjit import _nn

__all__ = [
    "mse_loss", "cross_entropy", "binary_cross_entropy_with_logits",
    "softmax", "log_softmax", "relu", "tanh", "sigmoid", "linear",
]


def mse_loss(input, target, reduction="mean"):
    """Mean (or sum, or none) of squared differences; shapes must match."""
    return _nn.mse_loss(input, target, reduction)


def cross_entropy(input, target, reduction="mean"):
    """Cross entropy of logits [N, C] with int64 class targets [N]."""
    return _nn.cross_entropy(input, target, reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """Binary cross entropy of logits against targets in [0, 1]."""
    return _nn.binary_cross_entropy_with_logits(input, target, reduction)


def softmax(input, dim):
    return _nn.softmax(input, dim)


def log_softmax(input, dim):
    return _nn.log_softmax(input, dim)


def relu(input):
    return input.relu()


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


def linear(input, weight, bias=None):
    """input @ weight.T + bias."""
    output = input.matmul(weight.t())
    return output if bias is None else output + bias
