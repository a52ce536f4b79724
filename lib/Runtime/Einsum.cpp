//===- Einsum.cpp - einsum, diag and diag_embed as composites -------------===//
//
// einsum lowers to expands (broadcasting), strided slices (diagonals), sums,
// permutes, reshapes and one (batched) matrix product per pair of operands;
// diag and diag_embed to where with a constant diagonal mask, cat and a strided
// slice. Each is a fixed composition of primitives, so its eager gradient of
// any order, its trace and its compiled gradient all follow from theirs.
//
//===----------------------------------------------------------------------===//

#include "adjit/Einsum.h"
#include "TensorImpl.h"

#include <algorithm>
#include <cctype>
#include <string>

using namespace adjit;

namespace {

/// One operand's or the output's indices, one letter per dim.
using Indices = std::string;

/// A parsed einsum equation: the operands' indices and the output's, with
/// each ellipsis spelled out as letters the equation does not use, and the
/// size of every letter after broadcasting.
struct Equation {
  std::vector<Indices> operands;
  Indices output;
  int64_t sizeOf[128];
};

[[noreturn]] void fail(const std::string &equation, const std::string &what) {
  throw Error("einsum: equation \"" + equation + "\" " + what);
}

std::string letter(char index) { return std::string(1, index); }

bool contains(const Indices &indices, char c) {
  return indices.find(c) != std::string::npos;
}

/// The marker of an ellipsis while parsing (never a letter).
constexpr char kEllipsis = '.';

/// Replaces each "..." of `text` by kEllipsis; fails on any other '.'.
std::string markEllipses(const std::string &equation, std::string text) {
  std::string marked;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '.') {
      marked += text[i];
      continue;
    }
    if (text.compare(i, 3, "...") != 0)
      fail(equation, "has a '.' outside an ellipsis \"...\"");
    marked += kEllipsis;
    i += 2;
  }
  return marked;
}

