//===- JIT.h - trace eager tensor code and run it compiled ------*- C++ -*-===//
//
// adjit::jit::compile turns a function of tensors, written with the eager
// API, into a callable that runs one compiled function per call: the traced
// forward computation and, when the result is a loss that needs gradients,
// its reverse-mode derivative in the IR, accumulating into .grad() as
// loss.backward() would. adjit::jit::TrainStep compiles an optimizer's update
// (SGD or Adam) into that function too.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_JIT_H
#define ADJIT_JIT_H

#include "adjit/JIT/Scan.h"
#include "adjit/JIT/Tier.h"
#include "adjit/Optim.h"
#include "adjit/Tensor.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace adjit::jit {

/// A function of tensors written with the eager API.
using TensorFunction = std::function<Tensor(const std::vector<Tensor> &)>;

/// A function of tensors that returns several tensors.
using MultiTensorFunction =
    std::function<std::vector<Tensor>(const std::vector<Tensor> &)>;

/// Runs `function` on `inputs` once, recording its ops, and returns the
/// recorded adjit module as MLIR text (`adjit-opt` accepts it). The function
/// `@name` takes the inputs, then every tensor the function used without
/// making it (captured parameters and data), and returns the result.
std::string trace(const TensorFunction &function,
                  const std::vector<Tensor> &inputs,
                  const std::string &name = "traced");

/// As above, for a function returning several tensors: `@name` returns them
/// in order.
std::string trace(const MultiTensorFunction &function,
                  const std::vector<Tensor> &inputs,
                  const std::string &name = "traced");

/// How often a compiled function compiled and why.
struct CompileStats {
  /// Calls that traced and compiled.
  int64_t compilations = 0;
  /// Of those, the ones whose machine code came from the persistent cache
  /// on disk (written by an earlier process or engine), skipping lowering
  /// and code generation (see EngineOptions::diskCacheDirectory).
  int64_t diskHits = 0;
  /// Calls that ran code compiled before.
  int64_t cacheHits = 0;
  /// Shape-only replays of the function that checked whether compiled code
  /// still applies (see CompileOptions::assumePure).
  int64_t replays = 0;
  /// Why the last compilation happened, e.g. "first call",
  /// "input 0 changed shape from [8, 1] to [16, 1]" or
  /// "scalar operand 1 of mul (op 3) changed from 0.5 to 0.25".
  std::string lastReason;
  /// Calls that ran fast-tier code, and calls that ran optimized code (see
  /// jit::EngineOptions::tiering and docs/jit.md, "Tiers").
  int64_t fastTierCalls = 0;
  int64_t optimizedTierCalls = 0;
  /// The tier of the code the last call ran.
  Tier lastTier = Tier::Optimized;
  /// Compilations whose optimized code replaced their fast code, counted by
  /// the first call that ran it.
  int64_t tierUps = 0;
  /// The compiled versions kept now (at most CompileOptions::maxCompilations).
  int64_t versions = 0;
  /// Versions dropped to compile another beyond
  /// CompileOptions::maxCompilations, the least recently used first.
  int64_t evictions = 0;
  /// Versions dropped because a tensor they captured was released (the
  /// function now uses another one), so that they can never run again. A
  /// version holds the tensors it captured, so that calls pass them to
  /// compiled code without reference counting: a tensor that only compiled
  /// versions still hold counts as released, and lives until a call of each
  /// function holding it drops those versions (or the function is
  /// destroyed).
  int64_t staleDropped = 0;
  /// Compilations whose optimized compile a call saw queued, and why the
  /// last one was, e.g. "after 2 calls" (see
  /// jit::EngineOptions::tierUpAfterCalls) or "after the first compile".
  int64_t tierUpsScheduled = 0;
  std::string tierUpReason;
};

/// Blocks until the background compiles of the optimized tier queued so far
/// have finished; later calls of their functions run optimized code. A
/// function whose calls have not reached jit::EngineOptions::tierUpAfterCalls
/// has queued none: it keeps its fast code, and this does not wait for it.
void waitForTierUps();

/// Data-parallel training inside compiled code: the gradients are averaged
/// over the ranks of the job (adjit::distributed) by all-reduces that the
/// compiled function starts as soon as each bucket of gradients is computed
/// and waits for where they are used (docs/distributed.md).
struct DistributedOptions {
  /// The most bytes of gradients per all-reduce (default 25 MiB, as
  /// DistributedDataParallel's bucket_cap_mb; 0: one all-reduce per
  /// gradient).
  int64_t bucketBytes = 25 * 1024 * 1024;
};

