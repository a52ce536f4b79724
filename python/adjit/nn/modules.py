"""adjit.nn modules: Module (subclassable in Python), Parameter, layers, losses.

A Module registers the Parameters and Modules assigned to its attributes, as
PyTorch's does: ``self.fc = nn.Linear(4, 3)`` and
``self.w = nn.Parameter(adjit.randn(3))`` make them appear in
``parameters()`` and ``named_parameters()``.
"""

from collections import OrderedDict

from .._adjit import Tensor, _nn
from . import functional as F


class Parameter(Tensor):
    """A tensor that is a module parameter: a leaf that requires grad (by
    default) sharing the data of ``data``."""

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            from .._adjit import empty

            data = empty(0)
        # A leaf shares the handle (its data and .grad); a non-leaf is
        # detached first, as register_parameter does in C++.
        Tensor.__init__(self, data if data.is_leaf else data.detach())
        self.requires_grad_(requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)


class Module:
    """Base class of layers and models. Subclasses set attributes in
    ``__init__`` (after ``super().__init__()``) and define ``forward``."""

    def __init__(self):
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            "%s has no forward(); subclasses of Module define it" % type(self).__name__)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # Attribute registration.
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                "cannot assign attributes before Module.__init__() is called")
        params, modules = self._parameters, self._modules
        if isinstance(value, Parameter):
            self.__dict__.pop(name, None)
            modules.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            self.__dict__.pop(name, None)
            params.pop(name, None)
            modules[name] = value
        elif name in params:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError("cannot assign %s as parameter '%s' (a Parameter or None is required)"
                                % (type(value).__name__, name))
            params[name] = value
        elif name in modules:
            if value is not None:
                raise TypeError("cannot assign %s as child module '%s' (a Module or None is required)"
                                % (type(value).__name__, name))
            modules[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = self.__dict__
        if "_parameters" in d and name in d["_parameters"]:
            return d["_parameters"][name]
        if "_modules" in d and name in d["_modules"]:
            return d["_modules"][name]
        raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def register_parameter(self, name, param):
        if "." in name or not name:
            raise KeyError("parameter name must be non-empty without '.', got %r" % (name,))
        if param is not None and not isinstance(param, Parameter):
            param = Parameter(param)
        self._parameters[name] = param

    def add_module(self, name, module):
        if "." in name or not name:
            raise KeyError("module name must be non-empty without '.', got %r" % (name,))
        self._modules[name] = module

    register_module = add_module

    # Traversal.
    def named_parameters(self, prefix="", recurse=True):
        seen = set()
        for module_prefix, module in (self.named_modules(prefix) if recurse else [(prefix, self)]):
            for name, p in module._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (module_prefix + "." + name if module_prefix else name), p

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_children(self):
        for name, m in self._modules.items():
            if m is not None:
                yield name, m

    def children(self):
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix=""):
        yield prefix, self
        for name, m in self.named_children():
            yield from m.named_modules(prefix + "." + name if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def state_dict(self):
        """The parameters by dotted name (sharing their data)."""
        return OrderedDict((name, p.detach()) for name, p in self.named_parameters())

    def load_state_dict(self, state_dict):
        """Copies the tensors of ``state_dict`` into the parameters."""
        from .._grad_mode import no_grad

        own = dict(self.named_parameters())
        missing = sorted(set(own) - set(state_dict))
        unexpected = sorted(set(state_dict) - set(own))
        if missing or unexpected:
            raise KeyError("load_state_dict: missing keys %s, unexpected keys %s" % (missing, unexpected))
        with no_grad():
            for name, value in state_dict.items():
                own[name].copy_(value)

    # Modes and gradients.
    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    # Printing, as PyTorch prints modules.
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = []
        for name, m in self.named_children():
            child = repr(m).replace("\n", "\n  ")
            lines.append("(%s): %s" % (name, child))
        main = type(self).__name__ + "("
        extra = self.extra_repr()
        if not lines:
            return main + extra + ")"
        if extra:
            lines = [extra] + lines
        return main + "\n  " + "\n  ".join(lines) + "\n)"


class Linear(Module):
    """y = x W^T + b, the C++ nn::Linear: W [out, in] and b [out] drawn from
    U(-1/sqrt(in), 1/sqrt(in)) by the global generator, as in PyTorch."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        object.__setattr__(self, "_impl", _nn.Linear(in_features, out_features, bias))
        self.weight = Parameter(self._impl.weight)
        if bias:
            self.bias = Parameter(self._impl.bias)
        else:
            self.register_parameter("bias", None)

    def forward(self, input):
        # The C++ forward, on the parameters assigned here (they may have
        # been replaced since construction).
        self._impl.weight = self.weight
        self._impl.bias = self.bias
        return self._impl.forward(input)

    def extra_repr(self):
        return "in_features=%d, out_features=%d, bias=%s" % (
            self.in_features, self.out_features, self.bias is not None)


class ReLU(Module):
    def forward(self, input):
        return input.relu()


class Tanh(Module):
    def forward(self, input):
        return input.tanh()


class Sigmoid(Module):
    def forward(self, input):
        return input.sigmoid()


class Softmax(Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return "dim=%d" % self.dim


class LogSoftmax(Softmax):
    def forward(self, input):
        return F.log_softmax(input, self.dim)


class ModuleList(Module):
    """A list of modules, registered as "0", "1", ..."""

    def __init__(self, modules=()):
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        return list(self._modules.values())[index]

    def __iter__(self):
        return iter(self._modules.values())


class Sequential(ModuleList):
    """Applies its modules in order; they are registered as "0", "1", ..."""

    def __init__(self, *modules):
        super().__init__(modules)

    def forward(self, input):
        for m in self.children():
            input = m(input)
        return input


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction


class MSELoss(_Loss):
    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    def forward(self, input, target):
        return F.cross_entropy(input, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.reduction)