/// Parses `equation` ("ij,jk->ik", spaces ignored; "..." stands for the
/// dims no letter names, broadcast from the right across operands; without
/// "->" the output is the ellipsis dims, then the letters that occur once in
/// alphabetical order, as NumPy) and checks it against `tensors`.
Equation parse(const std::string &equation,
               const std::vector<Tensor> &tensors) {
  std::string text;
  for (char c : equation)
    if (c != ' ')
      text += c;
  Equation parsed;
  size_t arrow = text.find("->");
  std::string inputs = markEllipses(equation, text.substr(0, arrow));
  size_t start = 0;
  while (true) {
    size_t comma = inputs.find(',', start);
    parsed.operands.push_back(inputs.substr(start, comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  auto checkLetters = [&](const std::string &indices) {
    for (char c : indices)
      if (!std::isalpha(static_cast<unsigned char>(c)) && c != kEllipsis)
        fail(equation, "has the invalid character '" + letter(c) +
                           "'; expected letters, '...', ',' and one '->'");
    if (std::count(indices.begin(), indices.end(), kEllipsis) > 1)
      fail(equation, "has more than one ellipsis in one operand or output");
  };
  for (const Indices &operand : parsed.operands)
    checkLetters(operand);
  if (parsed.operands.size() != tensors.size())
    fail(equation, "has " + std::to_string(parsed.operands.size()) +
                       " operand(s) but " + std::to_string(tensors.size()) +
                       " tensor(s) were given");
  std::string sizes;
  for (size_t i = 0; i < tensors.size(); ++i) {
    checkDefined("einsum", tensors[i]);
    sizes += (i ? " and " : "") + shapeToString(tensors[i].sizes());
  }
  // The ellipsis dims: as many letters as the most any operand covers, and
  // each operand's ellipsis takes the last of them.
  int64_t ellipsisRank = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Indices &operand = parsed.operands[i];
    int64_t named = static_cast<int64_t>(operand.size()) -
                    (contains(operand, kEllipsis) ? 1 : 0);
    if (contains(operand, kEllipsis) ? named > tensors[i].dim()
                                     : named != tensors[i].dim())
      fail(equation, "gives operand " + std::to_string(i) + " " +
                         std::to_string(named) + " indices, but its shape is " +
                         shapeToString(tensors[i].sizes()));
    if (contains(operand, kEllipsis))
      ellipsisRank = std::max(ellipsisRank, tensors[i].dim() - named);
  }
  Indices ellipsis;
  for (char c = 'z';
       c >= 'A' && static_cast<int64_t>(ellipsis.size()) < ellipsisRank; --c)
    if (std::isalpha(static_cast<unsigned char>(c)) && !contains(text, c))
      ellipsis.insert(ellipsis.begin(), c);
  if (static_cast<int64_t>(ellipsis.size()) < ellipsisRank)
    fail(equation, "leaves too few unused letters for its ellipsis dims");
  for (size_t i = 0; i < tensors.size(); ++i) {
    Indices &operand = parsed.operands[i];
    size_t at = operand.find(kEllipsis);
    if (at != std::string::npos)
      operand.replace(at, 1,
                      ellipsis.substr(ellipsis.size() -
                                      (tensors[i].dim() + 1 - operand.size())));
  }
  // Each letter has one size, or 1 in some operands (broadcast).
  std::fill(std::begin(parsed.sizeOf), std::end(parsed.sizeOf), -1);
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Indices &operand = parsed.operands[i];
    for (size_t d = 0; d < operand.size(); ++d) {
      int64_t &known = parsed.sizeOf[static_cast<int>(operand[d])];
      int64_t size = tensors[i].size(static_cast<int64_t>(d));
      if (known >= 0 && known != size && known != 1 && size != 1)
        fail(equation, "gives the index " + letter(operand[d]) + " the sizes " +
                           std::to_string(known) + " and " +
                           std::to_string(size) + " (shapes " + sizes + ")");
      if (known < 0 || known == 1)
        known = size;
    }
  }
  if (arrow == std::string::npos) {
    parsed.output = ellipsis;
    std::string all;
    for (const Indices &operand : parsed.operands)
      all += operand;
    for (char c = 'A'; c <= 'z'; ++c)
      if (std::isalpha(static_cast<unsigned char>(c)) &&
          !contains(ellipsis, c) && std::count(all.begin(), all.end(), c) == 1)
        parsed.output += c;
    return parsed;
  }
  std::string output = text.substr(arrow + 2);
  if (output.find("->") != std::string::npos)
    fail(equation, "has more than one '->'");
  output = markEllipses(equation, output);
  checkLetters(output);
  size_t at = output.find(kEllipsis);
  if (at != std::string::npos)
    output.replace(at, 1, ellipsis);
  parsed.output = output;
  for (size_t d = 0; d < output.size(); ++d) {
    char c = output[d];
    if (output.find(c) != d)
      fail(equation, "repeats the output index " + letter(c));
    if (!contains(inputs, c) && !contains(ellipsis, c))
      fail(equation, "has the output index " + letter(c) +
                         ", which no operand has (shapes " + sizes + ")");
  }
  return parsed;
}

/// Sums `t` over its indices not in `keep`; returns the rest of `indices`.
Tensor sumOut(const Tensor &t, Indices &indices, const Indices &keep) {
  Shape dims;
  Indices kept;
  for (size_t d = 0; d < indices.size(); ++d) {
    if (contains(keep, indices[d]))
      kept += indices[d];
    else
      dims.push_back(static_cast<int64_t>(d));
  }
  indices = kept;
  return dims.empty() ? t : sum(t, dims);
}

/// `t` with indices `from` permuted into the order `to` (the same letters).
Tensor permuteTo(const Tensor &t, const Indices &from, const Indices &to) {
  Shape order;
  for (char c : to)
    order.push_back(static_cast<int64_t>(from.find(c)));
  bool identity = true;
  for (size_t d = 0; d < order.size(); ++d)
    identity = identity && order[d] == static_cast<int64_t>(d);
  return identity ? t : permute(t, order);
}

/// The product of the sizes of `indices` of `t` (whose indices are `of`).
int64_t sizeProduct(const Tensor &t, const Indices &of, const Indices &indices,
                    Shape &sizes) {
  int64_t product = 1;
  for (char c : indices) {
    int64_t size = t.size(static_cast<int64_t>(of.find(c)));
    sizes.push_back(size);
    product *= size;
  }
  return product;
}

/// Operand `t` with indices `indices` made ready to contract: broadcast to
/// the equation's sizes, and each repeated index replaced by the diagonal
/// (taken with a strided slice of the two dims flattened, so its gradient
/// is exact), at the end of `indices`.
Tensor prepareOperand(Tensor t, Indices &indices, const Equation &parsed) {
  Shape broadcast;
  for (char c : indices)
    broadcast.push_back(parsed.sizeOf[static_cast<int>(c)]);
  if (broadcast != t.sizes())
    t = expand(t, broadcast);
  for (size_t d = 0; d < indices.size();) {
    size_t twin = indices.find(indices[d], d + 1);
    if (twin == std::string::npos) {
      ++d;
      continue;
    }
    char c = indices[d];
    Indices rest;
    Shape order, flat;
    for (size_t e = 0; e < indices.size(); ++e)
      if (e != d && e != twin) {
        rest += indices[e];
        order.push_back(static_cast<int64_t>(e));
        flat.push_back(t.size(static_cast<int64_t>(e)));
      }
    order.push_back(static_cast<int64_t>(d));
    order.push_back(static_cast<int64_t>(twin));
    int64_t n = t.size(static_cast<int64_t>(d));
    flat.push_back(n * n);
    t = slice(reshape(permute(t, order), flat), -1, 0, n * n, n + 1);
    indices = rest + c;
    d = 0; // A third occurrence pairs with the diagonal, now last.
  }
  return t;
}

/// The product of `x` (indices `a`) and `y` (indices `b`) with indices
/// `out`: the indices of `a` or `b` that are not in `out` are summed; one
/// (batched) matrix product.
Tensor contract(const Tensor &xIn, Indices a, const Tensor &yIn, Indices b,
                const Indices &out) {
  // An index of one operand only that the output lacks is summed first.
  Tensor x = sumOut(xIn, a, out + b);
  Tensor y = sumOut(yIn, b, out + a);
  // Batch indices are in both operands and the output, contracted ones in
  // both operands only; the others belong to one operand and the output.
  Indices batch, contracted, freeA, freeB;
  for (char c : a) {
    if (contains(b, c))
      (contains(out, c) ? batch : contracted) += c;
    else
      freeA += c;
  }
  for (char c : b)
    if (!contains(a, c))
      freeB += c;
  // x as [batch, M, K] and y as [batch, K, N], then one matrix product.
  Shape batchSizes, sizesA, sizesB, unused;
  int64_t batchSize = sizeProduct(x, a, batch, batchSizes);
  int64_t m = sizeProduct(x, a, freeA, sizesA);
  int64_t k = sizeProduct(x, a, contracted, unused);
  int64_t n = sizeProduct(y, b, freeB, sizesB);
  Tensor lhs = permuteTo(x, a, batch + freeA + contracted);
  Tensor rhs = permuteTo(y, b, batch + contracted + freeB);
  Tensor product = batch.empty()
                       ? matmul(reshape(lhs, {m, k}), reshape(rhs, {k, n}))
                       : matmul(reshape(lhs, {batchSize, m, k}),
                                reshape(rhs, {batchSize, k, n}));
  Shape resultSizes = batchSizes;
  resultSizes.insert(resultSizes.end(), sizesA.begin(), sizesA.end());
  resultSizes.insert(resultSizes.end(), sizesB.begin(), sizesB.end());
  return permuteTo(reshape(product, resultSizes), batch + freeA + freeB, out);
}

/// The elements (i, j) of an m x m matrix with j - i == offset, as a bool
/// constant.
Tensor diagonalMask(int64_t m, int64_t offset) {
  std::vector<double> mask(static_cast<size_t>(m * m));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < m; ++j)
      mask[i * m + j] = j - i == offset;
  return from_vector(mask, {m, m}, kBool);
}

} // namespace

