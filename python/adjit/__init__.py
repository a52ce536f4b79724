"""adjit: eager tensors with PyTorch's names, autograd, and a differentiating JIT.

The tensors, ops, autograd and optimizers are those of the C++ library
(adjit._adjit is a thin pybind11 layer over it), so Python code runs, is
differentiated and is traced exactly as the same C++ code is.
"""

from . import _adjit
from ._adjit import (
    Error,
    Tensor,
    dtype,
    tensor,
    scalar_tensor,
    zeros,
    ones,
    empty,
    full,
    rand,
    randn,
    randperm,
    arange,
    linspace,
    manual_seed,
    zeros_like,
    ones_like,
    full_like,
    rand_like,
    randn_like,
    cat,
    stack,
    where,
    allclose,
    equal,
    from_numpy,
    from_dlpack,
    to_dlpack,
    is_grad_enabled,
)

float32 = dtype.float32
float = dtype.float32
float64 = dtype.float64
double = dtype.float64
int64 = dtype.int64
long = dtype.int64
bool = dtype.bool

from ._grad_mode import no_grad, enable_grad, set_grad_enabled  # noqa: E402
from . import autograd, nn, optim, jit  # noqa: E402


def _method(name):
    def op(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)

    op.__name__ = name
    op.__qualname__ = name
    op.__doc__ = "adjit.%s(input, ...) is input.%s(...)." % (name, name)
    return op


# Module-level functions that are Tensor methods, as torch.exp(x) is x.exp().
for _name in (
    # elementwise (the primitives of adjit/Semantics/Ops.def)
    "neg", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin",
    "cos", "log1p", "expm1", "erf", "sign", "floor", "ceil", "round",
    "lgamma", "digamma", "add", "sub", "mul", "div", "pow", "maximum",
    "minimum", "clamp", "clamp_min", "clamp_max", "eq", "ne", "lt", "le",
    "gt", "ge",
    # reductions
    "sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin",
    "logsumexp", "var", "std", "softmax", "log_softmax",
    # products and shapes
    "matmul", "mm", "reshape", "flatten", "transpose", "t", "permute",
    "unsqueeze", "squeeze", "clone",
    # indexing, masking and sequence shapes
    "gather", "index_select", "scatter_add", "tril", "triu", "diag",
    "diag_embed", "masked_fill", "cumsum", "bmm", "split", "chunk", "unbind",
    "narrow",
):
    if hasattr(Tensor, _name):
        globals()[_name] = _method(_name)
clip = _method("clamp")
del _name
einsum = _adjit._nn.einsum

__all__ = [name for name in globals() if not name.startswith("_")]
