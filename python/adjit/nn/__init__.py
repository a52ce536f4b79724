"""adjit.nn: modules, layers, losses and initialization."""

from .modules import (  # noqa: F401
    Module,
    Parameter,
    Linear,
    Conv1d,
    Conv2d,
    MaxPool2d,
    AvgPool2d,
    AdaptiveAvgPool2d,
    Flatten,
    BatchNorm1d,
    BatchNorm2d,
    Dropout,
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
