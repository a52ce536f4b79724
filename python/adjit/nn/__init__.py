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
    Embedding,
    LayerNorm,
    GELU,
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
from .rnn import LSTM, GRU, LSTMCell, GRUCell  # noqa: F401
from . import functional, init, utils  # noqa: F401
