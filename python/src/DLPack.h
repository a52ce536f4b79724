//===- DLPack.h - the DLPack C ABI (v0.8 structures) ------------*- C++ -*-===//
//
// The structures of the DLPack exchange format (https://github.com/dmlc/dlpack,
// Apache-2.0), declared here because Debian packages no dlpack.h. The layout
// is the stable ABI every DLPack producer and consumer shares (NumPy >= 1.22,
// PyTorch >= 1.10): a DLManagedTensor passed in a PyCapsule named
// "dltensor", renamed "used_dltensor" by the consumer that takes it over.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_PYTHON_DLPACK_H
#define ADJIT_PYTHON_DLPACK_H

#include <cstdint>

extern "C" {

/// Device types; adjit tensors live on the CPU.
enum DLDeviceType : int32_t { kDLCPU = 1 };

struct DLDevice {
  int32_t device_type;
  int32_t device_id;
};

/// Type codes of DLDataType.
enum DLDataTypeCode : uint8_t {
  kDLInt = 0,
  kDLUInt = 1,
  kDLFloat = 2,
  kDLOpaqueHandle = 3,
  kDLBfloat = 4,
  kDLComplex = 5,
  kDLBool = 6,
};

struct DLDataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
};

struct DLTensor {
  void *data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t *shape;
  /// In elements; null means compact row-major.
  int64_t *strides;
  uint64_t byte_offset;
};

struct DLManagedTensor {
  DLTensor dl_tensor;
  void *manager_ctx;
  void (*deleter)(DLManagedTensor *self);
};
}

#endif // ADJIT_PYTHON_DLPACK_H