/// How adjit::jit::compile compiles a function.
struct CompileOptions {
  /// The name of the traced IR function.
  std::string name = "step";
  /// By default, before compiled code is reused the function is run again in
  /// shape-only mode: its ops run no kernels and are compared with the
  /// traced ones (kind, attributes, scalar operands, constants, operands,
  /// grad mode). A difference, e.g. from a captured host `double` that
  /// changed or a C++ branch on host state that went the other way,
  /// compiles the function again. Setting assumePure skips that replay: it
  /// is UNSOUND, and only correct for functions whose ops depend on nothing
  /// but the shapes, dtypes and requires_grad flags of their tensors; a
  /// function that reads host state then silently returns stale results.
  bool assumePure = false;
  /// Set: the gradients (accumulated into .grad() by jit::compile, used by
  /// the update of jit::TrainStep) are the mean over the ranks of the job,
  /// computed inside the compiled function. distributed::init() must have
  /// been called. Every call first checks that all ranks pass inputs of the
  /// same shapes and dtypes, and each compilation broadcasts the trained
  /// tensors from rank 0, so that the replicas start equal.
  std::optional<DistributedOptions> distributed;
  /// The most compiled versions (one per input signature or traced path)
  /// kept; compiling another drops the least recently used one, whose
  /// module is freed unless the engine's cache or another function still
  /// holds it. At least 1.
  size_t maxCompilations = 8;
};

class CompiledMultiFunction;

namespace detail {
/// Makes compiled functions of the functional transforms (lib/Tracing).
struct TransformAccess;

/// A list of call inputs taken from a list of the thread's own and given
/// back, emptied but with its capacity, when destroyed: the variadic call
/// operators build their inputs in one, so that their calls allocate no list
/// once the thread has made a few.
class PooledInputs {
public:
  PooledInputs();
  ~PooledInputs();
  PooledInputs(const PooledInputs &) = delete;
  PooledInputs &operator=(const PooledInputs &) = delete;

  /// Returns the list of `tensors`.
  template <typename... Tensors>
  const std::vector<Tensor> &assign(const Tensors &...tensors) {
    (list->push_back(tensors), ...);
    return *list;
  }

private:
  std::vector<Tensor> *list;
};
} // namespace detail

/// A function compiled by adjit::jit::compile. Copies share the compiled
/// code and the statistics.
class CompiledFunction {
public:
  /// Runs the function on `inputs`, tracing and compiling it first when the
  /// inputs' shapes, dtypes or requires_grad flags (or those of the tensors
  /// it captured) differ from every earlier compilation, or when the
  /// function, replayed in shape-only mode, runs other ops than were traced
  /// (see CompileOptions). The function itself thus runs once per call,
  /// with no kernels when compiled code is reused: its host side effects
  /// happen on every call, and twice on a call that recompiles after a
  /// replay found a difference. Up to CompileOptions::maxCompilations
  /// compiled versions are kept, the least recently used dropped first.
  ///
  /// Host scalars that change from call to call (a learning rate, a
  /// schedule's factor) are best passed as 0-d tensor inputs: a captured
  /// `double` is a constant of the trace, and changing it recompiles.
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
    detail::PooledInputs inputs;
    return (*this)(inputs.assign(first, rest...));
  }

  /// Returns how often this function compiled and why.
  CompileStats getStats() const;

  /// Returns the IR of the last compilation: the traced function and, when
  /// differentiated, its gradient function.
  std::string getLastIR() const;

  /// The function, its options and its compilations (lib/Tracing).
  struct State;

private:
  friend CompiledFunction compile(TensorFunction function,
                                  CompileOptions options);
  friend CompiledMultiFunction compile(MultiTensorFunction function,
                                       CompileOptions options);
  friend struct detail::TransformAccess;
  friend class CompiledMultiFunction;
  friend class TrainStep;
  explicit CompiledFunction(std::shared_ptr<State> state)
      : state(std::move(state)) {}
  std::shared_ptr<State> state;
};

