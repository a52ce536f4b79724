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
        object.__setattr__(self, "_buffers", OrderedDict())

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
        buffers = self.__dict__.get("_buffers", {})
        if name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError("cannot assign %s as buffer '%s' (a Tensor or None is required)"
                                % (type(value).__name__, name))
            buffers[name] = value
        elif isinstance(value, Parameter):
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
        if "_buffers" in d and name in d["_buffers"]:
            return d["_buffers"][name]
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

    def register_buffer(self, name, tensor):
        """Registers state that is not a parameter (e.g. batch norm's running
        statistics): it is in ``buffers()`` and ``state_dict()``, never
        requires grad, and a compiled function writes it like the C++
        module's buffers."""
        if "." in name or not name:
            raise KeyError("buffer name must be non-empty without '.', got %r" % (name,))
        if name in self._parameters or name in self._modules:
            raise KeyError("attribute '%s' already exists" % name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError("cannot assign %s as buffer '%s' (a Tensor or None is required)"
                            % (type(tensor).__name__, name))
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor

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

    def named_buffers(self, prefix="", recurse=True):
        for module_prefix, module in (self.named_modules(prefix) if recurse else [(prefix, self)]):
            for name, b in module._buffers.items():
                if b is not None:
                    yield (module_prefix + "." + name if module_prefix else name), b

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

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
        """The parameters and buffers by dotted name (sharing their data)."""
        state = OrderedDict((name, p.detach()) for name, p in self.named_parameters())
        state.update(self.named_buffers())
        return state

    def load_state_dict(self, state_dict):
        """Copies the tensors of ``state_dict`` into the parameters and
        buffers."""
        from .._grad_mode import no_grad

        own = dict(self.named_parameters())
        own.update(self.named_buffers())
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


class _ConvNd(Module):
    """A convolution layer; weight and bias are drawn by the C++ module of the
    same kind, with PyTorch's initialization (U(-b, b), b = 1/sqrt(fan_in))."""

    _dims = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                 padding=0, dilation=1, groups=1, bias=True):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = kernel_size, stride
        self.padding, self.dilation, self.groups = padding, dilation, groups
        draw = _nn.conv2d_parameters if self._dims == 2 else _nn.conv1d_parameters
        weight, b = draw(in_channels, out_channels, kernel_size, groups, bias)
        self.weight = Parameter(weight)
        if bias:
            self.bias = Parameter(b)
        else:
            self.register_parameter("bias", None)

    def forward(self, input):
        conv = F.conv2d if self._dims == 2 else F.conv1d
        return conv(input, self.weight, self.bias, self.stride, self.padding,
                    self.dilation, self.groups)

    def extra_repr(self):
        text = "%d, %d, kernel_size=%s, stride=%s" % (
            self.in_channels, self.out_channels, self.kernel_size, self.stride)
        if self.padding != 0:
            text += ", padding=%r" % (self.padding,)
        if self.dilation != 1:
            text += ", dilation=%s" % (self.dilation,)
        if self.groups != 1:
            text += ", groups=%d" % self.groups
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv2d(_ConvNd):
    """2-D convolution over [N, C, H, W] (or [C, H, W]) inputs."""

    _dims = 2


class Conv1d(_ConvNd):
    """1-D convolution over [N, C, L] (or [C, L]) inputs."""

    _dims = 1


class MaxPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.dilation, self.ceil_mode = dilation, ceil_mode

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.dilation, self.ceil_mode)

    def extra_repr(self):
        return "kernel_size=%s, stride=%s, padding=%s, dilation=%s, ceil_mode=%s" % (
            self.kernel_size, self.kernel_size if self.stride is None else self.stride,
            self.padding, self.dilation, self.ceil_mode)


class AvgPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad)

    def extra_repr(self):
        return "kernel_size=%s, stride=%s, padding=%s" % (
            self.kernel_size, self.kernel_size if self.stride is None else self.stride,
            self.padding)


class AdaptiveAvgPool2d(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return "output_size=%s" % (self.output_size,)


class Flatten(Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return "start_dim=%d, end_dim=%d" % (self.start_dim, self.end_dim)


class _BatchNorm(Module):
    """Batch normalization over dim 1, with PyTorch's parameters (weight 1,
    bias 0) and buffers (running_mean 0, running_var 1)."""

    _name = "BatchNorm"
    _ranks = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True):
        super().__init__()
        from .._adjit import ones, zeros

        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(ones(num_features))
            self.bias = Parameter(zeros(num_features))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features))
            self.register_buffer("running_var", ones(num_features))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)

    def forward(self, input):
        if input.dim() not in self._ranks:
            raise RuntimeError("%s: expected %s input, got %dD input" % (
                self._name, " or ".join("%dD" % r for r in self._ranks), input.dim()))
        training = self.training or self.running_mean is None
        return F.batch_norm(input, self.running_mean, self.running_var,
                            self.weight, self.bias, training, self.momentum,
                            self.eps)

    def extra_repr(self):
        return "%d, eps=%s, momentum=%s, affine=%s, track_running_stats=%s" % (
            self.num_features, self.eps, self.momentum, self.affine,
            self.track_running_stats)


class BatchNorm1d(_BatchNorm):
    _name, _ranks = "BatchNorm1d", (2, 3)


class BatchNorm2d(_BatchNorm):
    _name, _ranks = "BatchNorm2d", (4,)


class Dropout(Module):
    def __init__(self, p=0.5):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError("dropout probability has to be between 0 and 1, but got %s" % p)
        self.p = p

    def forward(self, input):
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        return "p=%s" % self.p


class Embedding(Module):
    """A lookup table of num_embeddings rows of embedding_dim, drawn from
    N(0, 1) as in PyTorch; the padding_idx row starts at zero and gets no
    gradient."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        from .._adjit import randn

        if padding_idx is not None and padding_idx < 0:
            padding_idx += num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
        weight = randn(num_embeddings, embedding_dim)
        if padding_idx is not None:
            weight[padding_idx] = 0.0
        self.weight = Parameter(weight)

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        text = "%d, %d" % (self.num_embeddings, self.embedding_dim)
        if self.padding_idx is not None:
            text += ", padding_idx=%d" % self.padding_idx
        return text


class LayerNorm(Module):
    """Layer normalization over the trailing dims normalized_shape, with a
    weight of ones and a bias of zeros when elementwise_affine."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True):
        super().__init__()
        from .._adjit import ones, zeros

        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ones(*self.normalized_shape))
            self.bias = Parameter(zeros(*self.normalized_shape))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight,
                            self.bias, self.eps)

    def extra_repr(self):
        return "%s, eps=%s, elementwise_affine=%s" % (
            self.normalized_shape, self.eps, self.elementwise_affine)


class GELU(Module):
    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, self.approximate)

    def extra_repr(self):
        return "approximate=%r" % self.approximate


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
    def __init__(self, weight=None, size_average=None, ignore_index=-100,
                 reduce=None, reduction="mean", label_smoothing=0.0):
        if size_average is not None or reduce is not None:
            raise TypeError("CrossEntropyLoss: size_average and reduce are "
                            "not supported; use reduction")
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight,
                               ignore_index=self.ignore_index,
                               reduction=self.reduction,
                               label_smoothing=self.label_smoothing)


class BCEWithLogitsLoss(_Loss):
    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.reduction)
