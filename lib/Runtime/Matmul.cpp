//===- Matmul.cpp - Matrix products through OpenBLAS ----------------------===//

#include "AutogradImpl.h"
#include "adjit/Runtime/Gemm.h"
#include "adjit/Runtime/OpObserver.h"

using namespace adjit;

namespace {
/// How a row-major GEMM operand of \p rows x \p cols is read from memory.
struct GemmOperand {
  bool transposed;
  int64_t ld;
};

/// The layout of the last two dims if BLAS can read them in place.
std::optional<GemmOperand> gemmLayout(const TensorImpl &t) {
  size_t r = t.shape.size();
  int64_t rows = t.shape[r - 2], cols = t.shape[r - 1];
  int64_t s0 = t.strides[r - 2], s1 = t.strides[r - 1];
  if ((s1 == 1 || cols == 1) && s0 >= std::max<int64_t>(cols, 1))
    return GemmOperand{false, s0};
  if ((s0 == 1 || rows == 1) && s1 >= std::max<int64_t>(rows, 1))
    return GemmOperand{true, s1};
  return std::nullopt;
}

template <typename T>
void gemm(const T *a, GemmOperand la, const T *b, GemmOperand lb, T *c,
          int64_t n, int64_t k, int64_t m) {
  runtime::gemm(la.transposed, lb.transposed, n, m, k, a, la.ld, b, lb.ld, T(0),
                c, m);
}

/// Element offsets of each batch entry of \p t broadcast to \p batch.
std::vector<int64_t> batchOffsets(const TensorImpl &t, const Shape &batch) {
  size_t tb = t.shape.size() - 2;
  size_t lead = batch.size() - tb;
  int64_t count = numelOf(batch);
  std::vector<int64_t> offsets(count);
  std::vector<int64_t> idx(batch.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t off = t.offset;
    for (size_t d = lead; d < batch.size(); ++d)
      if (t.shape[d - lead] != 1)
        off += idx[d] * t.strides[d - lead];
    offsets[i] = off;
    for (size_t d = batch.size(); d-- > 0;) {
      if (++idx[d] < batch[d])
        break;
      idx[d] = 0;
    }
  }
  return offsets;
}

/// Product of two tensors of rank >= 2 (of \p plan's matrix shapes) with
/// broadcast batch dimensions.
Tensor matmulNd(const Tensor &aIn, const Tensor &bIn,
                const semantics::MatmulPlan &plan) {
  const Shape &as = aIn.sizes(), &bs = bIn.sizes();
  int64_t n = plan.m, k = plan.k, m = plan.n;
  const Shape &batch = plan.batch;
  const Shape &outShape = plan.productShape;
  Tensor out =
      k == 0 ? zeros(outShape, aIn.dtype()) : makeEmpty(outShape, aIn.dtype());
  if (out.numel() != 0 && k != 0) {
    Tensor a =
        gemmLayout(*aIn.unsafeGetImpl()) ? aIn : castTo(aIn, aIn.dtype());
    Tensor b =
        gemmLayout(*bIn.unsafeGetImpl()) ? bIn : castTo(bIn, bIn.dtype());
    const TensorImpl &ai = *a.unsafeGetImpl(), &bi = *b.unsafeGetImpl();
    GemmOperand la = *gemmLayout(ai), lb = *gemmLayout(bi);
    std::vector<int64_t> ao = batchOffsets(ai, batch),
                         bo = batchOffsets(bi, batch);
    ADJIT_DISPATCH_FLOAT(aIn.dtype(), {
      const scalar_t *pa = static_cast<const scalar_t *>(ai.storage->data);
      const scalar_t *pb = static_cast<const scalar_t *>(bi.storage->data);
      scalar_t *pc = out.unsafeGetImpl()->data<scalar_t>();
      for (size_t i = 0; i < ao.size(); ++i)
        gemm(pa + ao[i], la, pb + bo[i], lb, pc + i * n * m, n, k, m);
    });
  }
  if (shouldRecord(aIn, bIn)) {
    Tensor a = aIn, b = bIn;
    bool plain = as.size() == 2 && bs.size() == 2;
    Shape ash = as, bsh = bs;
    recordOp(out, plain ? "MmBackward0" : "BmmBackward0", {&a, &b},
             {SavedVariable(a), SavedVariable(b)},
             [ash, bsh](const Tensor &g, SavedTensors s,
                        const Node &node) -> GradList {
               Tensor ga, gb;
               if (node.needsInputGrad(0))
                 ga = sum_to(matmul(g, transpose(s[1], -1, -2)), ash);
               if (node.needsInputGrad(1))
                 gb = sum_to(matmul(transpose(s[0], -1, -2), g), bsh);
               return {ga, gb};
             });
  }
  return out;
}
} // namespace

Tensor adjit::matmul(const Tensor &aIn, const Tensor &bIn) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Matmul, "matmul", {aIn, bIn}},
        [&] { return matmul(aIn, bIn); });

  checkDefined("matmul", aIn);
  checkDefined("matmul", bIn);
  semantics::MatmulPlan plan =
      checkedShape(semantics::matmulPlan(aIn.sizes(), bIn.sizes()));
  Dtype dt = promoteTypes(aIn.dtype(), bIn.dtype());
  if (!isFloatingPoint(dt))
    throw Error(std::string("matmul: expected floating-point tensors, got ") +
                dtypeName(aIn.dtype()) + " and " + dtypeName(bIn.dtype()));
  Tensor a = to(aIn, dt), b = to(bIn, dt);
  // Vectors become 1xK and Kx1 matrices; their unit dimension leaves the
  // result at the end.
  if (a.dim() == 1)
    a = unsqueeze(a, 0);
  if (b.dim() == 1)
    b = unsqueeze(b, 1);
  Tensor product = matmulNd(a, b, plan);
  if (product.sizes() == plan.resultShape)
    return product;
  return reshape(product, plan.resultShape);
}

Tensor Tensor::matmul(const Tensor &other) const {
  return adjit::matmul(*this, other);
}