Tensor adjit::einsum(const std::string &equation,
                     const std::vector<Tensor> &tensors) {
  Equation parsed = parse(equation, tensors);
  const Indices &out = parsed.output;
  Indices a = parsed.operands[0];
  Tensor result = prepareOperand(tensors[0], a, parsed);
  if (tensors.size() == 1) {
    Tensor summed = sumOut(result, a, out);
    return permuteTo(summed, a, out);
  }
  // Left to right, as PyTorch without opt_einsum: each product keeps the
  // indices of the output and of the operands still to come.
  for (size_t i = 1; i < tensors.size(); ++i) {
    Indices b = parsed.operands[i];
    Tensor y = prepareOperand(tensors[i], b, parsed);
    Indices keep = out;
    for (size_t j = i + 1; j < tensors.size(); ++j)
      keep += parsed.operands[j];
    Indices product;
    for (char c : a + b)
      if (contains(keep, c) && !contains(product, c))
        product += c;
    result = contract(result, a, y, b, i + 1 == tensors.size() ? out : product);
    a = product;
  }
  return result;
}

Tensor adjit::diag_embed(const Tensor &input, int64_t offset, int64_t dim1,
                         int64_t dim2) {
  checkDefined("diag_embed", input);
  if (input.dim() == 0)
    throw Error("diag_embed: expected a tensor of at least 1 dim, got a 0-d "
                "tensor");
  int64_t rank = input.dim() + 1;
  int64_t d1 = wrapDim("diag_embed", dim1, rank);
  int64_t d2 = wrapDim("diag_embed", dim2, rank);
  if (d1 == d2)
    throw Error("diag_embed: dim1 and dim2 must differ, got " +
                std::to_string(dim1) + " and " + std::to_string(dim2) +
                " (input shape " + shapeToString(input.sizes()) + ")");
  // [..., n] padded with |offset| zeros to [..., m] is the source of every
  // row (offset >= 0) or column (offset < 0) of the [..., m, m] result.
  int64_t n = input.size(-1), pad = offset < 0 ? -offset : offset, m = n + pad;
  Tensor padded = input;
  if (pad > 0) {
    Shape zeroShape = input.sizes();
    zeroShape.back() = pad;
    padded = cat({input, zeros(zeroShape, input.dtype())}, -1);
  }
  Tensor source = offset >= 0 ? unsqueeze(padded, -1) : unsqueeze(padded, -2);
  Tensor result =
      where(diagonalMask(m, offset), source, scalar_tensor(0, input.dtype()));
  if (d1 == rank - 2 && d2 == rank - 1)
    return result;
  // The rows go to dim1, the columns to dim2, the batch dims keep their
  // order in between.
  Shape order;
  for (int64_t d = 0, batchDim = 0; d < rank; ++d)
    order.push_back(d == d1 ? rank - 2 : d == d2 ? rank - 1 : batchDim++);
  return permute(result, order);
}

