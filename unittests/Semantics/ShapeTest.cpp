//===- ShapeTest.cpp - Sizes and strides stored inline --------------------===//

#include "adjit/Semantics/Shape.h"

#include <gtest/gtest.h>

#include <numeric>

using adjit::Shape;

namespace {

/// 0, 1, ..., n - 1.
std::vector<int64_t> iota(size_t n) {
  std::vector<int64_t> values(n);
  std::iota(values.begin(), values.end(), 0);
  return values;
}

TEST(ShapeTest, BuildsAsAVectorDoes) {
  EXPECT_TRUE(Shape().empty());
  EXPECT_EQ(Shape(3), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(Shape(2, 7), (std::vector<int64_t>{7, 7}));
  EXPECT_EQ(Shape({4, 5}), (std::vector<int64_t>{4, 5}));
  std::vector<int64_t> values = iota(4);
  EXPECT_EQ(Shape(values.begin(), values.end()), values);
  Shape fromVector = values;
  std::vector<int64_t> back = fromVector;
  EXPECT_EQ(back, values);
  EXPECT_EQ(fromVector.vec(), values);
}

TEST(ShapeTest, GrowsPastItsInlineCapacityAndKeepsItsValues) {
  for (size_t n :
       {size_t(0), Shape::kInlineCapacity - 1, Shape::kInlineCapacity,
        Shape::kInlineCapacity + 1, size_t(40)}) {
    Shape shape;
    for (int64_t v : iota(n))
      shape.push_back(v);
    EXPECT_EQ(shape, iota(n)) << n;
    Shape copy = shape;
    EXPECT_EQ(copy, shape) << n;
    Shape moved = std::move(copy);
    EXPECT_EQ(moved, shape) << n;
    EXPECT_TRUE(copy.empty()) << n;
    copy = moved; // assignment into a moved-from shape
    EXPECT_EQ(copy, shape) << n;
    moved = Shape{9};
    EXPECT_EQ(moved, (std::vector<int64_t>{9})) << n;
  }
}

TEST(ShapeTest, InsertsAndErasesAnywhere) {
  Shape shape = {1, 2, 3};
  shape.insert(shape.begin(), 0);
  shape.insert(shape.end(), 4);
  EXPECT_EQ(shape, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  shape.insert(shape.begin() + 2, 3, 9); // past the inline capacity
  EXPECT_EQ(shape, (std::vector<int64_t>{0, 1, 9, 9, 9, 2, 3, 4}));
  shape.erase(shape.begin() + 2, shape.begin() + 5);
  EXPECT_EQ(shape, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  shape.erase(shape.begin());
  EXPECT_EQ(shape, (std::vector<int64_t>{1, 2, 3, 4}));
  // A range of the shape itself.
  shape.insert(shape.begin() + 1, shape.begin(), shape.end());
  EXPECT_EQ(shape, (std::vector<int64_t>{1, 1, 2, 3, 4, 2, 3, 4}));
  shape.resize(2);
  shape.resize(4, 8);
  EXPECT_EQ(shape, (std::vector<int64_t>{1, 1, 8, 8}));
  shape.pop_back();
  EXPECT_EQ(shape.back(), 8);
  EXPECT_EQ(shape.front(), 1);
  EXPECT_EQ(shape.size(), 3u);
}

TEST(ShapeTest, ComparesWithShapesAndVectors) {
  Shape a = {2, 3}, b = {2, 4};
  EXPECT_TRUE(a == (std::vector<int64_t>{2, 3}));
  EXPECT_TRUE((std::vector<int64_t>{2, 3}) == a);
  EXPECT_TRUE(a != b);
  EXPECT_TRUE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_TRUE(Shape({2}) < a);
  EXPECT_EQ(Shape(iota(10)), Shape(iota(10)));
  EXPECT_NE(Shape(iota(10)), Shape(iota(9)));
}

TEST(ShapeTest, AtChecksItsIndex) {
  Shape shape = {5};
  EXPECT_EQ(shape.at(0), 5);
  EXPECT_THROW(shape.at(1), std::out_of_range);
}

} // namespace
