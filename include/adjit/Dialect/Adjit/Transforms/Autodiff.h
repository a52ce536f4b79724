//===- Autodiff.h - reverse-mode differentiation of adjit functions -*- C++
//-*-===//

#ifndef ADJIT_DIALECT_ADJIT_TRANSFORMS_AUTODIFF_H
#define ADJIT_DIALECT_ADJIT_TRANSFORMS_AUTODIFF_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir::adjit {

/// The name of the function attribute by which a module requests gradient
/// functions: `adjit.grad = {wrt = [0, 2], of = [0], name = "f_grad"}`, every
/// entry optional, with the meaning of the GradientOptions fields.
inline constexpr llvm::StringLiteral kGradientRequestAttrName = "adjit.grad";

/// What `generateGradient` differentiates and how it names the result.
struct GradientOptions {
  /// Indices of the arguments to differentiate with respect to, in the order
  /// in which their gradients are returned. Default: every f32/f64 tensor
  /// argument.
  std::optional<SmallVector<int64_t>> wrt;
  /// Indices of the results whose vector-Jacobian products are summed.
  /// Default: every f32/f64 tensor result.
  std::optional<SmallVector<int64_t>> of;
  /// The name of the generated function. Default: `<function>_grad`.
  std::string name;
  /// Run canonicalization and CSE on the generated function.
  bool cleanup = true;
  /// Give single-element differentiated results a cotangent argument too,
  /// instead of seeding them with 1.
  bool scalarCotangents = false;
};

/// Generates the reverse-mode gradient function of `function` next to it in
/// its module, and returns it.
///
/// For `func.func @f(args...) -> (results...)` the generated function is
/// `@f_grad(args..., cotangents...) -> (results..., gradients...)`: it
/// returns the primal results followed by one gradient per `wrt` argument (of
/// that argument's type). A differentiated result with one element (rank 0 or
/// all dimensions 1) is seeded with 1 (unless `scalarCotangents`); every other
/// differentiated result takes its cotangent as an extra trailing argument, in
/// result order, and the gradients are vector-Jacobian products. Several
/// differentiated results contribute the sum of their products.
///
/// On failure (an unknown function shape, a non-float `wrt` argument, an
/// out-of-range index, an op without an adjoint rule on a differentiated
/// path, a name clash) emits a diagnostic naming the op or argument, leaves
/// the module unchanged and returns failure.
FailureOr<func::FuncOp> generateGradient(func::FuncOp function,
                                         const GradientOptions &options);

/// Looks up the function `functionName` in `module` and differentiates it as
/// above; emits a diagnostic on `module` if there is no such function.
FailureOr<func::FuncOp> generateGradient(ModuleOp module,
                                         StringRef functionName,
                                         const GradientOptions &options);

} // namespace mlir::adjit

#endif // ADJIT_DIALECT_ADJIT_TRANSFORMS_AUTODIFF_H