Tensor adjit::diag(const Tensor &input, int64_t diagonal) {
  checkDefined("diag", input);
  if (input.dim() == 1)
    return diag_embed(input, diagonal);
  if (input.dim() != 2)
    throw Error("diag: expected a 1-D or 2-D tensor, got shape " +
                shapeToString(input.sizes()));
  // Element (i, i + diagonal) of [r, c] is at i (c + 1) + diagonal of the
  // flattened matrix (i (c + 1) - diagonal c below the main diagonal): a
  // slice with step c + 1.
  int64_t r = input.size(0), c = input.size(1);
  int64_t length =
      diagonal >= 0 ? std::min(r, c - diagonal) : std::min(r + diagonal, c);
  Tensor flat = reshape(input, {r * c});
  if (length <= 0)
    return slice(flat, 0, 0, 0);
  int64_t start = diagonal >= 0 ? diagonal : -diagonal * c;
  return slice(flat, 0, start, start + (length - 1) * (c + 1) + 1, c + 1);
}

Tensor Tensor::diag(int64_t diagonal) const {
  return adjit::diag(*this, diagonal);
}
Tensor Tensor::diag_embed(int64_t offset, int64_t dim1, int64_t dim2) const {
  return adjit::diag_embed(*this, offset, dim1, dim2);
}
