//===- Transforms.h - compiled functional transforms: grad, vjp -*- C++ -*-===//
//
// adjit::jit::grad and adjit::jit::vjp differentiate a function written with
// the eager API as JAX's grad and vjp do, and compile it: the function is
// traced into adjit IR, the adjit-autodiff pass derives its adjoint in the
// IR, and the engine compiles both. Called while another transform or
// jit::compile traces, a transform emits its traced and differentiated body
// into that trace instead of calling compiled code, so transforms compose:
// jit::grad(jit::grad(f)) is a second derivative derived in the IR.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_JIT_TRANSFORMS_H
#define ADJIT_JIT_TRANSFORMS_H

#include "adjit/JIT.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace adjit::jit {

/// The gradient of a function, made by jit::grad: a compiled function whose
/// call returns the gradient of the function's result w.r.t. each input of
/// argnums, in argnums order, each of its input's shape and dtype. A call
/// does not touch .grad() and the gradients carry no grad_fn, whatever the
/// inputs' requires_grad flags and the grad mode. The first call for an
/// input signature traces and compiles, as jit::compile does (the same
/// cache key, guard replay and statistics). A call throws adjit::Error if an
/// argnum is out of range or names an integer or bool input, or the
/// function does not return one floating-point tensor of one element.
using GradFunction = CompiledMultiFunction;

/// Returns the gradient of `function`, whose result must be one
/// floating-point tensor with one element, w.r.t. its inputs `argnums` (JAX's
/// grad; default: input 0; -1 is the last input), compiled. `options.name`
/// names the traced function (default "grad").
GradFunction grad(MultiTensorFunction function,
                  std::vector<int64_t> argnums = {0},
                  CompileOptions options = CompileOptions{"grad"});
GradFunction grad(TensorFunction function, std::vector<int64_t> argnums = {0},
                  CompileOptions options = CompileOptions{"grad"});

/// The pullback of jit::vjp: maps one cotangent per output (a tensor of the
/// output's shape and dtype; those of integer or bool outputs are ignored)
/// to one cotangent per input (of the input's shape and dtype; undefined for
/// an integer or bool input).
using Pullback =
    std::function<std::vector<Tensor>(const std::vector<Tensor> &)>;

/// What jit::vjp returns: the function's outputs and its pullback at the
/// inputs.
struct VjpResult {
  std::vector<Tensor> outputs;
  Pullback pullback;
};

/// A function whose calls return their outputs and pullbacks, made by
/// jit::vjp(function). Copies share the compiled code and the statistics.
class VjpFunction {
public:
  /// Runs the function compiled on `inputs` and returns its outputs (no
  /// grad_fn) and its pullback at `inputs`. One compilation per input
  /// signature holds the function and its vector-Jacobian product, which the
  /// pullback runs on the arguments of this call: it recomputes the
  /// function's values rather than keeping them. It throws adjit::Error if
  /// an input or captured tensor was changed in place since (state the
  /// function writes, such as dropout's generator, is kept as it was).
  VjpResult operator()(const std::vector<Tensor> &inputs) const;

  /// Returns how often this function compiled and why.
  CompileStats getStats() const;
  /// Returns the IR of the last compilation (the traced function and its
  /// vector-Jacobian product `@<name>_vjp`).
  std::string getLastIR() const;

  /// The transformed function and its compilations (lib/Tracing).
  struct Impl;

private:
  friend VjpFunction vjp(MultiTensorFunction function, CompileOptions options);
  explicit VjpFunction(std::shared_ptr<Impl> impl) : impl(std::move(impl)) {}
  std::shared_ptr<Impl> impl;
};

/// Returns `function` as a function that also returns its pullback, compiled
/// (JAX's vjp, made once and called on many inputs). `options.name` names
/// the traced function (default "vjp").
VjpFunction vjp(MultiTensorFunction function,
                CompileOptions options = CompileOptions{"vjp"});
VjpFunction vjp(TensorFunction function,
                CompileOptions options = CompileOptions{"vjp"});

/// Returns the outputs of `function` at `inputs` and its pullback there,
/// compiled: jit::vjp(function)(inputs). Calls with equal traces share the
/// compiled code through the engine's cache.
VjpResult vjp(MultiTensorFunction function, const std::vector<Tensor> &inputs);
VjpResult vjp(TensorFunction function, const std::vector<Tensor> &inputs);

} // namespace adjit::jit

#endif // ADJIT_JIT_TRANSFORMS_H
