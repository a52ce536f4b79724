//===- EinsumTest.cpp - eager einsum, diag, diag_embed and int64 arange ---===//

#include "adjit/Einsum.h"
#include "PyTorchReference.h"
#include "TestUtil.h"

#include <cmath>

using namespace adjit;
using namespace adjit::test;

namespace {

TEST(EinsumTest, ContractionsAgreeWithMatmul) {
  Tensor a = patternTensor(6, 0.1, {2, 3}), b = patternTensor(12, 0.5, {3, 4});
  Tensor p = patternTensor(24, 0.9, {2, 3, 4}),
         q = patternTensor(40, 1.3, {2, 4, 5});
  expectTensor(einsum("ij,jk->ik", {a, b}), {2, 4}, values(matmul(a, b)),
               1e-12);
  expectTensor(einsum("ij,jk", {a, b}), {2, 4}, values(matmul(a, b)), 1e-12);
  expectTensor(einsum("ij,kj->ik", {a, a}), {2, 2}, values(matmul(a, a.t())),
               1e-12);
  expectTensor(einsum("bij,bjk->bik", {p, q}), {2, 3, 5}, values(bmm(p, q)),
               1e-12);
  // Output order differs from the product's: the transpose of the result.
  expectTensor(einsum("bij, bjk -> kbi", {p, q}), {5, 2, 3},
               values(bmm(p, q).permute({2, 0, 1})), 1e-12);
  // Dot, outer product, a vector times a matrix, and a summed free index.
  Tensor x = patternTensor(3, 0.2, {3}), y = patternTensor(3, 0.4, {3});
  expectTensor(einsum("i,i->", {x, y}), {}, {values((x * y).sum())[0]}, 1e-12);
  expectTensor(einsum("i,j->ij", {x, y}), {3, 3},
               values(x.unsqueeze(1) * y.unsqueeze(0)), 1e-12);
  expectTensor(einsum("j,jk->k", {x, b}), {4}, values(matmul(x, b)), 1e-12);
  expectTensor(einsum("ij,jk->i", {a, b}), {2}, values(matmul(a, b).sum({1})),
               1e-12);
  // Attention scores: queries [b, h, l, e] against keys [b, h, s, e].
  Tensor qs = patternTensor(48, 0.3, {2, 2, 3, 4}),
         ks = patternTensor(80, 0.6, {2, 2, 5, 4});
  expectTensor(einsum("bhle,bhse->bhls", {qs, ks}), {2, 2, 3, 5},
               values(matmul(qs, ks.transpose(-1, -2))), 1e-12);
}

TEST(EinsumTest, OneOperand) {
  Tensor p = patternTensor(24, 0.9, {2, 3, 4});
  expectTensor(einsum("ijk->kji", {p}), {4, 3, 2}, values(p.permute({2, 1, 0})),
               0);
  expectTensor(einsum("ijk->j", {p}), {3}, values(p.sum({0, 2})), 1e-12);
  expectTensor(einsum("ijk->", {p}), {}, values(p.sum()), 1e-12);
  // Implicit output: the letters in alphabetical order, so "ji" transposes.
  expectTensor(einsum("ji", {p[0]}), {4, 3}, values(p[0].t()), 0);
  expectTensor(einsum("kBa", {p}), {3, 4, 2}, values(p.permute({1, 2, 0})), 0);
}

TEST(EinsumTest, DiagAndDiagEmbed) {
  Tensor m = patternTensor(12, 0.1, {3, 4});
  std::vector<double> e = values(m);
  expectTensor(diag(m), {3}, {e[0], e[5], e[10]}, 0);
  expectTensor(diag(m, 1), {3}, {e[1], e[6], e[11]}, 0);
  expectTensor(diag(m, 3), {1}, {e[3]}, 0);
  expectTensor(diag(m, -2), {1}, {e[8]}, 0);
  expectTensor(diag(m, 4), {0}, {}, 0);
  expectTensor(diag(m, -3), {0}, {}, 0);
  expectTensor(diag(m.t()), {3}, {e[0], e[5], e[10]}, 0);
  expectTensor(m.diag(1), {3}, {e[1], e[6], e[11]}, 0);

  Tensor x = tensor({1, 2}, kFloat64);
  expectTensor(diag(x), {2, 2}, {1, 0, 0, 2}, 0);
  expectTensor(diag(x, 1), {3, 3}, {0, 1, 0, 0, 0, 2, 0, 0, 0}, 0);
  expectTensor(diag(x, -1), {3, 3}, {0, 0, 0, 1, 0, 0, 0, 2, 0}, 0);
  // Infinities stay where they are, with exact zeros around them.
  std::vector<double> withInf = values(diag(tensor({INFINITY, 2}, kFloat64)));
  EXPECT_EQ(withInf, (std::vector<double>{INFINITY, 0, 0, 2}));

  Tensor batch = tensor({{1, 2}, {3, 4}}, kFloat64);
  expectTensor(diag_embed(batch), {2, 2, 2}, {1, 0, 0, 2, 3, 0, 0, 4}, 0);
  expectTensor(diag_embed(batch, 1), {2, 3, 3},
               {0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0}, 0);
  // The matrices in dims 0 and 2: result[i][b][j].
  Tensor moved = diag_embed(batch, 0, 0, 2);
  EXPECT_EQ(moved.sizes(), (Shape{2, 2, 2}));
  expectTensor(moved, {2, 2, 2}, values(diag_embed(batch).permute({1, 0, 2})),
               0);
  expectTensor(batch.diag_embed(0, 0, 2), {2, 2, 2}, values(moved), 0);
  expectTensor(diag_embed(batch, -1, 2, 1), {2, 3, 3},
               values(diag_embed(batch, -1).transpose(1, 2)), 0);
}

TEST(EinsumTest, Int64ArangeIndexes) {
  // arange with an int64 dtype gives exact int64 values that the indexing
  // ops accept.
  Tensor idx = arange(0, 6, 2, TensorOptions().dtype(kInt64));
  EXPECT_EQ(idx.dtype(), kInt64);
  expectTensor(idx, {3}, {0, 2, 4}, 0);
  EXPECT_EQ(arange(5, kLong).dtype(), kInt64);
  expectTensor(arange(3, -3, -2, kLong), {3}, {3, 1, -1}, 0);

  Tensor table = patternTensor(12, 0.3, {6, 2});
  expectTensor(table.index_select(0, idx), {3, 2},
               values(table.slice(0, 0, 6, 2)), 0);
  expectTensor(embedding(table, arange(1, 3, 1, kInt64)), {2, 2},
               values(table.slice(0, 1, 3)), 0);
  std::vector<double> t = values(table);
  expectTensor(table.gather(0, arange(3, kInt64).reshape({3, 1})), {3, 1},
               {t[0], t[2], t[4]}, 0);
}

TEST(EinsumTest, MatchPyTorch) {
  std::string out = runPython(
      std::string("import math, torch\n") + kPatternPython +
      "a = v(24, 0.1).reshape(2, 3, 4)\n"
      "b = v(40, 0.5).reshape(2, 4, 5)\n"
      "m = v(12, 0.7).reshape(3, 4)\n"
      "x = v(4, 0.9)\n"
      "c = v(18, 0.2).reshape(3, 2, 3)\n"
      "s = v(18, 0.4).reshape(2, 3, 3)\n"
      "k = v(27, 0.6).reshape(3, 3, 3)\n"
      "r = [torch.einsum(\"bij,bjk->bki\", a, b), torch.einsum(\"bij,bjk\", a, "
      "b),\n"
      "     torch.einsum(\"ijk,ij->kj\", a, a[:, :, 0]),\n"
      "     torch.einsum(\"ijk->ki\", a), torch.einsum(\"kji\", a),\n"
      "     torch.einsum(\"ij,k->kji\", m, x),\n"
      "     torch.diag(m, 1), torch.diag(m, -1), torch.diag(x, -2),\n"
      "     torch.diag_embed(m, 1), torch.diag_embed(m, -1, 0, 2),\n"
      "     torch.einsum(\"ii->i\", m[:, :3]), torch.einsum(\"iji->j\", c),\n"
      "     torch.einsum(\"bii,bij->bj\", s, s), torch.einsum(\"iii\", k),\n"
      "     torch.einsum(\"...ij->...ji\", a), torch.einsum(\"...ij->ij\", "
      "a),\n"
      "     torch.einsum(\"ij...\", a), torch.einsum(\"...j,...j->...\", a, "
      "x),\n"
      "     torch.einsum(\"b...k,bk->b...\", a, a[:, 0, :]),\n"
      "     torch.einsum(\"ij,j->i\", m[:, :1], x),\n"
      "     torch.einsum(\"ij,jk,kl->il\", m, m.t(), m),\n"
      "     torch.einsum(\"bij,bjk,bkl,l->bi\", a, b, b.transpose(1, 2), x),\n"
      "     torch.einsum(\"i,i,i->\", x, x, x)]\n"
      "print(\" \".join(repr(float(e)) for e in torch.cat([t.flatten() for t "
      "in r])))\n");
  if (out.empty())
    GTEST_SKIP() << "python3 with torch is not available";
  std::vector<double> expected = parseNumbers(out);
  Tensor a = patternTensor(24, 0.1, {2, 3, 4}),
         b = patternTensor(40, 0.5, {2, 4, 5});
  Tensor m = patternTensor(12, 0.7, {3, 4}), x = patternTensor(4, 0.9, {4});
  Tensor c = patternTensor(18, 0.2, {3, 2, 3}),
         s = patternTensor(18, 0.4, {2, 3, 3}),
         k = patternTensor(27, 0.6, {3, 3, 3});
  std::vector<Tensor> r = {
      einsum("bij,bjk->bki", {a, b}),
      einsum("bij,bjk", {a, b}),
      einsum("ijk,ij->kj", {a, a.select(2, 0)}),
      einsum("ijk->ki", {a}),
      einsum("kji", {a}),
      einsum("ij,k->kji", {m, x}),
      diag(m, 1),
      diag(m, -1),
      diag(x, -2),
      diag_embed(m, 1),
      diag_embed(m, -1, 0, 2),
      einsum("ii->i", {m.slice(1, 0, 3)}),
      einsum("iji->j", {c}),
      einsum("bii,bij->bj", {s, s}),
      einsum("iii", {k}),
      einsum("...ij->...ji", {a}),
      einsum("...ij->ij", {a}),
      einsum("ij...", {a}),
      einsum("...j,...j->...", {a, x}),
      einsum("b...k,bk->b...", {a, a.select(1, 0)}),
      einsum("ij,j->i", {m.slice(1, 0, 1), x}),
      einsum("ij,jk,kl->il", {m, m.t(), m}),
      einsum("bij,bjk,bkl,l->bi", {a, b, b.transpose(1, 2), x}),
      einsum("i,i,i->", {x, x, x})};
  std::vector<double> actual;
  for (const Tensor &t : r) {
    std::vector<double> e = values(t);
    actual.insert(actual.end(), e.begin(), e.end());
  }
  expectMatchesReference(actual, expected);
}

TEST(EinsumTest, GradcheckFirstAndSecondOrder) {
  manual_seed(17);
  Tensor p = randn({2, 3, 4}, kFloat64).requires_grad_();
  Tensor q = randn({2, 4, 3}, kFloat64).requires_grad_();
  Tensor m = randn({3, 4}, kFloat64).requires_grad_();
  Tensor x = randn({3}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder(
      [](auto &in) {
        return einsum("bij,bjk->kib", {in[0], in[1]});
      },
      {p, q});
  checkFirstAndSecondOrder(
      [](auto &in) {
        return einsum("bij,bji->b", {in[0], in[1]});
      },
      {p, q});
  checkFirstAndSecondOrder(
      [](auto &in) {
        return einsum("ijk,j->ki", {in[0], in[1]});
      },
      {p, x});
  checkFirstAndSecondOrder([](auto &in) { return einsum("ijk->kj", in); }, {p});
  // Diagonals, ellipses, broadcasting and three operands.
  Tensor sq = randn({2, 3, 3}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder(
      [](auto &in) {
        return einsum("bii,bij->bj", {in[0], in[0]});
      },
      {sq});
  checkFirstAndSecondOrder(
      [](auto &in) {
        return einsum("...ij,...jk->...ik", {in[0], in[1]});
      },
      {p, q});
  checkFirstAndSecondOrder(
      [](auto &in) {
        return einsum("ij,jk,k->i", {in[0], in[1], in[2]});
      },
      {m, randn({4, 3}, kFloat64).requires_grad_(), x});
  checkFirstAndSecondOrder(
      [](auto &in) {
        return einsum("ij,j->i", {in[0], in[1]});
      },
      {randn({3, 1}, kFloat64).requires_grad_(), x});
  checkFirstAndSecondOrder(
      [](auto &in) { return diag(in[0], 1) * diag(in[0], -1).sum(); }, {m});
  checkFirstAndSecondOrder(
      [](auto &in) { return diag(in[0] * in[0], -1) + diag(in[0], 0).sum(); },
      {x});
  checkFirstAndSecondOrder(
      [](auto &in) { return diag_embed(in[0] * in[0], 1, 0, 2); }, {m});
}

TEST(EinsumTest, Errors) {
  Tensor a = zeros({2, 3}), b = zeros({3, 4});
  EXPECT_ADJIT_ERROR(einsum("i.j->ij", {a}),
                     "einsum: equation \"i.j->ij\" has a '.' outside an "
                     "ellipsis \"...\"");
  EXPECT_ADJIT_ERROR(einsum("...i...->i", {a}),
                     "einsum: equation \"...i...->i\" has more than one "
                     "ellipsis in one operand or output");
  EXPECT_ADJIT_ERROR(einsum("...ijk->i", {a}),
                     "einsum: equation \"...ijk->i\" gives operand 0 3 "
                     "indices, but its shape is [2, 3]");
  EXPECT_ADJIT_ERROR(einsum("ii->i", {zeros({2, 3})}),
                     "einsum: equation \"ii->i\" gives the index i the sizes "
                     "2 and 3 (shapes [2, 3])");
  EXPECT_ADJIT_ERROR(einsum("ij,jk->ik", {a}),
                     "einsum: equation \"ij,jk->ik\" has 2 operand(s) but 1 "
                     "tensor(s) were given");
  EXPECT_ADJIT_ERROR(einsum("ijk->i", {a}),
                     "einsum: equation \"ijk->i\" gives operand 0 3 indices, "
                     "but its shape is [2, 3]");
  EXPECT_ADJIT_ERROR(einsum("ij,kj->ik", {a, b}),
                     "einsum: equation \"ij,kj->ik\" gives the index j the "
                     "sizes 3 and 4 (shapes [2, 3] and [3, 4])");
  EXPECT_ADJIT_ERROR(einsum("ij,jk->iz", {a, b}),
                     "einsum: equation \"ij,jk->iz\" has the output index z, "
                     "which no operand has");
  EXPECT_ADJIT_ERROR(einsum("ij->ii", {a}),
                     "einsum: equation \"ij->ii\" repeats the output index i");
  EXPECT_ADJIT_ERROR(einsum("i1->i", {a}),
                     "einsum: equation \"i1->i\" has the invalid character "
                     "'1'; expected letters, '...', ',' and one '->'");
  EXPECT_ADJIT_ERROR(diag(zeros({2, 2, 2})),
                     "diag: expected a 1-D or 2-D tensor, got shape [2, 2, 2]");
  EXPECT_ADJIT_ERROR(diag_embed(zeros({})),
                     "diag_embed: expected a tensor of at least 1 dim");
  EXPECT_ADJIT_ERROR(diag_embed(a, 0, 1, -2),
                     "diag_embed: dim1 and dim2 must differ, got 1 and -2 "
                     "(input shape [2, 3])");
  EXPECT_ADJIT_ERROR(diag_embed(a, 0, 3), "diag_embed");
}

} // namespace
