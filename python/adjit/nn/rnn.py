"""adjit.nn recurrent modules: LSTM, GRU, LSTMCell and GRUCell.

PyTorch's signatures, parameter names (``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0``, ``weight_hr_l0`` with ``proj_size``, the same
with ``_reverse`` for a bidirectional layer's reverse direction, ...;
``weight_ih``, ... for the cells), gate
layouts, initialization (U(-1/sqrt(H), 1/sqrt(H)) by the global generator)
and return structures. The C++ modules run the forward pass, on the
parameters the Python module holds: a sequence layer loops with
``jit.scan``, eagerly a loop with autograd and, inside ``jit.compile`` or
``jit.TrainStep``, one ``adjit.scan`` per layer whatever the sequence length.
"""

from .._adjit import Error, _nn
from .modules import Module, Parameter

_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")


class _RNNBase(Module):
    """What the layers and cells share: a C++ module of the same kind whose
    parameters are registered here under PyTorch's names (a suffix ``_l<k>``
    per layer for the sequence layers)."""

    def _register(self, impl, suffixes, device, dtype):
        if device is not None and str(device) != "cpu":
            raise TypeError("%s: only device 'cpu' is supported, got %r"
                            % (type(self).__name__, device))
        object.__setattr__(self, "_impl", impl)
        object.__setattr__(self, "_suffixes", suffixes)
        for suffix, weights in zip(suffixes, impl.layers()):
            for name, tensor in zip(_NAMES, weights):
                if tensor is not None:
                    if dtype is not None:
                        tensor = tensor.to(dtype)
                    setattr(self, name + suffix, Parameter(tensor))

    def _sync(self):
        """Hands the parameters registered now to the C++ module."""
        params = self._parameters
        self._impl.set_layers([tuple(params.get(name + suffix) for name in _NAMES)
                               for suffix in self._suffixes])


class _RNN(_RNNBase):
    _kind = None

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False,
                 proj_size=0, device=None, dtype=None):
        super().__init__()
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed, got %r" % (dropout,))
        self.input_size, self.hidden_size = input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = dropout, bidirectional, proj_size
        impl = self._kind(input_size, hidden_size, num_layers, bias, batch_first,
                          float(dropout), bool(bidirectional), proj_size)
        suffixes = ["_l%d%s" % (k, reverse) for k in range(num_layers)
                    for reverse in (["", "_reverse"] if bidirectional else [""])]
        self._register(impl, suffixes, device, dtype)

    def flatten_parameters(self):
        """Does nothing (the parameters need no flat buffer here)."""

    def forward(self, input, hx=None):
        self._sync()
        self._impl.set_training(self.training)
        return self._impl.forward(input, hx)

    def extra_repr(self):
        text = "%d, %d" % (self.input_size, self.hidden_size)
        if self.num_layers != 1:
            text += ", num_layers=%d" % self.num_layers
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += ", dropout=%r" % (self.dropout,)
        if self.bidirectional:
            text += ", bidirectional=True"
        if self.proj_size:
            text += ", proj_size=%d" % self.proj_size
        return text


class LSTM(_RNN):
    """A stack of ``num_layers`` LSTM layers over a sequence, PyTorch's
    ``nn.LSTM``: ``forward(input, (h_0, c_0)=None)`` returns
    ``(output, (h_n, c_n))``. ``input`` is [time, batch, input_size]
    ([batch, time, input_size] with ``batch_first``, [time, input_size]
    unbatched), h_0 and c_0 [num_layers, batch, hidden_size] (zeros if not
    given); ``output`` holds the last layer's h at every step. With
    ``bidirectional`` each layer also runs from the end of the sequence
    (states [2 * num_layers, ...], outputs of both directions side by side);
    with ``proj_size`` h is projected to that size by ``weight_hr``;
    ``dropout`` applies to the outputs of every layer but the last in
    training mode."""

    _kind = _nn.LSTM


class GRU(_RNN):
    """A stack of ``num_layers`` GRU layers over a sequence, PyTorch's
    ``nn.GRU``: ``forward(input, h_0=None)`` returns ``(output, h_n)``, with
    the shapes and options of ``LSTM``'s (``proj_size`` excepted)."""

    _kind = _nn.GRU


class _Cell(_RNNBase):
    _kind = None

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self._register(self._kind(input_size, hidden_size, bias), [""], device, dtype)

    def forward(self, input, hx=None):
        self._sync()
        return self._impl.forward(input, hx)

    def extra_repr(self):
        return "%d, %d%s" % (self.input_size, self.hidden_size, "" if self.bias else ", bias=False")


class LSTMCell(_Cell):
    """One LSTM step, PyTorch's ``nn.LSTMCell``: ``forward(input, (h, c)=None)``
    returns ``(h', c')``; ``input`` is [batch, input_size] or [input_size],
    h and c [batch, hidden_size] or [hidden_size] (zeros if not given)."""

    _kind = _nn.LSTMCell


class GRUCell(_Cell):
    """One GRU step, PyTorch's ``nn.GRUCell``: ``forward(input, h=None)``
    returns h'."""

    _kind = _nn.GRUCell
