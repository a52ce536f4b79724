//===- ShapeRulesTest.cpp - the shared shape rules and their messages -----===//

#include "adjit/Semantics/ShapeRules.h"

#include <gtest/gtest.h>

using namespace adjit::semantics;

namespace {

/// The value of a rule that must succeed.
template <typename T> T valueOf(ShapeResult<T> result) {
  EXPECT_TRUE(result.ok()) << result.error;
  return result.value;
}

/// The message of a rule that must fail.
template <typename T> std::string errorOf(ShapeResult<T> result) {
  EXPECT_FALSE(result.ok());
  return result.error;
}

TEST(ShapeRulesTest, FormatShape) {
  EXPECT_EQ(formatShape({}), "[]");
  EXPECT_EQ(formatShape({2}), "[2]");
  EXPECT_EQ(formatShape({2, 3, 4}), "[2, 3, 4]");
}

TEST(ShapeRulesTest, BroadcastShapesFollowsNumpy) {
  EXPECT_EQ(valueOf(broadcastShapes("add", {2, 3}, {3})), (Shape{2, 3}));
  EXPECT_EQ(valueOf(broadcastShapes("add", {2, 1}, {1, 4})), (Shape{2, 4}));
  EXPECT_EQ(valueOf(broadcastShapes("add", {}, {5})), (Shape{5}));
  EXPECT_EQ(valueOf(broadcastShapes("add", {}, {})), (Shape{}));
  EXPECT_EQ(valueOf(broadcastShapes("add", {3, 1, 2}, {4, 1})),
            (Shape{3, 4, 2}));
  EXPECT_EQ(valueOf(broadcastShapes("add", {0, 1}, {1, 3})), (Shape{0, 3}));
  EXPECT_EQ(errorOf(broadcastShapes("add", {2, 3}, {4})),
            "add: shapes [2, 3] and [4] are not broadcastable (aligned at the "
            "last dimension, sizes must be equal or 1)");
  EXPECT_EQ(errorOf(broadcastShapes("where", {2, 3}, {3, 3})),
            "where: shapes [2, 3] and [3, 3] are not broadcastable (aligned at "
            "the last dimension, sizes must be equal or 1)");
}

TEST(ShapeRulesTest, NormalizeDimWrapsNegativeDims) {
  EXPECT_EQ(valueOf(normalizeDim("sum", 0, 2)), 0);
  EXPECT_EQ(valueOf(normalizeDim("sum", 1, 2)), 1);
  EXPECT_EQ(valueOf(normalizeDim("sum", -1, 2)), 1);
  EXPECT_EQ(valueOf(normalizeDim("sum", -2, 2)), 0);
  EXPECT_EQ(errorOf(normalizeDim("sum", 2, 2)),
            "sum: dimension 2 is out of range for a tensor of 2 dimensions "
            "(expected to be in [-2, 1])");
  EXPECT_EQ(errorOf(normalizeDim("transpose", -3, 2)),
            "transpose: dimension -3 is out of range for a tensor of 2 "
            "dimensions (expected to be in [-2, 1])");
}

TEST(ShapeRulesTest, NormalizeDimAcceptsDimZeroOfZeroDimTensors) {
  // PyTorch's rule: a 0-d tensor accepts dim 0 and dim -1.
  EXPECT_EQ(valueOf(normalizeDim("sum", 0, 0)), 0);
  EXPECT_EQ(valueOf(normalizeDim("sum", -1, 0)), 0);
  EXPECT_EQ(errorOf(normalizeDim("sum", 1, 0)),
            "sum: dimension 1 is out of range for a tensor of 0 dimensions "
            "(expected to be in [-1, 0])");
  EXPECT_EQ(errorOf(normalizeDim("sum", -2, 0)),
            "sum: dimension -2 is out of range for a tensor of 0 dimensions "
            "(expected to be in [-1, 0])");
}

TEST(ShapeRulesTest, NormalizeDimsSortsAndRejectsDuplicates) {
  EXPECT_EQ(valueOf(normalizeDims("sum", {}, 3)), (Shape{}));
  EXPECT_EQ(valueOf(normalizeDims("sum", {-1, 0}, 3)), (Shape{0, 2}));
  EXPECT_EQ(valueOf(normalizeDims("sum", {2, -2, 0}, 3)), (Shape{0, 1, 2}));
  EXPECT_EQ(valueOf(normalizeDims("sum", {-1}, 0)), (Shape{0}));
  EXPECT_EQ(errorOf(normalizeDims("sum", {1, -1}, 2)),
            "sum: dim 1 appears multiple times in the list of dims [1, -1]");
  EXPECT_EQ(errorOf(normalizeDims("mean", {0, 3}, 3)),
            "mean: dimension 3 is out of range for a tensor of 3 dimensions "
            "(expected to be in [-3, 2])");
}

TEST(ShapeRulesTest, ReducedShape) {
  Reduction all = valueOf(reducedShape("sum", {2, 3, 4}, {}, false));
  EXPECT_EQ(all.dims, (Shape{0, 1, 2}));
  EXPECT_EQ(all.shape, (Shape{}));
  EXPECT_EQ(all.keptShape, (Shape{1, 1, 1}));
  EXPECT_EQ(all.count, 24);

  Reduction kept = valueOf(reducedShape("sum", {2, 3, 4}, {}, true));
  EXPECT_EQ(kept.shape, (Shape{1, 1, 1}));

  Reduction some = valueOf(reducedShape("mean", {2, 3, 4}, {-1, 0}, false));
  EXPECT_EQ(some.dims, (Shape{0, 2}));
  EXPECT_EQ(some.shape, (Shape{3}));
  EXPECT_EQ(some.keptShape, (Shape{1, 3, 1}));
  EXPECT_EQ(some.count, 8);

  Reduction someKept = valueOf(reducedShape("mean", {2, 3, 4}, {1}, true));
  EXPECT_EQ(someKept.shape, (Shape{2, 1, 4}));
  EXPECT_EQ(someKept.count, 3);

  Reduction empty = valueOf(reducedShape("sum", {2, 0}, {1}, false));
  EXPECT_EQ(empty.shape, (Shape{2}));
  EXPECT_EQ(empty.count, 0);

  EXPECT_EQ(errorOf(reducedShape("amax", {2, 3}, {2}, false)),
            "amax: dimension 2 is out of range for a tensor of 2 dimensions "
            "(expected to be in [-2, 1])");
  EXPECT_EQ(errorOf(reducedShape("sum", {2, 3}, {0, -2}, false)),
            "sum: dim 0 appears multiple times in the list of dims [0, -2]");
}

TEST(ShapeRulesTest, ReducedShapeOfZeroDimTensor) {
  for (Shape dims : {Shape{}, Shape{0}, Shape{-1}}) {
    for (bool keepDim : {false, true}) {
      Reduction reduction = valueOf(reducedShape("sum", {}, dims, keepDim));
      EXPECT_EQ(reduction.dims, (Shape{}));
      EXPECT_EQ(reduction.shape, (Shape{}));
      EXPECT_EQ(reduction.keptShape, (Shape{}));
      EXPECT_EQ(reduction.count, 1);
    }
  }
  EXPECT_EQ(errorOf(reducedShape("sum", {}, {0, -1}, false)),
            "sum: dim 0 appears multiple times in the list of dims [0, -1]");
  EXPECT_EQ(errorOf(reducedShape("sum", {}, {1}, false)),
            "sum: dimension 1 is out of range for a tensor of 0 dimensions "
            "(expected to be in [-1, 0])");
}

TEST(ShapeRulesTest, InferReshape) {
  EXPECT_EQ(valueOf(inferReshape("reshape", {2, 3}, {3, 2})), (Shape{3, 2}));
  EXPECT_EQ(valueOf(inferReshape("reshape", {2, 3}, {-1})), (Shape{6}));
  EXPECT_EQ(valueOf(inferReshape("reshape", {2, 3}, {3, -1})), (Shape{3, 2}));
  EXPECT_EQ(valueOf(inferReshape("reshape", {2, 3, 4}, {-1, 2, 3})),
            (Shape{4, 2, 3}));
  EXPECT_EQ(valueOf(inferReshape("reshape", {}, {1, -1})), (Shape{1, 1}));
  EXPECT_EQ(valueOf(inferReshape("reshape", {1}, {})), (Shape{}));
  EXPECT_EQ(valueOf(inferReshape("reshape", {0, 3}, {3, -1})), (Shape{3, 0}));
  EXPECT_EQ(errorOf(inferReshape("view", {2, 3}, {4, 2})),
            "view: shape [4, 2] is invalid for input of size 6 (input shape "
            "[2, 3])");
  EXPECT_EQ(errorOf(inferReshape("reshape", {2, 3}, {-1, 4})),
            "reshape: shape [-1, 4] is invalid for input of size 6 (input "
            "shape [2, 3])");
  EXPECT_EQ(errorOf(inferReshape("reshape", {2, 3}, {-1, -1})),
            "reshape: only one dimension can be inferred in shape [-1, -1]");
  EXPECT_EQ(errorOf(inferReshape("reshape", {2, 3}, {-2, -3})),
            "reshape: invalid dimension -2 in shape [-2, -3] (sizes are >= 0, "
            "with at most one -1)");
  // -1 next to a 0 could be any size.
  EXPECT_EQ(errorOf(inferReshape("reshape", {0, 3}, {0, -1})),
            "reshape: shape [0, -1] is invalid for input of size 0 (input "
            "shape [0, 3])");
}

TEST(ShapeRulesTest, ClampSliceClampsAsPython) {
  auto bounds = [](int64_t size, std::optional<int64_t> start,
                   std::optional<int64_t> end, int64_t step) {
    SliceBounds b = valueOf(clampSlice("slice", size, start, end, step));
    return std::vector<int64_t>{b.start, b.end, b.length};
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(bounds(5, 1, 4, 1), (V{1, 4, 3}));
  EXPECT_EQ(bounds(5, std::nullopt, std::nullopt, 1), (V{0, 5, 5}));
  EXPECT_EQ(bounds(5, std::nullopt, std::nullopt, 2), (V{0, 5, 3}));
  EXPECT_EQ(bounds(5, -2, std::nullopt, 1), (V{3, 5, 2}));
  EXPECT_EQ(bounds(5, -10, 10, 1), (V{0, 5, 5}));
  EXPECT_EQ(bounds(5, 1, -1, 2), (V{1, 4, 2}));
  EXPECT_EQ(bounds(5, 7, 9, 1), (V{5, 5, 0}));
  EXPECT_EQ(bounds(5, 4, 1, 1), (V{4, 4, 0}));
  EXPECT_EQ(bounds(5, -1, -3, 1), (V{4, 4, 0}));
  EXPECT_EQ(bounds(0, 0, 1, 1), (V{0, 0, 0}));
  EXPECT_EQ(bounds(5, 0, INT64_MAX, 3), (V{0, 5, 2}));
  EXPECT_EQ(errorOf(clampSlice("slice", 5, 0, 5, 0)),
            "slice: step must be positive, got 0");
  EXPECT_EQ(errorOf(clampSlice("slice", 5, 0, 5, -1)),
            "slice: step must be positive, got -1");
}

TEST(ShapeRulesTest, SliceDim) {
  SliceBounds bounds = valueOf(sliceDim("slice", {2, 6}, -1, -4, 100, 2));
  EXPECT_EQ(bounds.dim, 1);
  EXPECT_EQ(bounds.start, 2);
  EXPECT_EQ(bounds.end, 6);
  EXPECT_EQ(bounds.length, 2);
  EXPECT_EQ(errorOf(sliceDim("slice", {}, 0, 0, 1, 1)),
            "slice: cannot slice a zero-dimensional tensor");
  EXPECT_EQ(errorOf(sliceDim("slice", {2}, 1, 0, 1, 1)),
            "slice: dimension 1 is out of range for a tensor of 1 dimensions "
            "(expected to be in [-1, 0])");
  EXPECT_EQ(errorOf(sliceDim("slice", {2}, 0, 0, 1, 0)),
            "slice: step must be positive, got 0");
  EXPECT_EQ(sliceLength(0, 0, 3), 0);
  EXPECT_EQ(sliceLength(1, 8, 3), 3);
}

TEST(ShapeRulesTest, Permutation) {
  EXPECT_TRUE(isPermutation({}, 0));
  EXPECT_TRUE(isPermutation({1, 0, 2}, 3));
  EXPECT_FALSE(isPermutation({0, 0}, 2));
  EXPECT_FALSE(isPermutation({0}, 2));
  EXPECT_FALSE(isPermutation({0, 2}, 2));
  EXPECT_FALSE(isPermutation({-1, 0}, 2));

  EXPECT_EQ(valueOf(permutation("permute", {-1, 0}, {2, 3})), (Shape{1, 0}));
  EXPECT_EQ(valueOf(permutation("permute", {}, {})), (Shape{}));
  EXPECT_EQ(errorOf(permutation("permute", {0, 0}, {2, 3})),
            "permute: dims [0, 0] is not a permutation of the dimensions of a "
            "tensor of shape [2, 3] (expected each of 0 to 1 once; negative "
            "dims count from the end)");
  EXPECT_EQ(errorOf(permutation("permute", {0, -3}, {2, 3})),
            "permute: dims [0, -3] is not a permutation of the dimensions of "
            "a tensor of shape [2, 3] (expected each of 0 to 1 once; negative "
            "dims count from the end)");
  EXPECT_FALSE(permutation("permute", {0}, {2, 3}).ok());
  EXPECT_FALSE(permutation("permute", {0, 1, 2}, {2, 3}).ok());
}

TEST(ShapeRulesTest, CatShape) {
  EXPECT_TRUE(sameShapeExceptDim({2, 3}, {2, 5}, 1));
  EXPECT_FALSE(sameShapeExceptDim({2, 3}, {2, 5}, 0));
  EXPECT_FALSE(sameShapeExceptDim({2, 3}, {2}, 1));

  Concatenation rows = valueOf(catShape("cat", {{2, 3}, {4, 3}}, 0));
  EXPECT_EQ(rows.dim, 0);
  EXPECT_EQ(rows.shape, (Shape{6, 3}));
  Concatenation cols = valueOf(catShape("cat", {{2, 3}, {2, 1}, {2, 0}}, -1));
  EXPECT_EQ(cols.dim, 1);
  EXPECT_EQ(cols.shape, (Shape{2, 4}));
  EXPECT_EQ(valueOf(catShape("cat", {{5}}, 0)).shape, (Shape{5}));

  EXPECT_EQ(errorOf(catShape("cat", {}, 0)),
            "cat: expected a non-empty list of tensors");
  EXPECT_EQ(errorOf(catShape("cat", {{}, {}}, 0)),
            "cat: zero-dimensional tensors cannot be concatenated");
  EXPECT_EQ(errorOf(catShape("cat", {{2, 3}, {2, 4}}, 0)),
            "cat: sizes of tensors must match except in dimension 0; got [2, "
            "3] and [2, 4]");
  EXPECT_EQ(errorOf(catShape("cat", {{2, 3}, {2}}, -1)),
            "cat: sizes of tensors must match except in dimension 1; got [2, "
            "3] and [2]");
  EXPECT_EQ(errorOf(catShape("cat", {{2, 3}}, 2)),
            "cat: dimension 2 is out of range for a tensor of 2 dimensions "
            "(expected to be in [-2, 1])");
}

TEST(ShapeRulesTest, MatmulPlanOfVectorsAndMatrices) {
  MatmulPlan dot = valueOf(matmulPlan({3}, {3}));
  EXPECT_EQ(dot.lhsMatrix, (Shape{1, 3}));
  EXPECT_EQ(dot.rhsMatrix, (Shape{3, 1}));
  EXPECT_EQ(dot.batch, (Shape{}));
  EXPECT_EQ(dot.productShape, (Shape{1, 1}));
  EXPECT_EQ(dot.resultShape, (Shape{}));

  MatmulPlan matVec = valueOf(matmulPlan({2, 3}, {3}));
  EXPECT_EQ(matVec.rhsMatrix, (Shape{3, 1}));
  EXPECT_EQ(matVec.resultShape, (Shape{2}));

  MatmulPlan vecMat = valueOf(matmulPlan({3}, {3, 4}));
  EXPECT_EQ(vecMat.lhsMatrix, (Shape{1, 3}));
  EXPECT_EQ(vecMat.resultShape, (Shape{4}));

  MatmulPlan mm = valueOf(matmulPlan({2, 3}, {3, 4}));
  EXPECT_EQ(mm.m, 2);
  EXPECT_EQ(mm.k, 3);
  EXPECT_EQ(mm.n, 4);
  EXPECT_EQ(mm.lhsBroadcast, (Shape{2, 3}));
  EXPECT_EQ(mm.rhsBroadcast, (Shape{3, 4}));
  EXPECT_EQ(mm.resultShape, (Shape{2, 4}));
}

TEST(ShapeRulesTest, MatmulPlanOfBatches) {
  MatmulPlan batched = valueOf(matmulPlan({5, 1, 2, 3}, {4, 3, 6}));
  EXPECT_EQ(batched.batch, (Shape{5, 4}));
  EXPECT_EQ(batched.lhsBroadcast, (Shape{5, 4, 2, 3}));
  EXPECT_EQ(batched.rhsBroadcast, (Shape{5, 4, 3, 6}));
  EXPECT_EQ(batched.productShape, (Shape{5, 4, 2, 6}));
  EXPECT_EQ(batched.resultShape, (Shape{5, 4, 2, 6}));

  MatmulPlan batchVec = valueOf(matmulPlan({4, 2, 3}, {3}));
  EXPECT_EQ(batchVec.batch, (Shape{4}));
  EXPECT_EQ(batchVec.rhsBroadcast, (Shape{4, 3, 1}));
  EXPECT_EQ(batchVec.resultShape, (Shape{4, 2}));

  MatmulPlan vecBatch = valueOf(matmulPlan({3}, {4, 3, 2}));
  EXPECT_EQ(vecBatch.lhsBroadcast, (Shape{4, 1, 3}));
  EXPECT_EQ(vecBatch.resultShape, (Shape{4, 2}));
}

TEST(ShapeRulesTest, MatmulPlanErrors) {
  EXPECT_EQ(errorOf(matmulPlan({}, {2})),
            "matmul: both arguments need to be at least 1-D, got shapes [] "
            "and [2]");
  EXPECT_EQ(errorOf(matmulPlan({3}, {4})),
            "matmul: 1-D tensors of shapes [3] and [4] have different lengths "
            "(3 != 4)");
  EXPECT_EQ(errorOf(matmulPlan({2, 3}, {4, 5})),
            "matmul: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)");
  EXPECT_EQ(errorOf(matmulPlan({3}, {4, 5})),
            "matmul: shapes [3] and [4, 5] cannot be multiplied (3 != 4)");
  EXPECT_EQ(errorOf(matmulPlan({2, 2, 3}, {3, 3, 2})),
            "matmul: shapes [2] and [3] are not broadcastable (the batch "
            "dimensions of [2, 2, 3] and [3, 3, 2]; aligned at the last "
            "dimension, sizes must be equal or 1)");
}

// Convolution
TEST(ShapeRulesTest, ConvolutionShape) {
  ConvolutionAttrs plain{{1, 1}, {0, 0}, {0, 0}, {1, 1}, 1};
  EXPECT_EQ(convolutionShape("conv2d", {2, 3, 7, 6}, {4, 3, 3, 3}, plain).value,
            (Shape{2, 4, 5, 4}));
  // Unbatched; stride 2 by 1, padding 1 before and 2 after the height,
  // dilation 2 on the width, groups 2.
  ConvolutionAttrs mixed{{2, 1}, {1, 0}, {2, 0}, {1, 2}, 2};
  EXPECT_EQ(convolutionShape("conv2d", {4, 9, 8}, {6, 2, 3, 3}, mixed).value,
            (Shape{6, 5, 4}));
  ConvolutionAttrs line{{2}, {1}, {1}, {1}, 1};
  EXPECT_EQ(convolutionShape("conv1d", {2, 3, 9}, {5, 3, 3}, line).value,
            (Shape{2, 5, 5}));
  EXPECT_EQ(
      errorOf(convolutionShape("conv2d", {1, 3, 5, 5}, {4, 2, 3, 3}, plain)),
      "conv2d: input [1, 3, 5, 5] has 3 channels but weight [4, 2, 3, "
      "3] with groups 1 expects 2 (weight.size(1) * groups)");
  ConvolutionAttrs three = plain;
  three.groups = 3;
  EXPECT_EQ(
      errorOf(convolutionShape("conv2d", {1, 6, 5, 5}, {4, 2, 3, 3}, three)),
      "conv2d: weight [4, 2, 3, 3] has 4 output channels, which groups "
      "3 does not divide");
  ConvolutionAttrs narrow{{1}, {0}, {0}, {1}, 1};
  EXPECT_EQ(errorOf(convolutionShape("conv1d", {1, 3, 2}, {4, 3, 3}, narrow)),
            "conv1d: kernel size 3 (dilated: 3) is larger than the padded "
            "input size 2 in spatial dim 0 (input [1, 3, 2], weight [4, 3, "
            "3])");
}

} // namespace
