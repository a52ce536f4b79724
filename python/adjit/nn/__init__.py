"""adjit.nn: modules, layers, losses and initialization."""

from .modules import (  # noqa: F401
    Module,
    Parameter,
    Linear,
    ReLU,
    Tanh,
    Sigmoid,
    Softmax,
    LogSoftmax,
    Sequential,
    ModuleList,
    MSELoss,
    CrossEntropyLoss,
    BCEWithLogitsLoss,
)
from . import functional, init  # noqa: F401
