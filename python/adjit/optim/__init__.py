"""adjit.optim: the optimizers of the C++ API (PyTorch's update rules).

``SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)``
and ``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)``
and ``AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
weight_decay=1e-2)`` (decoupled weight decay, eager only) take any iterable
of tensors, e.g. ``model.parameters()``. ``SGDOptions`` and
``AdamOptions`` hold the same options for ``adjit.jit.TrainStep``.
"""

from ._adjit.optim import (  # noqa: F401
    Optimizer, SGD, Adam, AdamW, SGDOptions, AdamOptions, AdamWOptions)

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "SGDOptions", "AdamOptions",
           "AdamWOptions"]
