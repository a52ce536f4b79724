//===- CompiledCall.h - compiled calls of transforms ------------*- C++ -*-===//
//
// The functional transforms (jit::grad, jit::vjp, lib/Tracing/Transforms.cpp)
// compile through the same machinery as jit::compile: one state per
// function, compilations cached per input signature and guarded by a
// shape-only replay. This header is what they use of it.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_TRACING_COMPILEDCALL_H
#define ADJIT_LIB_TRACING_COMPILEDCALL_H

#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"

#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <string>
#include <vector>

namespace adjit::jit::detail {

/// What a functional transform differentiates.
struct TransformRequest {
  enum class Kind {
    /// The gradient of the one one-element result w.r.t. `argnums`.
    Grad,
    /// Vector-Jacobian products of every floating-point result w.r.t. every
    /// floating-point input, each result taking a cotangent.
    Vjp,
  };
  Kind kind;
  /// jit::grad: the inputs differentiated, in the order of the gradients
  /// (negative ones count from the end, see resolveArgnum()).
  std::vector<int64_t> argnums;
  /// The API in messages ("jit::grad", "jit::vjp").
  const char *api;
};

/// Returns argnum `index` of a call with `count` inputs as an input index,
/// a negative one counting from the end (JAX's: -1 is the last input), or
/// -1 if it names no input.
inline int64_t resolveArgnum(int64_t index, size_t count) {
  int64_t inputs = static_cast<int64_t>(count);
  int64_t resolved = index < 0 ? index + inputs : index;
  return resolved >= 0 && resolved < inputs ? resolved : -1;
}

/// Wraps states of transformed functions in the API's classes.
struct TransformAccess {
  static CompiledMultiFunction
  makeMultiFunction(std::shared_ptr<CompiledFunction::State> state) {
    return CompiledMultiFunction(CompiledFunction(std::move(state)));
  }
};

/// Runs the jit::grad function `state` on `inputs`: compiled, or inside the
/// trace that observes the thread.
std::vector<Tensor> callGrad(CompiledFunction::State &state,
                             const std::vector<Tensor> &inputs);

/// Makes the state of a transformed function: `function`, compiled with
/// `options`, differentiated as `request` says.
std::shared_ptr<CompiledFunction::State>
makeTransformState(MultiTensorFunction function, CompileOptions options,
                   TransformRequest request);

/// Returns the function and request of `state`.
const MultiTensorFunction &getFunction(const CompiledFunction::State &state);
const TransformRequest &getRequest(const CompiledFunction::State &state);
const std::string &getName(const CompiledFunction::State &state);

/// The pullback of one call of a jit::vjp function: the compiled
/// vector-Jacobian product at that call's arguments.
struct Pullback {
  std::shared_ptr<const CompiledModule> module;
  /// The function computing (results, state, gradients) from (arguments,
  /// cotangents).
  std::string entry;
  /// The arguments of the call: the inputs, then the captured tensors.
  std::vector<Tensor> arguments;
  /// Their version counters at the call, to refuse a pullback after an
  /// in-place change.
  std::vector<uint64_t> versions;
  /// The results' types; the float ones take cotangents.
  std::vector<Shape> outputShapes;
  std::vector<Dtype> outputDtypes;
  /// The number of inputs, and of the state results after the outputs.
  size_t numInputs = 0;
  size_t numStateResults = 0;
  /// The inputs differentiated (float), in order.
  std::vector<size_t> wrt;
  std::string name;
};

/// What one call of a transformed function computed.
struct TransformCall {
  /// One inline: a call of a function of one result allocates no list.
  llvm::SmallVector<Tensor, 1> outputs;
  /// jit::grad: the gradient of each argnum.
  std::vector<Tensor> gradients;
  /// jit::vjp: the pullback at this call.
  std::shared_ptr<Pullback> pullback;
};

/// Runs `state`'s function on `inputs` compiled, tracing and compiling it
/// first if needed.
TransformCall callTransform(CompiledFunction::State &state,
                            const std::vector<Tensor> &inputs);

/// Runs `pullback` on `cotangents` (one per output) and returns the
/// cotangent of each input (undefined for an integer or bool input). Throws
/// adjit::Error naming shapes for cotangents of another number, shape or
/// dtype, or arguments changed in place since the call.
std::vector<Tensor> runPullback(const Pullback &pullback,
                                const std::vector<Tensor> &cotangents);

/// Chooses what a jit::grad or jit::vjp function `name` differentiates of a
/// trace with `outputs` and `inputs`: the arguments `wrt` and the results
/// `of`. Returns false if nothing is differentiable (a vjp of no float input
/// or output); throws adjit::Error for a jit::grad of a function that does
/// not return one float tensor of one element.
bool selectTransformed(const TransformRequest &request, const std::string &name,
                       const std::vector<Tensor> &outputs,
                       const std::vector<Tensor> &inputs,
                       std::vector<size_t> &wrt, std::vector<size_t> &of);

/// Throws adjit::Error unless `cotangents` has one tensor per output, of
/// its shape and dtype; `name` names the function.
void checkCotangents(const std::string &name,
                     const std::vector<Shape> &outputShapes,
                     const std::vector<Dtype> &outputDtypes,
                     const std::vector<Tensor> &cotangents);

/// Returns `function` as a function of one result.
MultiTensorFunction asMultiResult(TensorFunction function);

/// Returns the statistics and last IR of `state`.
CompileStats getStats(CompiledFunction::State &state);
std::string getLastIR(CompiledFunction::State &state);

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_TRACING_COMPILEDCALL_H
