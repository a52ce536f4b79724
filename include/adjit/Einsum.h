//===- Einsum.h - einsum, diag and diag_embed -------------------*- C++ -*-===//

#ifndef ADJIT_EINSUM_H
#define ADJIT_EINSUM_H

#include "adjit/Tensor.h"

#include <string>
#include <vector>

namespace adjit {

/// Einstein summation (lib/Runtime/Einsum.cpp), as torch::einsum:
/// \p equation names each operand's dims with letters, e.g. "bij,bjk->bik".
/// "..." stands for the dims no letter names, broadcast from the right
/// across operands; a letter twice in one operand takes the diagonal; dims
/// of size 1 broadcast. Without "->" the output is the ellipsis dims, then
/// the letters that occur once, in alphabetical order (upper case first).
/// Letters not in the output are summed. Operands are contracted left to
/// right, each pair as one (batched) matrix product, as PyTorch does without
/// opt_einsum.
Tensor einsum(const std::string &equation, const std::vector<Tensor> &tensors);
/// The \p diagonal-th diagonal (0 the main one, > 0 above it) of a 2-D
/// \p input as a 1-D tensor, or a 1-D \p input as that diagonal of a square
/// 2-D tensor that is zero elsewhere, as torch::diag.
Tensor diag(const Tensor &input, int64_t diagonal = 0);
/// The last dim of \p input as the \p offset-th diagonal of square matrices
/// in dims \p dim1 (rows) and \p dim2 (columns) of the result, which is zero
/// elsewhere and has one dim more, as torch::diag_embed.
Tensor diag_embed(const Tensor &input, int64_t offset = 0, int64_t dim1 = -2,
                  int64_t dim2 = -1);

} // namespace adjit

#endif // ADJIT_EINSUM_H