/// A function returning several tensors, compiled by adjit::jit::compile.
/// Copies share the compiled code and the statistics.
class CompiledMultiFunction {
public:
  /// Runs the function on `inputs` as CompiledFunction::operator() does and
  /// returns its results in order, as computed: a result that is an input or
  /// a captured tensor is returned as a new tensor with its value, and a
  /// tensor returned twice is returned twice. With one result, grad mode on
  /// and a tensor that requires grad, the gradients of a one-element result
  /// are accumulated into .grad() as CompiledFunction does. With several
  /// results nothing is differentiated: the results carry no grad_fn and do
  /// not require grad (so backward() on one of them throws), and gradients
  /// of such a function come from jit::grad and jit::vjp
  /// (adjit/JIT/Transforms.h).
  std::vector<Tensor> operator()(const std::vector<Tensor> &inputs) const;

  template <typename... Tensors>
  std::vector<Tensor> operator()(const Tensor &first,
                                 const Tensors &...rest) const {
    detail::PooledInputs inputs;
    return (*this)(inputs.assign(first, rest...));
  }

  /// Returns how often this function compiled and why.
  CompileStats getStats() const { return function.getStats(); }
  /// Returns the IR of the last compilation.
  std::string getLastIR() const { return function.getLastIR(); }

private:
  friend CompiledMultiFunction compile(MultiTensorFunction function,
                                       CompileOptions options);
  friend struct detail::TransformAccess;
  explicit CompiledMultiFunction(CompiledFunction function)
      : function(std::move(function)) {}
  CompiledFunction function;
};

/// The update rule of a TrainStep: eager optim::SGD's (momentum, dampening,
/// Nesterov momentum, weight decay), optim::Adam's (betas, eps, weight
/// decay, bias correction) or optim::AdamW's (Adam's with decoupled weight
/// decay), with the same options and formulas.
using OptimizerOptions =
    std::variant<optim::SGDOptions, optim::AdamOptions, optim::AdamWOptions>;

/// One compiled function per input signature that computes a loss, its
/// gradients and the optimizer update of every tensor that requires grad
/// (the parameters the loss function captures, and inputs that require
/// grad), and writes the updated values into those tensors in place. It
/// replaces zero_grad(), loss.backward(), an optional
/// nn::utils::clip_grad_norm_ and optimizer.step(); .grad() is not touched.
/// The optimizer state (momentum buffers, Adam's first and second moments)
/// lives in tensors the TrainStep owns, one set per trained tensor, which the
/// compiled code reads and updates. The learning rate of each parameter group
/// and the step count are inputs of the compiled code: changing them (by hand
/// or with an optim::LRScheduler on optimizer()) does not recompile. Other
/// options are compiled in: changing them through optimizer() compiles the
/// step again on the next call, keeping the optimizer state.
class TrainStep {
public:
  /// Trains with the update rule of optim::SGD with `options`. Throws
  /// adjit::Error for options optim::SGD rejects.
  TrainStep(TensorFunction loss, optim::SGDOptions options,
            std::string name = "train_step");
  /// Trains with the update rule of optim::Adam with `options`. Throws
  /// adjit::Error for options optim::Adam rejects.
  TrainStep(TensorFunction loss, optim::AdamOptions options,
            std::string name = "train_step");
  /// Trains with the update rule of optim::AdamW with `options`. Throws
  /// adjit::Error for options optim::AdamW rejects.
  TrainStep(TensorFunction loss, optim::AdamWOptions options,
            std::string name = "train_step");
  /// As above, compiled with `compileOptions`.
  TrainStep(TensorFunction loss, optim::SGDOptions options,
            CompileOptions compileOptions);
  TrainStep(TensorFunction loss, optim::AdamOptions options,
            CompileOptions compileOptions);
  TrainStep(TensorFunction loss, optim::AdamWOptions options,
            CompileOptions compileOptions);
  /// Trains the parameters of `groups` with the update rule of optim::SGD
  /// (optim::Adam, optim::AdamW) made from `groups` and `defaults`, each
  /// group with its options, as that optimizer would. Every tensor the loss
  /// uses that requires grad must be in a group (else the first call throws
  /// adjit::Error); the groups are checked as the eager optimizer checks
  /// them. SGD's momentum, dampening and nesterov must be the same in all
  /// groups.
  TrainStep(TensorFunction loss,
            const std::vector<optim::OptimizerParamGroup> &groups,
            optim::SGDOptions defaults,
            CompileOptions compileOptions = CompileOptions{"train_step"});
  TrainStep(TensorFunction loss,
            const std::vector<optim::OptimizerParamGroup> &groups,
            optim::AdamOptions defaults,
            CompileOptions compileOptions = CompileOptions{"train_step"});
  TrainStep(TensorFunction loss,
            const std::vector<optim::OptimizerParamGroup> &groups,
            optim::AdamWOptions defaults,
            CompileOptions compileOptions = CompileOptions{"train_step"});

