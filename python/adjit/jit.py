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

``scan`` is JAX's ``lax.scan``: eagerly a loop with autograd, traced one
``adjit.scan`` whose size does not grow with the number of steps. ``grad``,
``value_and_grad`` and ``vjp`` are JAX's transforms, compiled: the function
is traced and its derivative taken in the IR; they compose
(``grad(grad(f))``) and can be used inside compiled functions.

Functions given to ``compile``, ``trace``, ``scan`` and ``vjp`` may return a
tensor or a (nested) tuple or list of tensors; ``scan``'s carry and per-step
outputs may also hold None.
"""

import functools
import weakref

from ._adjit import Error, Tensor, _jit, ones_like, zeros_like
from ._tree import flatten, unflatten
from .optim import SGD, Adam, AdamW, SGDOptions, AdamOptions, AdamWOptions

__all__ = ["compile", "trace", "lower", "CompiledFunction", "TrainStep",
           "scan", "grad", "value_and_grad", "vjp", "wait_for_tier_ups"]


def _signature(inputs):
    return tuple((tuple(t.shape), t.dtype, t.requires_grad) for t in inputs)


class _Flat:
    """``fn`` as a function returning a flat list of tensors, for the C++
    API; it remembers the structure of its result for each input signature
    (for calls that reuse compiled code without running ``fn``)."""

    def __init__(self, fn, api):
        self.fn, self.api = fn, api
        self.structures = {}
        self.last = None
        self.varies = False  # the structure differed between calls

    def __call__(self, *inputs):
        leaves, structure = flatten(self.fn(*inputs), self.api, "the function's result")
        if not leaves:
            raise Error("%s: the function must return at least one tensor, got %r"
                        % (self.api, structure))
        self.structures[_signature(inputs)] = structure
        self.varies = self.varies or (self.last is not None and structure != self.last)
        self.last = structure
        return leaves

    def structure(self, inputs):
        """The structure of the result of a call on ``inputs``."""
        if self.varies:
            return self.structures.get(_signature(inputs), self.last)
        return self.last

    def rebuild(self, inputs, tensors):
        """The result of a call on ``inputs`` from its flat ``tensors``."""
        return unflatten(self.structure(inputs), tensors)


def lower(ir):
    """Lowers adjit IR text with the ``adjit-to-llvm`` pipeline, as the JIT
    does: returns the LLVM dialect module it compiles."""
    return _jit.lower(ir)


def wait_for_tier_ups():
    """Blocks until the optimized (-O3) compiles queued so far have finished;
    later calls of their functions run the optimized code. A function called
    fewer times than the tier-up threshold has queued none (its
    ``stats()["tier_ups_scheduled"]`` is 0) and keeps its fast code."""
    _jit.wait_for_tier_ups()


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
    return _jit.trace(_Flat(fn, "jit.trace"), *inputs, name=name)


class CompiledFunction:
    """A Python function compiled by ``adjit.jit.compile``. It returns what
    the function returns: a tensor, or a (nested) tuple or list of tensors.
    With several tensors nothing is differentiated (they carry no grad_fn);
    their gradients come from ``grad``, ``value_and_grad`` and ``vjp``."""

    def __init__(self, fn, name=None, assume_pure=False, max_compilations=8):
        self.__wrapped__ = fn
        self._flat = _Flat(fn, "jit.compile")
        self._compiled = _jit.compile(self._flat, name or fn.__name__,
                                      assume_pure, max_compilations)
        functools.update_wrapper(self, fn)

    def __call__(self, *inputs):
        return self._flat.rebuild(inputs, self._compiled(*inputs))

    @property
    def stats(self):
        """How often the function compiled and why: a dict with
        ``compilations`` (calls that traced and compiled), ``disk_hits`` (of
        those, the ones loaded from the persistent cache), ``cache_hits``
        (calls that ran code compiled before), ``replays`` (shape-only
        replays before reuse), ``last_reason`` (why the last compilation
        happened), ``fast_tier_calls`` and ``optimized_tier_calls``,
        ``last_tier`` (``"fast"`` or ``"optimized"``), ``tier_ups``,
        ``versions`` (compiled versions kept now, at most
        ``max_compilations``), ``evictions`` (versions dropped beyond
        ``max_compilations``, the least recently used first),
        ``stale_dropped`` (versions dropped because a tensor they captured
        was released), ``tier_ups_scheduled`` and ``tier_up_reason`` (why
        the last optimized compile was queued, e.g. ``"after 2 calls"``)."""
        return self._compiled.stats()

    def ir(self, stage="differentiated"):
        """The IR of the last compilation as text. ``stage`` is
        ``"differentiated"`` (the traced function and, when differentiated,
        its gradient function: what the JIT compiles) or ``"lowered"`` (that
        module after ``adjit-to-llvm``). For the IR as traced, before
        differentiation, use ``adjit.jit.trace``."""
        return _ir_at(self._compiled.last_ir(), stage)


def compile(fn=None, *, name=None, assume_pure=False, max_compilations=8):
    """Compiles ``fn`` (a function of tensors returning a tensor or a tuple
    or list of tensors); usable as
    ``@compile`` and ``@compile(name=..., assume_pure=...)``. ``assume_pure``
    skips the shape-only replay that checks a cached compilation still
    applies: only correct for functions whose ops depend on nothing but the
    shapes, dtypes and requires_grad flags of their tensors.
    ``max_compilations`` (at least 1) is the most compiled versions (one per
    input signature or traced path) kept; compiling another drops the least
    recently used one."""
    if fn is None:
        return lambda f: CompiledFunction(f, name, assume_pure,
                                          max_compilations)
    return CompiledFunction(fn, name, assume_pure, max_compilations)


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
    used. ``name``, ``assume_pure`` and ``max_compilations`` are as for
    ``compile``."""

    def __init__(self, loss_fn, optimizer, *, name="train_step",
                 assume_pure=False, max_compilations=8):
        self._source = None
        if isinstance(optimizer, (SGD, Adam)):  # AdamW is an Adam
            self._source = optimizer
        elif not isinstance(optimizer, (SGDOptions, AdamOptions, AdamWOptions)):
            raise TypeError(
                "TrainStep: expected SGDOptions, AdamOptions, AdamWOptions, "
                "SGD, Adam or AdamW, got %s" % type(optimizer).__name__)
        self._step = _jit.TrainStep(loss_fn, optimizer, name, assume_pure,
                                    max_compilations)

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
        """How often the step compiled and why, as CompiledFunction.stats."""
        return self._step.stats()

    def ir(self, stage="differentiated"):
        """The IR of the last compilation, as CompiledFunction.ir."""
        return _ir_at(self._step.last_ir(), stage)


