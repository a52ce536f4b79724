"""adjit.jit: trace Python functions of tensors and run them compiled.

``@adjit.jit.compile`` turns a function of tensors into one that runs a
compiled function per call: the traced forward computation and, when the
result is a one-element loss that needs gradients, its derivative taken in
the IR, accumulating into ``.grad`` as ``loss.backward()`` would. It is
``adjit::jit::compile`` of the C++ API, with its cache and recompile rules:
the function is traced on its first call and again when the shapes, dtypes
or requires_grad flags of its inputs or of the tensors it captures change, or
when a shape-only replay of the function runs other ops than were traced (a
Python branch that went the other way, a captured number that changed).
Python control flow is traced as it runs; reading a tensor value (``item()``,
``bool(t)``, ``tolist()``, ``numpy()``) while tracing raises ``adjit.Error``.
"""

import functools

from ._adjit import _jit
from .optim import SGD, Adam, AdamW, SGDOptions, AdamOptions, AdamWOptions

__all__ = ["compile", "trace", "lower", "CompiledFunction", "TrainStep"]


def lower(ir):
    """Lowers adjit IR text with the ``adjit-to-llvm`` pipeline, as the JIT
    does: returns the LLVM dialect module it compiles."""
    return _jit.lower(ir)


def _ir_at(text, stage):
    """The IR of a compilation at ``stage``: "differentiated" or "lowered"."""
    if stage == "differentiated":
        return text
    if stage == "lowered":
        return lower(text) if text else ""
    raise ValueError("stage must be 'differentiated' or 'lowered', got %r" % (stage,))


def trace(fn, *inputs, name="traced"):
    """Runs ``fn(*inputs)`` once, recording its ops, and returns the traced
    adjit module as MLIR text (``adjit-opt`` parses it)."""
    return _jit.trace(fn, *inputs, name=name)


class CompiledFunction:
    """A Python function compiled by ``adjit.jit.compile``."""

    def __init__(self, fn, name=None, assume_pure=False):
        self.__wrapped__ = fn
        self._compiled = _jit.compile(fn, name or fn.__name__, assume_pure)
        functools.update_wrapper(self, fn)

    def __call__(self, *inputs):
        return self._compiled(*inputs)

    @property
    def stats(self):
        """How often the function compiled and why: a dict with
        ``compilations``, ``cache_hits``, ``replays`` and ``last_reason``."""
        return self._compiled.stats()

    def ir(self, stage="differentiated"):
        """The IR of the last compilation as text. ``stage`` is
        ``"differentiated"`` (the traced function and, when differentiated,
        its gradient function: what the JIT compiles) or ``"lowered"`` (that
        module after ``adjit-to-llvm``). For the IR as traced, before
        differentiation, use ``adjit.jit.trace``."""
        return _ir_at(self._compiled.last_ir(), stage)


def compile(fn=None, *, name=None, assume_pure=False):
    """Compiles ``fn`` (a function of tensors returning a tensor); usable as
    ``@compile`` and ``@compile(name=..., assume_pure=...)``. ``assume_pure``
    skips the shape-only replay that checks a cached compilation still
    applies: only correct for functions whose ops depend on nothing but the
    shapes, dtypes and requires_grad flags of their tensors."""
    if fn is None:
        return lambda f: CompiledFunction(f, name, assume_pure)
    return CompiledFunction(fn, name, assume_pure)


class TrainStep:
    """One compiled function computing a loss, its gradients and the
    optimizer update of every tensor that requires grad (the parameters the
    loss function captures, and inputs that require grad), written into
    those tensors in place: it replaces ``zero_grad()``, ``loss.backward()``
    and ``optimizer.step()``; ``.grad`` is not touched.

    ``optimizer`` is an ``adjit.optim.SGDOptions``, ``AdamOptions`` or
    ``AdamWOptions`` (every tensor that requires grad is trained with them),
    or an ``SGD``, ``Adam`` or ``AdamW`` optimizer: then the step trains the
    optimizer's parameter groups, each with its options (a tensor the loss
    uses that requires grad but is in no group is an error), and before each
    call it takes the groups' current learning rates, so a schedule stepping
    that optimizer drives the compiled step without recompiling. Other
    options are taken when the step is made; the optimizer's state is not
    used."""

    def __init__(self, loss_fn, optimizer, *, name="train_step", assume_pure=False):
        self._source = None
        if isinstance(optimizer, (SGD, Adam)):  # AdamW is an Adam
            self._source = optimizer
        elif not isinstance(optimizer, (SGDOptions, AdamOptions, AdamWOptions)):
            raise TypeError(
                "TrainStep: expected SGDOptions, AdamOptions, AdamWOptions, "
                "SGD, Adam or AdamW, got %s" % type(optimizer).__name__)
        self._step = _jit.TrainStep(loss_fn, optimizer, name, assume_pure)

    def __call__(self, *inputs):
        """Runs one step; returns the loss before the update."""
        if self._source is not None:
            for source, group in zip(self._source.param_groups,
                                     self._step.optimizer.param_groups):
                group["lr"] = source["lr"]
        return self._step(*inputs)

    def clip_grad_norm(self, max_norm):
        """Clips the gradients inside the compiled step to a total 2-norm of
        at most ``max_norm``, as ``nn.utils.clip_grad_norm_`` before
        ``optimizer.step()``; returns the step."""
        self._step.clip_grad_norm(max_norm)
        return self

    @property
    def last_grad_norm(self):
        """The gradients' total 2-norm before clipping in the last step (NaN
        before a step with clipping)."""
        return self._step.last_grad_norm

    @property
    def optimizer(self):
        """The optimizer whose groups and options the step follows (it is
        never stepped itself); a schedule may drive it, e.g.
        ``lr_scheduler.StepLR(step.optimizer, 10)``."""
        return self._step.optimizer

    @property
    def lr(self):
        """The learning rate of the next step (settable, no recompilation)."""
        return self._step.lr

    @lr.setter
    def lr(self, value):
        self._step.lr = value
        if self._source is not None:
            for group in self._source.param_groups:
                group["lr"] = value

    @property
    def step_count(self):
        return self._step.step_count

    @property
    def stats(self):
        return self._step.stats()

    def ir(self, stage="differentiated"):
        """The IR of the last compilation, as CompiledFunction.ir."""
        return _ir_at(self._step.last_ir(), stage)
