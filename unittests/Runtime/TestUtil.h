//===- TestUtil.h - Helpers shared by the runtime unit tests ----*- C++ -*-===//

#ifndef ADJIT_UNITTESTS_RUNTIME_TESTUTIL_H
#define ADJIT_UNITTESTS_RUNTIME_TESTUTIL_H

#include "adjit/adjit.h"

#include "gtest/gtest.h"

#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace adjit::test {

/// The elements of \p t in row-major order as doubles.
inline std::vector<double> values(const Tensor &t) {
  Tensor c = t.detach().to(kFloat64).contiguous();
  const double *p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

/// Checks shape and values of \p t within \p tol.
inline void expectTensor(const Tensor &t, const Shape &shape,
                         const std::vector<double> &expected,
                         double tol = 1e-5) {
  ASSERT_TRUE(t.defined());
  EXPECT_EQ(t.sizes(), shape);
  std::vector<double> got = values(t);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], expected[i], tol) << "at element " << i;
}

/// Printed form of a tensor.
inline std::string str(const Tensor &t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

/// float64 leaf requiring grad with the given values and shape.
inline Tensor leaf(const std::vector<double> &v, const Shape &shape) {
  return from_vector(v, shape, dtype(kFloat64).requires_grad(true));
}

/// A function of tensors, as autograd::gradcheck takes it.
using TensorsFn = std::function<Tensor(const std::vector<Tensor> &)>;

/// Checks first derivatives against finite differences, and second
/// derivatives through create_graph (the gradient w.r.t. all inputs,
/// contracted with fixed weights, must itself pass gradcheck).
inline void checkFirstAndSecondOrder(const TensorsFn &fn,
                                     const std::vector<Tensor> &in) {
  EXPECT_TRUE(autograd::gradcheck(fn, in));
  TensorsFn gradFn = [&fn](const std::vector<Tensor> &xs) {
    Tensor out = fn(xs);
    Tensor weights =
        linspace(0.5, 1.5, out.numel(), kFloat64).view(out.sizes());
    std::vector<Tensor> grads = autograd::grad({out}, xs, {weights}, true,
                                               /*createGraph=*/true,
                                               /*allowUnused=*/true);
    Tensor total = zeros({}, kFloat64);
    for (size_t i = 0; i < grads.size(); ++i)
      if (grads[i].defined())
        total = total + (grads[i] * grads[i]).sum() * (1.0 + i);
    return total;
  };
  EXPECT_TRUE(autograd::gradcheck(gradFn, in));
}

} // namespace adjit::test

/// Expects \p stmt to throw adjit::Error whose message contains \p substr.
#define EXPECT_ADJIT_ERROR(stmt, substr)                                       \
  do {                                                                         \
    try {                                                                      \
      stmt;                                                                    \
      ADD_FAILURE() << "expected adjit::Error from: " #stmt;                   \
    } catch (const adjit::Error &e) {                                          \
      EXPECT_NE(std::string(e.what()).find(substr), std::string::npos)         \
          << "message: " << e.what();                                          \
    }                                                                          \
  } while (0)

#endif // ADJIT_UNITTESTS_RUNTIME_TESTUTIL_H