def scan(fn, init, xs=None, length=None, reverse=False, checkpoint="store_all"):
    """Scans ``fn`` over the leading dim of ``xs``, JAX's ``lax.scan``::

        carry = init
        for i in range(length):             # reversed(range(...)) if reverse
            carry, y_i = fn(carry, x_i)     # x_i: xs with each tensor at [i]
        return carry, ys                    # ys: the y_i stacked, as y_i nests

    ``init`` and ``xs`` are each a tensor, None, or a (nested) tuple or list
    of tensors; ``fn(carry, x)`` gets them in that structure and returns
    ``(carry, y)``, the carry of ``init``'s structure, shapes and dtypes, and
    ``y`` of the same structure, shapes and dtypes at every step. Every
    tensor of ``xs`` has the leading size ``length`` (needed when ``xs`` is
    None). With ``reverse`` the steps run from the last slice to the first,
    and ``ys[i]`` is still the output of the step on ``xs[i]``.

    ``length`` may instead be a 0-d int64 tensor ``n``, a trip count known
    only at run time: the leading size of ``xs`` is then its bound, the scan
    runs ``n`` steps over the rows ``0 .. n - 1`` (backwards with
    ``reverse``), the rows of ``ys`` from ``n`` on are zero and those of
    ``xs`` get zero gradients. Compiled, another ``n`` does not compile
    again, and ``0 <= n <= bound`` is checked on every call (an int
    ``length`` is a constant of the trace). ``checkpoint`` says what the
    adjoint of the traced ``adjit.scan`` keeps for its reverse sweep:
    ``"store_all"``, ``"sqrt"``, ``"recompute_all"``, or an int ``K`` (or
    ``"every K"``) for every ``K`` steps, ``1 <= K <= length``; eagerly it is
    only checked, and autograd keeps every step's values.

    Eagerly a loop with autograd: gradients reach ``init``, ``xs`` and the
    tensors ``fn`` uses. Inside ``compile``, ``TrainStep``, ``grad`` or
    ``vjp``, ``fn`` is traced once into one ``adjit.scan``; it should then
    compute the same ops at every step and have no side effects (it may be
    called more than once). Bad structures, shapes and lengths raise
    ``adjit.Error``."""
    init_leaves, init_structure = flatten(init, "jit.scan", "init")
    xs_leaves, xs_structure = flatten(xs, "jit.scan", "xs")
    trip_count = None
    if isinstance(length, Tensor):
        trip_count, length = length, None
        if not xs_leaves:
            raise Error("jit.scan: a run-time length (a tensor) needs scanned "
                        "tensors xs, whose leading size is its bound")
    if isinstance(checkpoint, int) and not isinstance(checkpoint, bool):
        checkpoint = "every %d" % checkpoint
    if not isinstance(checkpoint, str):
        raise TypeError("jit.scan: checkpoint must be a str or an int K, got %r"
                        % (checkpoint,))
    ys_structure = []

    def step(carries, slices):
        result = fn(unflatten(init_structure, carries), unflatten(xs_structure, slices))
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Error("jit.scan: fn must return a pair (carry, y), got %s"
                        % type(result).__name__)
        carry_leaves, carry_structure = flatten(result[0], "jit.scan", "the carry fn returns")
        if carry_structure != init_structure:
            raise Error("jit.scan: fn must return a carry of the structure of init, %r, got %r"
                        % (init_structure, carry_structure))
        y_leaves, y_structure = flatten(result[1], "jit.scan", "the output y fn returns")
        if ys_structure and ys_structure[0] != y_structure:
            raise Error("jit.scan: fn must return outputs y of one structure at every step, "
                        "got %r and %r" % (ys_structure[0], y_structure))
        ys_structure[:] = [y_structure]
        return carry_leaves, y_leaves

    carries, ys = _jit.scan(step, init_leaves, xs_leaves, length, bool(reverse),
                            checkpoint, trip_count)
    return unflatten(init_structure, carries), unflatten(ys_structure[0], ys)


