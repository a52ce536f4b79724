//===- Buffer.cpp - host buffers passed to and from JIT code --------------===//

#include "adjit/JIT/Buffer.h"

#include "BufferAllocator.h"

#include "adjit/Error.h"

#include "llvm/ADT/bit.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace adjit::jit;

size_t adjit::jit::getElementSize(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return 4;
  case ElementType::F64:
    return 8;
  case ElementType::I1:
    return 1;
  case ElementType::I64:
    return 8;
  }
  return 0;
}

std::string adjit::jit::toString(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "f32";
  case ElementType::F64:
    return "f64";
  case ElementType::I1:
    return "i1";
  case ElementType::I64:
    return "i64";
  }
  return "?";
}

std::string adjit::jit::formatFloatLiteral(double value, ElementType type) {
  bool isF32 = type == ElementType::F32;
  char text[64];
  if (std::isnan(value))
    return isF32 ? "0x7FC00000" : "0x7FF8000000000000";
  if (std::isinf(value)) {
    if (isF32)
      std::snprintf(text, sizeof(text), "0x%08" PRIX32,
                    llvm::bit_cast<uint32_t>(static_cast<float>(value)));
    else
      std::snprintf(text, sizeof(text), "0x%016" PRIX64,
                    llvm::bit_cast<uint64_t>(value));
    return text;
  }
  std::snprintf(text, sizeof(text), isF32 ? "%.9g" : "%.17g", value);
  std::string result = text;
  // MLIR float literals need a '.' before any exponent.
  if (result.find('.') == std::string::npos) {
    size_t exponent = result.find('e');
    if (exponent == std::string::npos)
      result += ".0";
    else
      result.insert(exponent, ".0");
  }
  return result;
}

int64_t TensorType::getNumElements() const {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

std::optional<int64_t> TensorType::getSizeInBytes() const {
  int64_t bytes = static_cast<int64_t>(getElementSize(elementType));
  for (int64_t size : shape)
    if (__builtin_mul_overflow(bytes, size, &bytes))
      return std::nullopt;
  return bytes;
}

std::string TensorType::str() const {
  std::string text = "tensor<";
  for (int64_t size : shape)
    text += std::to_string(size) + "x";
  return text + toString(elementType) + ">";
}

void Buffer::FreeDeleter::operator()(void *pointer) const {
  detail::deallocateBuffer(pointer);
}

Buffer::Buffer(TensorType type, void *allocation, void *data)
    : type(std::move(type)), allocation(allocation), data(data) {}

Buffer::Buffer(TensorType type) : type(std::move(type)) {
  size_t bytes = std::max<size_t>(
      1, getNumElements() * getElementSize(this->type.elementType));
  void *memory = detail::allocateBuffer(bytes);
  if (!memory)
    throw adjit::Error("jit::Buffer: cannot allocate " + std::to_string(bytes) +
                       " bytes for " + this->type.str());
  allocation.reset(memory);
  data = memory;
}

Buffer Buffer::adopt(TensorType type, void *allocation, void *data) {
  return Buffer(std::move(type), allocation, data);
}

void Buffer::readopt(const TensorType &newType, void *newAllocation,
                     void *newData) {
  type.elementType = newType.elementType;
  type.shape.assign(newType.shape.begin(), newType.shape.end());
  allocation.reset(newAllocation);
  data = newData;
}

void Buffer::releaseElements() {
  allocation.reset();
  data = nullptr;
}

void *Buffer::releaseAllocation() {
  data = nullptr;
  return allocation.release();
}

void Buffer::freeAllocation(void *allocation) {
  detail::deallocateBuffer(allocation);
}
