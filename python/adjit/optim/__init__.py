"""adjit.optim: the optimizers of the C++ API (PyTorch's update rules).

``SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)``
and ``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)``
and ``AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
weight_decay=1e-2)`` (decoupled weight decay) take any iterable of tensors,
e.g. ``model.parameters()``, or, as in PyTorch, a list of parameter-group
dicts whose keys other than ``"params"`` override the defaults for that
group: ``AdamW([{"params": weights}, {"params": biases, "weight_decay":
0.0}], lr=1e-3)``. ``optimizer.param_groups`` lists the groups as dict-like
views: ``group["lr"] = x`` sets a group's learning rate for the following
steps; ``add_param_group(dict)`` adds one. ``SGDOptions``, ``AdamOptions``
and ``AdamWOptions`` hold the options for ``adjit.jit.TrainStep``, which also
takes an optimizer. ``adjit.optim.lr_scheduler`` has the schedules.
"""

from .._adjit.optim import (  # noqa: F401
    Optimizer, SGD, Adam, AdamW, SGDOptions, AdamOptions, AdamWOptions,
    ParamGroup)
from . import lr_scheduler  # noqa: F401

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "SGDOptions", "AdamOptions",
           "AdamWOptions", "ParamGroup", "lr_scheduler"]