class _Transform:
    """A function made by ``grad`` or ``value_and_grad``: callable on
    tensors, with the statistics and IR of its compilations."""

    def __init__(self, fn, call, compiled):
        self._call, self._compiled = call, compiled
        functools.update_wrapper(self, fn)

    def __call__(self, *args):
        return self._call(*args)

    @property
    def stats(self):
        """How often the transform compiled and why, as CompiledFunction.stats."""
        return self._compiled.stats()

    def ir(self, stage="differentiated"):
        """The IR of the last compilation, as CompiledFunction.ir."""
        return _ir_at(self._compiled.last_ir(), stage)


def _argnums(argnums, api):
    single = not isinstance(argnums, (tuple, list))
    nums = [argnums] if single else list(argnums)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in nums):
        raise TypeError("%s: argnums must be an int or a tuple of ints, got %r" % (api, argnums))
    return single, nums


def grad(fn, argnums=0, *, has_aux=False, name="grad"):
    """The gradient of ``fn`` (JAX's ``grad``), compiled: ``fn`` takes
    tensors and returns one floating-point tensor of one element;
    ``grad(fn)(*args)`` returns its gradient w.r.t. ``args[argnums]`` (a
    tensor for an int ``argnums``, a tuple for a tuple; a negative argnum
    counts from the end, -1 naming the last argument), each of its input's
    shape and dtype. ``.grad`` is not touched, the gradients carry no
    grad_fn, and requires_grad flags do not matter. Traced once per input
    signature, as ``compile``; called while another transform or ``compile``
    traces, it is traced into that trace, so ``grad(grad(f))`` is a second
    derivative. With ``has_aux``, ``fn`` returns ``(value, aux)`` (aux a
    tensor or a nested tuple or list of tensors) and the call returns
    ``(gradients, aux)``, from ``value_and_grad``. A bad ``argnums`` or
    result raises ``adjit.Error``."""
    if has_aux:
        both = value_and_grad(fn, argnums, has_aux=True, name=name)

        def call_with_aux(*args):
            (_, aux), grads = both(*args)
            return grads, aux

        return _Transform(fn, call_with_aux, both._compiled)
    single, nums = _argnums(argnums, "jit.grad")
    compiled = _jit.grad(fn, nums, name)

    def call(*args):
        grads = compiled(*args)
        return grads[0] if single else tuple(grads)

    return _Transform(fn, call, compiled)