  /// Runs one step on `inputs` and returns the loss before the update.
  /// Throws adjit::Error if nothing requires grad or grad mode is off.
  Tensor operator()(const std::vector<Tensor> &inputs);

  template <typename... Tensors>
  Tensor operator()(const Tensor &first, const Tensors &...rest) {
    detail::PooledInputs inputs;
    return (*this)(inputs.assign(first, rest...));
  }

  /// Sets the learning rate of every parameter group for the following
  /// steps; throws adjit::Error if it is negative.
  void setLearningRate(double learningRate);
  /// Returns the learning rate of the first parameter group in the next
  /// step.
  double getLearningRate() const;

  /// Clips the gradients by their total 2-norm before each update, inside
  /// the compiled step, as nn::utils::clip_grad_norm_(parameters, maxNorm)
  /// would between backward() and step(): each gradient is scaled by
  /// min(maxNorm / (norm + 1e-6), 1). Throws adjit::Error unless maxNorm is
  /// positive and finite. The next call compiles again.
  TrainStep &clip_grad_norm(double maxNorm);
  /// Returns the gradients' total 2-norm before clipping in the last step,
  /// as clip_grad_norm_ returns it; NaN before the first step with clipping.
  double getLastGradNorm() const;

  /// The optimizer whose parameter groups and options this step follows
  /// (it is never stepped itself): `optimizer().param_groups()[i].options()`
  /// reads and sets group i's options, and a schedule such as
  /// `optim::CosineWarmupLR(step.optimizer(), ...)` sets the learning rates.
  /// Not to be changed while another thread runs the step.
  optim::Optimizer &optimizer();

  /// Returns the number of steps run so far. Adam's bias correction in the
  /// next step uses getStepCount() + 1, as optim::Adam's does after as many
  /// step() calls.
  int64_t getStepCount() const;

  /// Returns the options of the first parameter group, with its current
  /// learning rate.
  OptimizerOptions getOptions() const;

  CompileStats getStats() const { return function.getStats(); }
  std::string getLastIR() const { return function.getLastIR(); }

private:
  /// `implicitGroup`: `optimizer` has one group, with no parameters, which
  /// trains every tensor that requires grad.
  TrainStep(TensorFunction loss, std::unique_ptr<optim::Optimizer> optimizer,
            bool implicitGroup, CompileOptions compileOptions);
  CompiledFunction function;
};

/// Compiles `function` lazily: it is traced and compiled on its first call
/// and whenever its input signature changes. `name` names the traced IR
/// function. `ADJIT_LOG=1` prints a line per compilation with its reason;
/// `ADJIT_DUMP_IR=<dir>` writes the IR of the n-th compilation (from 0) of a
/// function of this name in the process as
/// `<dir>/<name>-<n>-traced.mlir` (as recorded), `-differentiated.mlir` (with
/// the gradient function and any optimizer update; only when differentiated)
/// and `-lowered.mlir` (the LLVM dialect module the adjit-to-llvm pipeline
/// makes of the compiled module), each of which `adjit-opt` parses, and
/// `-pipeline.txt` (only when differentiated), the pass pipeline that
/// `adjit-opt --pass-pipeline=` runs to turn the traced file into the
/// differentiated one. `<dir>` is created if it does not exist.
CompiledFunction compile(TensorFunction function, std::string name = "step");

/// Compiles `function` as above, with `options`.
CompiledFunction compile(TensorFunction function, CompileOptions options);

/// Compiles `function`, which returns several tensors, as above (see
/// CompiledMultiFunction for what a call returns and differentiates).
CompiledMultiFunction compile(MultiTensorFunction function,
                              std::string name = "step");
CompiledMultiFunction compile(MultiTensorFunction function,
                              CompileOptions options);

} // namespace adjit::jit

#endif // ADJIT_JIT_H
