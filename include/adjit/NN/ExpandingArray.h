//===- ExpandingArray.h - Per-spatial-dim sizes of layer options -*- C++
//-*-===//

#ifndef ADJIT_NN_EXPANDINGARRAY_H
#define ADJIT_NN_EXPANDINGARRAY_H

#include "adjit/Error.h"
#include "adjit/Tensor.h"

#include <cstdint>
#include <initializer_list>
#include <string>

namespace adjit {
namespace nn {

/// A size per spatial dim (kernel, stride, padding, ...), given as one
/// integer for every dim or one per dim, as LibTorch's ExpandingArray:
/// `Conv2dOptions(1, 8, 3)` and `Conv2dOptions(1, 8, {3, 5})`.
template <size_t D> class ExpandingArray {
public:
  /// The same \p value for every dim.
  ExpandingArray(int64_t value) : values(D, value) {}
  /// One value per dim; throws adjit::Error for another count.
  ExpandingArray(std::initializer_list<int64_t> list) : values(list) {
    check();
  }
  ExpandingArray(const Shape &list) : values(list) { check(); }

  /// The values, one per spatial dim.
  const Shape &shape() const { return values; }
  operator const Shape &() const { return values; }
  int64_t operator[](size_t i) const { return values[i]; }

private:
  void check() const {
    if (values.size() != D)
      throw Error("ExpandingArray: expected " + std::to_string(D) +
                  " values (one per spatial dim), got " +
                  shapeToString(values));
  }
  Shape values;
};

} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_EXPANDINGARRAY_H
