"""adjit.nn.utils: gradient clipping."""

from .._adjit._nn_utils import clip_grad_norm_  # noqa: F401

__all__ = ["clip_grad_norm_"]
