//===- JIT.h - trace eager tensor code and run it compiled ------*- C++ -*-===//
//
// adjit::jit::compile turns a function of tensors, written with the eager
// API, into a callable that runs one compiled function per call: the traced
// forward computation and, when the result is a loss that needs gradients,
// its reverse-mode derivative in the IR, accumulating into .grad() as
// loss.backward() would.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_JIT_H
#define ADJIT_JIT_H

#include "adjit/Tensor.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace adjit::jit {

/// A function of tensors written with the eager API.
using TensorFunction = std::function<Tensor(const std::vector<Tensor> &)>;

/// Runs `function` on `inputs` once, recording its ops, and returns the
/// recorded adjit module as MLIR text (`adjit-opt` accepts it). The function
/// `@name` takes the inputs, then every tensor the function used without
/// making it (captured parameters and data), and returns the result.
std::string trace(const TensorFunction &function,
                  const std::vector<Tensor> &inputs,
                  const std::string &name = "traced");

/// How often a compiled function compiled and why.
struct CompileStats {
  /// Calls that traced and compiled.
  int64_t compilations = 0;
  /// Calls that ran code compiled before.
  int64_t cacheHits = 0;
  /// Why the last compilation happened, e.g. "first call" or
  /// "input 0 changed shape from [8, 1] to [16, 1]".
  std::string lastReason;
};

/// A function compiled by adjit::jit::compile. Copies share the compiled
/// code and the statistics.
class CompiledFunction {
public:
  /// Runs the function on `inputs`, tracing and compiling it first when the
  /// inputs' shapes, dtypes or requires_grad flags (or those of the tensors
  /// it captured) differ from every earlier compilation.
  ///
  /// If grad mode is on, the result has one element, and an input or a
  /// captured tensor requires grad, the compiled code also computes the
  /// gradient of the result and adds it to the .grad() of every such tensor,
  /// exactly as result.backward() would; the returned tensor then has no
  /// grad_fn. Throws adjit::Error if the function reads tensor values to the
  /// host (item, data_ptr) or uses an op that cannot be traced.
  Tensor operator()(const std::vector<Tensor> &inputs) const;

  template <typename... Tensors>
  Tensor operator()(const Tensor &first, const Tensors &...rest) const {
    return (*this)(std::vector<Tensor>{first, rest...});
  }

  /// Returns how often this function compiled and why.
  CompileStats getStats() const;

  /// Returns the IR of the last compilation: the traced function and, when
  /// differentiated, its gradient function.
  std::string getLastIR() const;

  struct State;

private:
  friend CompiledFunction compile(TensorFunction function, std::string name);
  friend class TrainStep;
  explicit CompiledFunction(std::shared_ptr<State> state)
      : state(std::move(state)) {}
  std::shared_ptr<State> state;
};

/// Options of a fused SGD training step: p -= lr * (grad + weightDecay * p).
struct SGDStepOptions {
  double learningRate = 0.01;
  double weightDecay = 0.0;
};

/// One compiled function per input signature that computes a loss, its
/// gradients and the SGD update of every tensor that requires grad (the
/// parameters the loss function captures, and inputs that require grad), and
/// writes the updated values into those tensors in place. It replaces
/// zero_grad(), loss.backward() and optimizer.step(); .grad() is not touched.
/// The learning rate is an input of the compiled code: changing it does not
/// recompile.
class TrainStep {
public:
  TrainStep(TensorFunction loss, SGDStepOptions options,
            std::string name = "train_step");

  /// Runs one step on `inputs` and returns the loss before the update.
  /// Throws adjit::Error if nothing requires grad or grad mode is off.
  Tensor operator()(const std::vector<Tensor> &inputs);

  template <typename... Tensors>
  Tensor operator()(const Tensor &first, const Tensors &...rest) {
    return (*this)(std::vector<Tensor>{first, rest...});
  }

  /// Sets the learning rate of the following steps.
  void setLearningRate(double learningRate) {
    options.learningRate = learningRate;
  }

  CompileStats getStats() const { return function.getStats(); }
  std::string getLastIR() const { return function.getLastIR(); }

private:
  CompiledFunction function;
  SGDStepOptions options;
};

/// Compiles `function` lazily: it is traced and compiled on its first call
/// and whenever its input signature changes. `name` names the traced IR
/// function. `ADJIT_LOG=1` prints a line per compilation with its reason;
/// `ADJIT_DUMP_IR=<dir>` writes the traced and differentiated IR of each
/// compilation to `<dir>/<name>-<n>.mlir`.
CompiledFunction compile(TensorFunction function, std::string name = "step");

} // namespace adjit::jit

#endif // ADJIT_JIT_H
