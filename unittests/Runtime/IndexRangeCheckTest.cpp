//===- IndexRangeCheckTest.cpp - the check of index values --------------===//
//
// runtime::IndexRangeCheck::verify, which eager indexing ops and every call of
// compiled code with index arguments run: values at both ends of the range and
// beyond, anywhere in tensors longer than a vector register, the allowed
// `ignored` value, inclusive bounds, and the position the message names.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include "adjit/Runtime/OpObserver.h"
#include "adjit/adjit.h"

#include <cstdint>
#include <limits>

using namespace adjit;
using adjit::runtime::IndexRangeCheck;

namespace {

constexpr int64_t kLength = 1001;

/// kLength int64 values cycling through [0, bound), with `value` at
/// `position` (if position >= 0).
Tensor indices(int64_t bound, int64_t position = -1, int64_t value = 0) {
  // Written in place: from_vector goes through double, which cannot hold
  // every int64.
  Tensor t = zeros({kLength}, kInt64);
  int64_t *v = t.data_ptr<int64_t>();
  for (int64_t i = 0; i < kLength; ++i)
    v[i] = i % bound;
  if (position >= 0)
    v[position] = value;
  return t;
}

IndexRangeCheck check(int64_t bound) {
  return IndexRangeCheck{"gather", "index", bound, "elements"};
}

TEST(IndexRangeCheck, ValuesInRangePass) {
  EXPECT_NO_THROW(check(7).verify(indices(7)));
  EXPECT_NO_THROW(check(7).verify(indices(7, kLength - 1, 6)));
  EXPECT_NO_THROW(check(1).verify(indices(1)));
  EXPECT_NO_THROW(check(5).verify(zeros({0}, kInt64)));
}

TEST(IndexRangeCheck, EveryPositionAndBothEndsAreChecked) {
  const int64_t extremes[] = {-1, 7, 8, std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max()};
  for (int64_t position : {int64_t{0}, int64_t{1}, int64_t{15}, int64_t{16},
                           int64_t{500}, kLength - 2, kLength - 1})
    for (int64_t value : extremes)
      EXPECT_ADJIT_ERROR(check(7).verify(indices(7, position, value)),
                         "gather: index " + std::to_string(value) +
                             " at position " + std::to_string(position) +
                             " is out of bounds for 7 elements");
}

TEST(IndexRangeCheck, TheFirstValueOutOfRangeIsNamed) {
  Tensor t = indices(3, 300, 9);
  t.data_ptr<int64_t>()[40] = -3;
  EXPECT_ADJIT_ERROR(check(3).verify(t),
                     "gather: index -3 at position 40 is out of bounds");
}

TEST(IndexRangeCheck, OnlyTheIgnoredValueMayLieOutside) {
  IndexRangeCheck targets{"cross_entropy", "target", 10, "classes", -100};
  EXPECT_NO_THROW(targets.verify(indices(10, 999, -100)));
  EXPECT_ADJIT_ERROR(targets.verify(indices(10, 999, -99)),
                     "cross_entropy: target -99 at position 999 is out of "
                     "bounds for 10 classes");
  EXPECT_ADJIT_ERROR(targets.verify(indices(10, 17, 10)),
                     "target 10 at position 17 is out of bounds");
}

TEST(IndexRangeCheck, InclusiveBoundsAllowTheBound) {
  IndexRangeCheck counts{"scan",
                         "length",
                         8,
                         "the steps",
                         std::nullopt,
                         /*inclusive=*/true};
  EXPECT_NO_THROW(counts.verify(indices(9, 600, 8)));
  EXPECT_ADJIT_ERROR(counts.verify(indices(9, 600, 9)),
                     "scan: length = 9 lies outside [0, 8], where 8 is the "
                     "steps");
  EXPECT_ADJIT_ERROR(counts.verify(indices(9, 3, -1)),
                     "scan: length = -1 lies outside [0, 8]");
  IndexRangeCheck widest{
      "scan",      "length",     std::numeric_limits<int64_t>::max(),
      "the steps", std::nullopt, /*inclusive=*/true};
  EXPECT_NO_THROW(
      widest.verify(indices(9, 5, std::numeric_limits<int64_t>::max())));
  EXPECT_ADJIT_ERROR(widest.verify(indices(9, 5, -1)), "length = -1");
}

TEST(IndexRangeCheck, StridedIndicesAreChecked) {
  // [7, 143] transposed: not contiguous, so the check reads a copy.
  Tensor strided = indices(7, 900, 7).view({7, 143}).t();
  ASSERT_FALSE(strided.is_contiguous());
  EXPECT_ADJIT_ERROR(check(7).verify(strided), "gather: index 7 at position ");
  EXPECT_NO_THROW(check(7).verify(indices(7).view({7, 143}).t()));
}

} // namespace
