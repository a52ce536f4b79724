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
  ];
  let dependentDialects = ["::mlir::adjit::AdjitDialect",
                           "::mlir::func::FuncDialect"];
}

#endif // ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_TD