class _Vjp:
    """A function's compiled vector-Jacobian product (C++ jit::vjp) and the
    structure of its results."""

    def __init__(self, fn, name):
        self.flat = _Flat(fn, "jit.vjp")
        self.compiled = _jit.vjp(self.flat, name)

    def __call__(self, primals, fn=None):
        """``fn``: kept alive by the pullback."""
        outputs, pullback = self.compiled(*primals)
        structure = self.flat.structure(primals)

        def vjp_fn(cotangents, _fn=fn):
            leaves, given = flatten(cotangents, "jit.vjp", "the cotangents")
            if given != structure:
                raise Error("jit.vjp: the cotangents must have the structure of the outputs, "
                            "%r, got %r" % (structure, given))
            return tuple(pullback(leaves))

        return unflatten(structure, outputs), vjp_fn


_vjps = weakref.WeakKeyDictionary()


def vjp(fn, *primals):
    """JAX's ``vjp``, compiled: returns ``(outputs, vjp_fn)``, ``fn``'s
    result at ``primals`` (a tensor or a nested tuple or list of tensors,
    with no grad_fn) and its pullback. ``vjp_fn(cotangents)``, given one
    tensor per output in the outputs' structure (each of its output's shape
    and dtype), returns a tuple with one cotangent per primal (None for an
    integer or bool primal). The compiled code is kept per function: later
    calls of ``vjp`` with the same ``fn`` and input signature reuse it. The
    pullback recomputes ``fn``'s values on its call."""
    try:
        transformed = _vjps.get(fn)
        weak = weakref.ref(fn)
    except TypeError:  # not weakly referenceable: not kept
        return _Vjp(fn, "vjp")(primals, fn)
    if transformed is None:
        # The kept compilation refers to fn weakly, so that it dies with fn.
        transformed = _Vjp(lambda *args: weak()(*args), "vjp")
        _vjps[fn] = transformed
    return transformed(primals, fn)


def _describe(value):
    if isinstance(value, Tensor):
        return "a tensor of shape %s and dtype %s" % (list(value.shape), value.dtype)
    return type(value).__name__


def value_and_grad(fn, argnums=0, *, has_aux=False, name="value_and_grad"):
    """JAX's ``value_and_grad``, compiled: ``value_and_grad(fn)(*args)``
    returns ``(fn(*args), grad(fn, argnums)(*args))`` from one compiled
    vector-Jacobian product of ``fn`` (which runs ``fn`` forward twice).
    With ``has_aux``, ``fn`` returns ``(value, aux)``, the call
    ``((value, aux), gradients)``; only ``value`` is differentiated."""
    api = "jit.value_and_grad"
    single, nums = _argnums(argnums, api)
    transformed = _Vjp(fn, name)

    def call(*args):
        out, pullback = transformed(args)
        value = out
        if has_aux:
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise Error("%s: with has_aux, fn must return a pair (value, aux), got %s"
                            % (api, _describe(out) if not isinstance(out, (tuple, list))
                               else "%d results" % len(out)))
            value = out[0]
        if not isinstance(value, Tensor) or value.numel() != 1 or not value.is_floating_point():
            raise Error("%s: fn must return one floating-point tensor of one element%s, got %s"
                        % (api, " as its value" if has_aux else "", _describe(value)))
        for n in nums:
            if not -len(args) <= n < len(args):
                raise Error("%s: argnum %d is out of range for %d inputs" % (api, n, len(args)))
        # The value's cotangent is 1; the aux outputs' are 0.
        leaves, structure = flatten(out, api, "fn's result")
        grads = pullback(unflatten(structure, [ones_like(leaves[0])]
                                   + [zeros_like(t) for t in leaves[1:]]))
        return out, (grads[nums[0]] if single else tuple(grads[n] for n in nums))

    return _Transform(fn, call, transformed.compiled)
