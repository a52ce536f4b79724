//===- Attention.cpp - scaled dot-product attention as a composite --------===//
//
// scaled_dot_product_attention is matmul, scaling, masking (where), softmax
// and matmul: a fixed composition of differentiable primitives, so its
// gradients of any order, its trace and its compiled gradient follow from
// theirs.
//
//===----------------------------------------------------------------------===//

#include "TensorImpl.h"
#include "adjit/NN.h"

#include <cmath>
#include <limits>

using namespace adjit;

namespace {
constexpr const char *kOp = "scaled_dot_product_attention";

[[noreturn]] void fail(const std::string &what, const Tensor &q,
                       const Tensor &k, const Tensor &v) {
  throw Error(std::string(kOp) + ": " + what + " (query " +
              shapeToString(q.sizes()) + ", key " + shapeToString(k.sizes()) +
              ", value " + shapeToString(v.sizes()) + ")");
}
} // namespace

Tensor adjit::scaled_dot_product_attention(const Tensor &query,
                                           const Tensor &key,
                                           const Tensor &value,
                                           const Tensor &attn_mask,
                                           double dropout_p, bool is_causal,
                                           std::optional<double> scale) {
  checkDefined(kOp, query);
  checkDefined(kOp, key);
  checkDefined(kOp, value);
  const Tensor &q = query, &k = key, &v = value;
  if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2)
    fail("expected query, key and value of at least 2 dims", q, k, v);
  if (!q.is_floating_point() || !k.is_floating_point() ||
      !v.is_floating_point())
    fail("expected floating-point query, key and value", q, k, v);
  if (q.size(-1) != k.size(-1))
    fail("query and key must have the same last dim", q, k, v);
  if (k.size(-2) != v.size(-2))
    fail("key and value must have the same number of positions (dim -2)", q, k,
         v);
  if (!(dropout_p >= 0 && dropout_p < 1))
    fail("dropout_p must be in [0, 1), got " + std::to_string(dropout_p), q, k,
         v);
  if (is_causal && attn_mask.defined())
    fail("is_causal and attn_mask are exclusive", q, k, v);
  int64_t queries = q.size(-2), keys = k.size(-2);
  if (attn_mask.defined()) {
    bool fits = attn_mask.dim() >= 1;
    for (int64_t i = 1; fits && i <= std::min<int64_t>(attn_mask.dim(), 2);
         ++i) {
      int64_t m = attn_mask.size(-i), want = i == 1 ? keys : queries;
      fits = m == 1 || m == want;
    }
    if (!fits)
      fail("attn_mask of shape " + shapeToString(attn_mask.sizes()) +
               " does not broadcast to [..., " + std::to_string(queries) +
               ", " + std::to_string(keys) + "]",
           q, k, v);
  }

  double factor = scale ? *scale : 1.0 / std::sqrt(double(q.size(-1)));
  Tensor scores = matmul(q, transpose(k, -2, -1)) * factor;
  const double kMinusInf = -std::numeric_limits<double>::infinity();
  if (is_causal)
    // Query i sees keys 0..i: the lower triangle of the [L, S] scores.
    scores =
        masked_fill(scores, triu(ones({queries, keys}, kBool), 1), kMinusInf);
  else if (attn_mask.defined() && attn_mask.dtype() == Dtype::Bool)
    scores = where(attn_mask, scores, kMinusInf);
  else if (attn_mask.defined())
    scores = scores + attn_mask;
  Tensor weights = nn::functional::softmax(scores, -1);
  if (dropout_p > 0)
    weights = dropout(weights, dropout_p, /*train=*/true);
  return matmul(weights, v);
}
