//===- Passes.td - adjit dialect transformations ------------*- tablegen -*-===//

#ifndef ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_TD
#define ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AdjitAutodiff : Pass<"adjit-autodiff", "::mlir::ModuleOp"> {
  let summary = "Generate reverse-mode gradient functions of adjit functions";
  let description = [{
    For `func.func @f(args...) -> (results...)` written in the adjit dialect,
    generates `func.func @f_grad(args..., cotangents...) ->
    (results..., gradients...)` next to it: the primal results followed by
    the gradients with respect to the chosen arguments, in the order chosen.
    A differentiated result with a single element (rank 0 or all dimensions
    1) is seeded with 1; every other differentiated result takes its
    cotangent as an extra trailing argument (a vector-Jacobian product).
    With `scalar-cotangents=true` single-element results take a cotangent
    argument too, so that every differentiated result has one (what
    `jit::vjp` compiles).

    Requests come from the pass options and from the functions themselves:

    * `--adjit-autodiff="function=f wrt=0,2 of=0 name=f_grad"`
      differentiates `@f`; `wrt` defaults to every f32/f64 tensor argument,
      `of` (the results to differentiate) to every f32/f64 tensor result,
      `name` to `<function>_grad`.
    * A function attribute `adjit.grad = {wrt = [0, 2], of = [0],
      name = "f_grad"}` (every entry optional, same defaults) asks for the
      same; the pass consumes (removes) the attribute.

    Gradients follow each op's `AdjointOpInterface` rule and PyTorch's
    conventions at non-differentiable points (see docs/autodiff.md): a
    broadcast's adjoint sums over the broadcast dimensions; max/min give
    each operand half at ties; relu'(0) = abs'(0) = 0; reduce_max shares the
    adjoint evenly among tied maxima; sqrt and log follow IEEE at 0 (inf);
    pow's d/dx is 0 where the exponent is 0 and its d/dy is 0 where x = 0
    and y >= 0. Compare, constants and i1 values carry no gradient, and
    select's condition none.

    Only values that depend on a `wrt` argument and reach a differentiated
    result get adjoints (activity analysis); adjoints of values used several
    times are summed; dead code is removed. Applying the pass to a generated
    function differentiates again (use `of` to pick the gradient results,
    e.g. for Hessian-vector products).

    Errors (with a diagnostic and no output): no such function, an
    out-of-range or duplicate index, a `wrt` argument that is not a
    statically shaped f32/f64 tensor, a differentiated path through an op
    without an adjoint rule (an op of another dialect, a call, control
    flow), a function of several blocks, a name that is already taken.
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"",
           "The function to differentiate (besides those carrying an "
           "adjit.grad attribute)">,
    ListOption<"wrt", "wrt", "int64_t",
               "Indices of the arguments to differentiate with respect to "
               "(default: every f32/f64 tensor argument)">,
    ListOption<"of", "of", "int64_t",
               "Indices of the results to differentiate (default: every "
               "f32/f64 tensor result)">,
    Option<"name", "name", "std::string", /*default=*/"",
           "The name of the generated function (default: <function>_grad)">,
    Option<"cleanup", "cleanup", "bool", /*default=*/"false",
           "Canonicalize and CSE the generated functions">,
    Option<"scalarCotangents", "scalar-cotangents", "bool",
           /*default=*/"false",
           "Give single-element differentiated results a cotangent argument "
           "as well, instead of seeding them with 1">,
  ];
  let dependentDialects = ["::mlir::adjit::AdjitDialect",
                           "::mlir::func::FuncDialect"];
}

