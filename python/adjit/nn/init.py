"""adjit.nn.init: in-place initialization without recording autograd."""

from .._adjit import _nn

__all__ = ["uniform_", "normal_", "zeros_", "ones_", "constant_"]


def uniform_(tensor, a=0.0, b=1.0):
    return _nn.uniform_(tensor, a, b)


def normal_(tensor, mean=0.0, std=1.0):
    return _nn.normal_(tensor, mean, std)


def constant_(tensor, val):
    from .._grad_mode import no_grad

    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)
