//===- Scan.h - a loop that carries state and stacks outputs ----*- C++ -*-===//
//
// adjit::jit::scan is JAX's lax.scan for the C++ API: a loop whose step is a
// function of the carried state and one slice of the scanned tensors. Run
// eagerly it is an ordinary loop with autograd; traced (jit::compile,
// jit::TrainStep, jit::trace) it becomes one `adjit.scan`, so the compiled
// code and its compile time do not grow with the number of steps.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_JIT_SCAN_H
#define ADJIT_JIT_SCAN_H

#include "adjit/JIT/ScanOptions.h"
#include "adjit/Runtime/Scan.h"
#include "adjit/Tensor.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace adjit::jit {

/// The step of a scan: `(carry, x) -> (next carry, y)`, each a list of
/// tensors.
using ScanFunction = runtime::ScanStep;

/// Scans `fn` over the leading dimension of the tensors `xs`, JAX's
/// `lax.scan(fn, init, xs, length)`:
///
///   carry = init
///   for i in 0 .. length - 1:
///     carry, y_i = fn(carry, [x[i] for x in xs])
///   return carry, [stack(y_0[k], ..., y_{length-1}[k]) for each output k]
///
/// Every tensor of `xs` must have the leading size `length` (taken from
/// `xs` if not given; required when `xs` is empty). A carry keeps its shape
/// and dtype from step to step, and each output its shape and dtype.
///
/// Run eagerly (not traced), the loop runs with autograd: gradients reach
/// `init`, `xs` and every tensor `fn` uses, as for any eager code. Traced
/// (inside jit::compile, jit::TrainStep or jit::trace), `fn` is traced once,
/// on the first step's slices, into the body of one `adjit.scan`; tensors
/// made before it that `fn` uses (parameters, data) enter the loop as its
/// invariants. `fn` must then compute the same ops at every step: a step
/// that branches on host state other than at the first step is not
/// recorded. A scan of length 0 calls `fn` once on zeros to learn the
/// outputs' shapes (eagerly without gradients) and returns `init` and empty
/// stacks. `fn` may be called more than once per scan when traced (to find
/// which carries require grad), so it should have no host side effects.
///
/// `options` (ScanOptions) run the steps backwards (`reverse`), choose
/// what the traced scan's adjoint keeps (`checkpoint`), and give a trip
/// count `n` known only at run time (`length`, a 0-d int64 tensor): `length`
/// above is then its bound, the scan runs `n` steps and the rows from `n` on
/// of the stacked outputs are zero. Eagerly, every step's values are kept
/// for autograd whatever the checkpoint policy.
///
/// Throws adjit::Error naming the shapes if a scanned tensor is 0-d, the
/// leading sizes differ from each other or from `length`, there is no
/// scanned tensor and no `length`, `length` is negative, or `fn` returns a
/// carry of another shape or dtype or a different number of carries, or
/// outputs whose shapes or dtypes change between steps; naming the policy
/// and the length if a checkpoint every(K) has K < 1 or K > length; and
/// naming `n` and the bound if the run-time length is not a 0-d int64
/// tensor or lies outside [0, length] (checked again on every call of a
/// compiled function).
std::pair<std::vector<Tensor>, std::vector<Tensor>>
scan(const ScanFunction &fn, const std::vector<Tensor> &init,
     const std::vector<Tensor> &xs,
     std::optional<int64_t> length = std::nullopt,
     const ScanOptions &options = ScanOptions());

/// scan() of `fn` over `xs` (which give the length) with `options`.
std::pair<std::vector<Tensor>, std::vector<Tensor>>
scan(const ScanFunction &fn, const std::vector<Tensor> &init,
     const std::vector<Tensor> &xs, const ScanOptions &options);

/// scan() of one carry and one scanned tensor, with one output per step:
/// `fn(carry, x) -> (next carry, y)`; returns (final carry, stacked ys).
std::pair<Tensor, Tensor>
scan(const std::function<std::pair<Tensor, Tensor>(const Tensor &,
                                                   const Tensor &)> &fn,
     const Tensor &init, const Tensor &xs,
     const ScanOptions &options = ScanOptions());

} // namespace adjit::jit

#endif // ADJIT_JIT_SCAN_H
