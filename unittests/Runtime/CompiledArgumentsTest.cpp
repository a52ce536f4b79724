//===- CompiledArgumentsTest.cpp - tensors passed to compiled code --------===//

#include "adjit/Runtime/CompiledArguments.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

using namespace adjit;

namespace {

/// Elements allocated with malloc and the number of times release() freed
/// such an allocation.
int released = 0;
void release(void *allocation) {
  ++released;
  std::free(allocation);
}

/// A malloc'ed copy of `values`, as compiled code would return it.
float *newElements(std::initializer_list<float> values) {
  auto *data = static_cast<float *>(std::malloc(values.size() * sizeof(float)));
  std::memcpy(data, values.begin(), values.size() * sizeof(float));
  return data;
}

TEST(AdoptElements, AnUnsharedTensorTakesTheElementsWithoutACopy) {
  released = 0;
  {
    Tensor t = zeros({2, 2});
    Tensor sameTensor = t; // another handle of the same tensor, not a view
    float *data = newElements({1, 2, 3, 4});
    ASSERT_TRUE(
        runtime::adoptElements(t, data, 4 * sizeof(float), data, &release));
    EXPECT_EQ(t.data_ptr<float>(), data);
    EXPECT_TRUE(equal(sameTensor, tensor({{1.0, 2.0}, {3.0, 4.0}})));
    // Adopting again frees the elements adopted before.
    float *next = newElements({5, 6, 7, 8});
    ASSERT_TRUE(
        runtime::adoptElements(t, next, 4 * sizeof(float), next, &release));
    EXPECT_EQ(released, 1);
    EXPECT_EQ(t.sum().item<float>(), 26.0f);
  }
  // The storage frees what it adopted when it dies.
  EXPECT_EQ(released, 2);
}

TEST(AdoptElements, SmallTensorsAdoptToo) {
  released = 0;
  {
    Tensor t = zeros({1}); // elements inline in the storage
    float *data = newElements({7});
    ASSERT_TRUE(runtime::adoptElements(t, data, sizeof(float), data, &release));
    EXPECT_EQ(t.item<float>(), 7.0f);
  }
  EXPECT_EQ(released, 1);
}

TEST(AdoptElements, SharedOrForeignStorageIsLeftAlone) {
  released = 0;
  float *data = newElements({1, 2, 3, 4});
  size_t bytes = 4 * sizeof(float);
  auto refuses = [&](const Tensor &t) {
    EXPECT_FALSE(runtime::adoptElements(t, data, bytes, data, &release));
  };
  {
    // A view shares the storage: the tensor and the view would disagree.
    Tensor t = zeros({2, 2});
    Tensor view = t.view({4});
    refuses(t);
    refuses(view);
    // So does a detached alias.
    Tensor u = zeros({2, 2});
    Tensor alias = u.detach();
    refuses(u);
  }
  {
    // Non-contiguous, offset, and a different size.
    Tensor base = zeros({2, 4});
    refuses(base.slice(1, 0, 2));
    refuses(zeros({2, 2}).t());
    refuses(zeros({3}));
    // Memory the user owns (from_blob) must see the new values.
    float blob[4] = {0, 0, 0, 0};
    refuses(from_blob(blob, {2, 2}, {2, 1}, [](void *) {}));
  }
  EXPECT_EQ(released, 0);
  std::free(data);
}

} // namespace
