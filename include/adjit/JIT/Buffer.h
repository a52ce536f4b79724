//===- Buffer.h - host buffers passed to and from JIT code ------*- C++ -*-===//

#ifndef ADJIT_JIT_BUFFER_H
#define ADJIT_JIT_BUFFER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace adjit::jit {

/// Element types of the tensors compiled functions take and return. `I1`
/// elements are bytes holding 0 or 1; `I64` elements are signed 64-bit
/// integers.
enum class ElementType { F32, F64, I1, I64 };

/// Returns the size in bytes of one element of `type`.
size_t getElementSize(ElementType type);

/// Returns the MLIR spelling of `type`: `f32`, `f64`, `i1` or `i64`.
std::string toString(ElementType type);

/// Formats `value`, an element of a tensor of the float type `type`, as an
/// MLIR float literal that parses back to the same value (NaN and infinities
/// as hexadecimal bit patterns).
std::string formatFloatLiteral(double value, ElementType type);

/// The type of a tensor argument or result: element type and static shape.
struct TensorType {
  ElementType elementType = ElementType::F32;
  std::vector<int64_t> shape;

  /// Returns the number of elements, the product of the shape.
  int64_t getNumElements() const;
  /// Returns the size in bytes of a tensor of this type, or nothing if it
  /// overflows int64_t (a shape no buffer can hold).
  std::optional<int64_t> getSizeInBytes() const;
  /// Returns the MLIR spelling, e.g. `tensor<2x3xf32>`.
  std::string str() const;

  friend bool operator==(const TensorType &a, const TensorType &b) {
    return a.elementType == b.elementType && a.shape == b.shape;
  }
  friend bool operator!=(const TensorType &a, const TensorType &b) {
    return !(a == b);
  }
};

/// A caller's buffer passed to a compiled function, not owned. `strides` are
/// in elements; empty means row-major contiguous. Non-contiguous buffers are
/// copied before the call. Compiled code never writes to arguments.
struct BufferView {
  const void *data = nullptr;
  TensorType type;
  std::vector<int64_t> strides;
};

/// A row-major buffer returned by a compiled function, owned by this object.
class Buffer {
public:
  /// Allocates an uninitialized row-major buffer of `type`.
  explicit Buffer(TensorType type);

  /// Takes ownership of `allocation` (released with `free`), whose row-major
  /// elements start at `data`.
  static Buffer adopt(TensorType type, void *allocation, void *data);

  const TensorType &getType() const { return type; }
  ElementType getElementType() const { return type.elementType; }
  const std::vector<int64_t> &getShape() const { return type.shape; }
  int64_t getNumElements() const { return type.getNumElements(); }

  void *getData() { return data; }
  const void *getData() const { return data; }
  /// Returns the elements as `T`, which must match the element type
  /// (`float`, `double`, `uint8_t` for `i1`, `int64_t` for `i64`).
  template <typename T> T *getDataAs() { return static_cast<T *>(data); }
  template <typename T> const T *getDataAs() const {
    return static_cast<const T *>(data);
  }

  /// Returns a view of this buffer, to pass it to a compiled function.
  BufferView getView() const { return BufferView{data, type, {}}; }

  /// Frees the elements and takes ownership of `allocation` as adopt()
  /// does, in place: the shape list keeps its capacity, so that a list of
  /// buffers reused from call to call allocates nothing.
  void readopt(const TensorType &newType, void *newAllocation, void *newData);

  /// Frees the elements (the data becomes null), keeping the type.
  void releaseElements();

  /// Returns the allocation that holds the elements (at or before the data).
  void *getAllocation() const { return allocation.get(); }

  /// Gives up ownership of the elements without freeing them (the data
  /// becomes null, the type stays) and returns their allocation, which
  /// `freeAllocation` frees.
  void *releaseAllocation();

  /// Frees an allocation returned by releaseAllocation().
  static void freeAllocation(void *allocation);

private:
  struct FreeDeleter {
    void operator()(void *pointer) const;
  };
  Buffer(TensorType type, void *allocation, void *data);

  TensorType type;
  std::unique_ptr<void, FreeDeleter> allocation;
  void *data = nullptr;
};

} // namespace adjit::jit

#endif // ADJIT_JIT_BUFFER_H
