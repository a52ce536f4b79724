//===- FoldUtils.h - helpers shared by the adjit folders --------*- C++ -*-===//

#ifndef ADJIT_LIB_DIALECT_ADJIT_IR_FOLDUTILS_H
#define ADJIT_LIB_DIALECT_ADJIT_IR_FOLDUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::adjit {

/// Constants with more elements than this are not folded elementwise (splats
/// always are), so that folding never blows up the size of a program.
inline constexpr int64_t kMaxFoldedElements = 1024;

/// Returns true if `attr` is a constant that folders may expand elementwise:
/// a splat, or a dense constant of at most kMaxFoldedElements elements.
inline bool isSmallConstant(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  return dense &&
         (dense.isSplat() || dense.getNumElements() <= kMaxFoldedElements);
}

/// Returns true if `attr` is a small constant (see isSmallConstant) of a
/// float element type; the folders that compute with APFloat take only these.
inline bool isSmallFloatConstant(Attribute attr) {
  return isSmallConstant(attr) &&
         isa<FloatType>(cast<DenseElementsAttr>(attr).getElementType());
}

/// Returns true if `attr` is a splat float constant whose value satisfies
/// `predicate`.
inline bool
isSplatFloatWhere(Attribute attr,
                  llvm::function_ref<bool(const APFloat &)> predicate) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat || !isa<FloatType>(splat.getElementType()))
    return false;
  return predicate(splat.getSplatValue<APFloat>());
}

/// Returns true if `attr` is a splat float constant equal to `value` (which
/// must be exactly representable in both f32 and f64).
inline bool isSplatFloat(Attribute attr, double value) {
  return isSplatFloatWhere(attr, [&](const APFloat &element) {
    return element.convertToDouble() == value;
  });
}

/// Returns `attr` reshaped to the type `type` if it is a splat, else null.
inline Attribute reshapeSplat(Attribute attr, ShapedType type) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return {};
  return SplatElementsAttr::get(type, splat.getSplatValue<Attribute>());
}

} // namespace mlir::adjit

#endif // ADJIT_LIB_DIALECT_ADJIT_IR_FOLDUTILS_H