def AdjitAppendOptimizerUpdate
    : Pass<"adjit-append-optimizer-update", "::mlir::ModuleOp"> {
  let summary = "Append a fused SGD or Adam update (with parameter groups "
                "and gradient clipping) to a gradient function";
  let description = [{
    Turns a gradient function, as adjit-autodiff generates it for a loss,
    into one training step: `func.func @f_grad(args...) -> (loss,
    gradients...)`, whose result 1 + i is the gradient of argument `wrt[i]`,
    becomes

    ```mlir
    func.func @f_grad(args..., states..., %lr: tensor<f64>, %step: tensor<f64>)
        -> (loss, updated wrt arguments..., updated states...)
    ```

    The gradients are no longer returned; the updated values of the `wrt`
    arguments take their place, followed by the updated optimizer state. The
    state of each `wrt` argument (in `wrt` order) comes right after the
    original arguments:

    * `optimizer=sgd`: nothing; with `momentum` the momentum buffer (the
      argument's type, zeros before the first step); with `dampening` as well
      a `tensor<i1>` flag saying whether the buffer holds a value (false
      before the first step), because dampening applies from the second step
      on.
    * `optimizer=adam` and `optimizer=adamw`: the first and second moments
      (the argument's type, zeros before the first step).

    `%lr` is the learning rate and `%step` the 1-based step count (Adam's
    bias correction uses it), so that neither needs a recompilation when it
    changes. The update follows the eager `optim::SGD::step` and
    `optim::Adam::step` (`optim::AdamW::step`) formula by formula: weight
    decay adds `weight-decay * p` to the gradient (AdamW instead scales `p`
    by `1 - lr * weight-decay` before the step); SGD keeps `buf = momentum * buf +
    (1 - dampening) * d` and steps along `d + momentum * buf` (`nesterov`)
    or `buf`; Adam keeps `m = beta1 * m + (1 - beta1) * g`, `v = beta2 * v +
    (1 - beta2) * g * g` and subtracts `lr / (1 - beta1^step) * m /
    (sqrt(v) / sqrt(1 - beta2^step) + eps)`. Scalar coefficients (the
    learning rate, the bias corrections) are computed in f64 and rounded to
    each argument's element type, as the eager optimizers do.

    Example: `adjit-opt --adjit-autodiff="function=loss wrt=0"
    --adjit-append-optimizer-update="function=loss_grad wrt=0 optimizer=sgd
    momentum=0.9"`. `jit::TrainStep` runs exactly this pipeline; with
    `ADJIT_DUMP_IR=<dir>` it writes it next to the traced IR so that
    `adjit-opt` can replay it (see docs/jit.md).

    With `state-results=K`, results 1 to K of the gradient function are not
    gradients but state the traced function writes (`jit::compile` puts
    batch norm's running statistics and the random generator's state there,
    see docs/jit.md): the gradients start at result K + 1, and the updated
    function returns the loss, those K results unchanged, then the updated
    arguments and states.

    Errors (with a diagnostic and no output): no `function`, no such
    function, a declaration or a function of several blocks, an out-of-range
    or repeated `wrt` index, a result count other than 1 + the number of
    `wrt` indices, a loss (result 0) that is not a one-element f32/f64
    tensor, a gradient whose type is not its argument's, a `wrt` argument
    that is not a statically shaped f32/f64 tensor, no default `wrt`
    (the number of f32/f64 tensor arguments differs from the number of
    gradients), an unknown `optimizer`, an option of the other optimizer, and
    the option values the eager optimizers reject (negative momentum or
    weight decay, `nesterov` without momentum or with dampening, betas
    outside [0, 1), negative eps; also NaN and infinite values).

    Parameter groups: `groups=0,1,1` puts each `wrt` argument in a group
    (as `optim::OptimizerParamGroup`); `weight-decay`, `beta1`, `beta2` and
    `eps` take one value for all groups or one per group, and the function
    takes one learning rate per group (`%lr0, %lr1, ..., %step`). SGD's
    momentum, dampening and nesterov are the same for all groups. With
    `clip-grad-norm=<max>` the gradients are first scaled together by
    `min(max / (norm + 1e-6), 1)`, where `norm` is their total 2-norm
    computed in f64 (`nn::utils::clip_grad_norm_`'s rule), and `norm` is
    returned as a last `tensor<f64>` result. Errors: a group list whose length
    is not the number of `wrt` arguments, a per-group list of another length
    than 1 or the number of groups, a negative group index, and a negative,
    NaN or infinite `clip-grad-norm`.
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"",
           "The gradient function to extend (required)">,
    ListOption<"wrt", "wrt", "int64_t",
               "The arguments whose gradients the function returns, in "
               "result order; each is updated (default: every f32/f64 "
               "tensor argument, as adjit-autodiff differentiates by "
               "default)">,
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"sgd\"",
           "The update rule: sgd, adam or adamw">,
    Option<"momentum", "momentum", "double", /*default=*/"0.0",
           "SGD's momentum factor">,
    Option<"dampening", "dampening", "double", /*default=*/"0.0",
           "SGD's dampening of the momentum">,
    Option<"nesterov", "nesterov", "bool", /*default=*/"false",
           "SGD with Nesterov momentum">,
    ListOption<"weightDecay", "weight-decay", "double",
               "L2 penalty added to the gradient (SGD and Adam), or the "
               "decoupled decay of AdamW: one value, or one per group "
               "(default 0)">,
    ListOption<"beta1", "beta1", "double",
               "Adam's decay rate of the first moment: one value, or one "
               "per group (default 0.9)">,
    ListOption<"beta2", "beta2", "double",
               "Adam's decay rate of the second moment: one value, or one "
               "per group (default 0.999)">,
    ListOption<"eps", "eps", "double",
               "Adam's term added to the denominator: one value, or one per "
               "group (default 1e-8)">,
    ListOption<"groups", "groups", "int64_t",
               "The parameter group of each wrt argument, in wrt order "
               "(default: all in group 0); each group has its own "
               "learning-rate argument">,
    Option<"clipGradNorm", "clip-grad-norm", "double", /*default=*/"0.0",
           "If positive, scale the gradients together so that their total "
           "2-norm is at most this before the update (clip_grad_norm_), and "
           "return the norm before clipping last">,
    Option<"stateResults", "state-results", "unsigned", /*default=*/"0",
           "How many results after the loss are not gradients but state "
           "the function writes (e.g. batch norm's running statistics); "
           "they stay right after the loss">,
  ];
  let dependentDialects = ["::mlir::adjit::AdjitDialect",
                           "::mlir::func::FuncDialect"];
}


def AdjitInsertGradientAllReduce
    : Pass<"adjit-insert-gradient-allreduce", "::mlir::ModuleOp"> {
  let summary = "Average a gradient function's gradients over the ranks, "
                "bucketed and overlapped with the backward computation";
  let description = [{
    Makes a gradient function, as adjit-autodiff generates it, return the
    gradients reduced over the ranks of the job (the mean by default, as
    data-parallel training needs): results `first-gradient` and later are
    the gradients. They are packed, in the order the backward computation
    finishes them (the position of their defining ops in the function), into
    buckets of at most `bucket-bytes` bytes of one element type (a larger
    gradient gets a bucket of its own; 0 makes one bucket per gradient). A
    bucket of several gradients is flattened with `adjit.reshape` and
    `adjit.concat`. Each bucket's `adjit.all_reduce_start` is placed right
    after its last gradient is computed, so the transfer runs while the rest
    of backward computes; its `adjit.all_reduce_wait` is placed right before
    the return, where the reduced gradients are used, followed by the
    `adjit.slice` and `adjit.reshape` that unpack the bucket. Buckets start
    in the same order on every rank. Uses of the gradients inside the
    function keep the local values. Run it before
    adjit-append-optimizer-update, so that the update uses the averages
    (`jit::TrainStep` with CompileOptions::distributed does).
    Example: `adjit-opt --adjit-autodiff="function=loss wrt=0,1"
    --adjit-insert-gradient-allreduce="function=loss_grad bucket-bytes=4096"`.
    Errors (with a diagnostic and no output): no `function`, no such
    function, a declaration or a function of several blocks,
    `first-gradient` past the results, a gradient that is not a statically
    shaped f32/f64 tensor, an unknown `reduce`, a negative `bucket-bytes`.
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"",
           "The gradient function (required)">,
    Option<"firstGradient", "first-gradient", "unsigned", /*default=*/"1",
           "The index of the first gradient result (1 after the loss; "
           "1 + K with K state results)">,
    Option<"bucketBytes", "bucket-bytes", "int64_t",
           /*default=*/"26214400",
           "The most bytes of gradients in one bucket (default 25 MiB; 0: "
           "one bucket per gradient)">,
    Option<"reduce", "reduce", "std::string", /*default=*/"\"mean\"",
           "The reduction over the ranks: mean or sum">,
  ];
  let dependentDialects = ["::mlir::adjit::AdjitDialect",
                           "::mlir::func::FuncDialect"];
}

#endif // ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_TD
