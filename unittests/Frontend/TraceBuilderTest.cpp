//===- TraceBuilderTest.cpp - tests of the eager-op-to-IR builder ---------===//

#include "adjit/Frontend/TraceBuilder.h"

#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::adjit;

namespace {

class TraceBuilderTest : public ::testing::Test {
protected:
  TraceBuilderTest()
      : handler(&context, [this](Diagnostic &diagnostic) {
          errors.push_back(diagnostic.str());
          return success();
        }) {
    context.loadDialect<AdjitDialect, func::FuncDialect>();
  }

  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, Float32Type::get(&context));
  }
  RankedTensorType f64(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, Float64Type::get(&context));
  }

  /// Finishes `builder` with `result`, verifies the module and returns its
  /// text.
  std::string finishAndPrint(TraceBuilder &builder, Value result) {
    OwningOpRef<ModuleOp> module = builder.finish(result);
    EXPECT_TRUE(succeeded(verify(*module)));
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    return text;
  }

  static ArrayRef<int64_t> shapeOf(Value value) {
    return cast<RankedTensorType>(value.getType()).getShape();
  }

  MLIRContext context;
  ScopedDiagnosticHandler handler;
  std::vector<std::string> errors;
};

TEST_F(TraceBuilderTest, BinaryOpsMakeBroadcastsExplicit) {
  TraceBuilder builder(&context, "f");
  Value x = builder.addArgument(f32({2, 3}));
  Value v = builder.addArgument(f32({3}));
  FailureOr<Value> sum = builder.add(x, v);
  ASSERT_TRUE(succeeded(sum));
  EXPECT_EQ(shapeOf(*sum), ArrayRef<int64_t>({2, 3}));
  std::string text = finishAndPrint(builder, *sum);
  EXPECT_NE(text.find("adjit.broadcast %arg1, dims = [1] : tensor<3xf32> -> "
                      "tensor<2x3xf32>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("func.func @f(%arg0: tensor<2x3xf32>, %arg1: "
                      "tensor<3xf32>) -> tensor<2x3xf32>"),
            std::string::npos)
      << text;
}

TEST_F(TraceBuilderTest, BroadcastExpandsUnitDimensions) {
  TraceBuilder builder(&context, "f");
  Value column = builder.addArgument(f32({2, 1}));
  Value row = builder.addArgument(f32({1, 4}));
  FailureOr<Value> product = builder.mul(column, row);
  ASSERT_TRUE(succeeded(product));
  EXPECT_EQ(shapeOf(*product), ArrayRef<int64_t>({2, 4}));
  std::string text = finishAndPrint(builder, *product);
  EXPECT_NE(text.find("dims = [0, 1] : tensor<2x1xf32> -> tensor<2x4xf32>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("dims = [0, 1] : tensor<1x4xf32> -> tensor<2x4xf32>"),
            std::string::npos)
      << text;
}

TEST_F(TraceBuilderTest, MixedPrecisionPromotesToF64) {
  TraceBuilder builder(&context, "f");
  Value a = builder.addArgument(f32({4}));
  Value b = builder.addArgument(f64({4}));
  FailureOr<Value> difference = builder.sub(a, b);
  ASSERT_TRUE(succeeded(difference));
  EXPECT_TRUE(
      cast<RankedTensorType>(difference->getType()).getElementType().isF64());
  std::string text = finishAndPrint(builder, *difference);
  EXPECT_NE(text.find("adjit.convert %arg0 : tensor<4xf32> to tensor<4xf64>"),
            std::string::npos)
      << text;
}

TEST_F(TraceBuilderTest, ReductionsNormalizeDimsAndKeepDims) {
  TraceBuilder builder(&context, "f");
  Value x = builder.addArgument(f32({2, 3, 4}));
  FailureOr<Value> kept = builder.sum(x, {-1, 0}, /*keepDim=*/true);
  ASSERT_TRUE(succeeded(kept));
  EXPECT_EQ(shapeOf(*kept), ArrayRef<int64_t>({1, 3, 1}));
  FailureOr<Value> dropped = builder.amax(x, {1}, /*keepDim=*/false);
  ASSERT_TRUE(succeeded(dropped));
  EXPECT_EQ(shapeOf(*dropped), ArrayRef<int64_t>({2, 4}));
  FailureOr<Value> all = builder.mean(x, {}, /*keepDim=*/false);
  ASSERT_TRUE(succeeded(all));
  EXPECT_TRUE(shapeOf(*all).empty());
  std::string text = finishAndPrint(builder, *all);
  EXPECT_NE(text.find("adjit.reduce_sum %arg0, dims = [0, 2] : "
                      "tensor<2x3x4xf32> -> tensor<3xf32>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("adjit.constant dense<2.400000e+01> : tensor<f32>"),
            std::string::npos)
      << text;
}

TEST_F(TraceBuilderTest, MatmulFollowsPyTorchRanks) {
  TraceBuilder builder(&context, "f");
  Value vector = builder.addArgument(f32({3}));
  Value matrix = builder.addArgument(f32({3, 5}));
  Value square = builder.addArgument(f32({3, 3}));
  Value batch = builder.addArgument(f32({2, 4, 3}));
  Value broadcastBatch = builder.addArgument(f32({2, 1, 4, 3}));
  Value batchRhs = builder.addArgument(f32({6, 3, 5}));

  auto shapeOfProduct = [&](Value lhs, Value rhs) {
    FailureOr<Value> product = builder.matmul(lhs, rhs);
    EXPECT_TRUE(succeeded(product));
    return succeeded(product) ? SmallVector<int64_t>(shapeOf(*product))
                              : SmallVector<int64_t>{-1};
  };
  EXPECT_EQ(shapeOfProduct(vector, vector), SmallVector<int64_t>{});
  EXPECT_EQ(shapeOfProduct(square, vector), SmallVector<int64_t>({3}));
  EXPECT_EQ(shapeOfProduct(vector, matrix), SmallVector<int64_t>({5}));
  EXPECT_EQ(shapeOfProduct(batch, matrix), SmallVector<int64_t>({2, 4, 5}));
  EXPECT_EQ(shapeOfProduct(broadcastBatch, batchRhs),
            SmallVector<int64_t>({2, 6, 4, 5}));
  FailureOr<Value> folded = builder.matmul(batch, matrix);
  ASSERT_TRUE(succeeded(folded));
  std::string text = finishAndPrint(builder, *folded);
  // A batch times a matrix is one 2-D product over the flattened batch.
  EXPECT_NE(text.find(": tensor<8x3xf32>, tensor<3x5xf32> -> tensor<8x5xf32>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(": tensor<2x6x4x3xf32>, tensor<2x6x3x5xf32> -> "
                      "tensor<2x6x4x5xf32>"),
            std::string::npos)
      << text;
}

TEST_F(TraceBuilderTest, ShapeOps) {
  TraceBuilder builder(&context, "f");
  Value x = builder.addArgument(f32({2, 3, 4}));
  FailureOr<Value> flat = builder.reshape(x, {-1, 4});
  ASSERT_TRUE(succeeded(flat));
  EXPECT_EQ(shapeOf(*flat), ArrayRef<int64_t>({6, 4}));
  FailureOr<Value> swapped = builder.transpose(x, 0, -1);
  ASSERT_TRUE(succeeded(swapped));
  EXPECT_EQ(shapeOf(*swapped), ArrayRef<int64_t>({4, 3, 2}));
  // Python slicing: x[:, -2:100:1] keeps the last two of three.
  FailureOr<Value> tail = builder.slice(x, 1, -2, 100, 1);
  ASSERT_TRUE(succeeded(tail));
  EXPECT_EQ(shapeOf(*tail), ArrayRef<int64_t>({2, 2, 4}));
  FailureOr<Value> strided = builder.slice(x, -1, 0, 4, 3);
  ASSERT_TRUE(succeeded(strided));
  EXPECT_EQ(shapeOf(*strided), ArrayRef<int64_t>({2, 3, 2}));
  Value y = builder.addArgument(f64({2, 1, 4}));
  FailureOr<Value> joined = builder.cat({x, y}, 1);
  ASSERT_TRUE(succeeded(joined));
  EXPECT_EQ(shapeOf(*joined), ArrayRef<int64_t>({2, 4, 4}));
  EXPECT_TRUE(
      cast<RankedTensorType>(joined->getType()).getElementType().isF64());
  finishAndPrint(builder, *joined);
  EXPECT_TRUE(errors.empty());
}

TEST_F(TraceBuilderTest, WhereBroadcastsConditionAndValues) {
  TraceBuilder builder(&context, "f");
  Value x = builder.addArgument(f32({2, 3}));
  Value threshold = builder.addArgument(f32({3}));
  FailureOr<Value> mask = builder.compare(ComparePredicate::gt, x, threshold);
  ASSERT_TRUE(succeeded(mask));
  Value zero = builder.splat(f32({}), 0.0);
  FailureOr<Value> chosen = builder.where(*mask, x, zero);
  ASSERT_TRUE(succeeded(chosen));
  EXPECT_EQ(shapeOf(*chosen), ArrayRef<int64_t>({2, 3}));
  std::string text = finishAndPrint(builder, *chosen);
  EXPECT_NE(text.find("adjit.compare gt"), std::string::npos) << text;
  EXPECT_NE(text.find("adjit.select"), std::string::npos) << text;
}

TEST_F(TraceBuilderTest, InvalidRequestsReportTheOpAndShapes) {
  TraceBuilder builder(&context, "f");
  Value a = builder.addArgument(f32({2}));
  Value b = builder.addArgument(f32({3}));
  Value m = builder.addArgument(f32({2, 3}));

  EXPECT_TRUE(failed(builder.add(a, b)));
  EXPECT_TRUE(failed(builder.matmul(m, m)));
  EXPECT_TRUE(failed(builder.sum(m, {2}, false)));
  EXPECT_TRUE(failed(builder.sum(m, {1, -1}, false)));
  EXPECT_TRUE(failed(builder.reshape(m, {4, -1})));
  EXPECT_TRUE(failed(builder.reshape(m, {-1, -1})));
  EXPECT_TRUE(failed(builder.permute(m, {0, 0})));
  EXPECT_TRUE(failed(builder.slice(m, 0, 0, 2, 0)));
  EXPECT_TRUE(failed(builder.cat({a, m}, 0)));
  EXPECT_TRUE(failed(builder.where(a, a, a)));
  EXPECT_TRUE(failed(builder.broadcastTo(m, {3, 3})));

  // The eager ops' messages: both follow adjit/Semantics/ShapeRules.h.
  std::vector<std::string> expected = {
      "add: shapes [2] and [3] are not broadcastable (aligned at the last "
      "dimension, sizes must be equal or 1)",
      "matmul: shapes [2, 3] and [2, 3] cannot be multiplied (3 != 2)",
      "sum: dimension 2 is out of range for a tensor of 2 dimensions "
      "(expected to be in [-2, 1])",
      "sum: dim 1 appears multiple times in the list of dims [1, -1]",
      "reshape: shape [4, -1] is invalid for input of size 6 (input shape "
      "[2, 3])",
      "reshape: only one dimension can be inferred in shape [-1, -1]",
      "permute: dims [0, 0] is not a permutation of the dimensions of a "
      "tensor of shape [2, 3] (expected each of 0 to 1 once; negative dims "
      "count from the end)",
      "slice: step must be positive, got 0",
      "cat: sizes of tensors must match except in dimension 0; got [2] and "
      "[2, 3]",
      "where: the condition must be a bool tensor, got 'tensor<2xf32>'",
      "broadcast_to: shape [2, 3] cannot broadcast to [3, 3]",
  };
  EXPECT_EQ(errors, expected);
}

} // namespace
