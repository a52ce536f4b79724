//===- ScanCheckpoint.h - segments of checkpointed scans --------*- C++ -*-===//

#ifndef ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_SCANCHECKPOINT_H
#define ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_SCANCHECKPOINT_H

#include "adjit/Dialect/Adjit/IR/Adjit.h"

namespace mlir::adjit::detail {

/// Returns true if `scan` is checkpointed in segments: its policy is
/// `every K` or `sqrt` with a segment length above 1.
bool isSegmented(ScanOp scan);

/// Rewrites every segmented scan nested under `root` (see isSegmented) into
/// the equivalent nest of store_all scans, whose store_all adjoint is the
/// checkpointed one. A scan of length N in segments of K becomes an outer
/// scan over the floor(N / K) whole segments, whose body runs the K steps of
/// one segment as an inner scan, followed, if K does not divide N, by an
/// outer scan of length 1 over the last N mod K steps. The forward sweep of
/// the adjoint then tapes one carry per segment (ceil(N / K) carries), and
/// its reverse sweep recomputes the K carries of one segment at a time (the
/// inner scan with its tape) before differentiating the segment's steps in
/// reverse. The scanned inputs are sliced and reshaped to `[segments, K,
/// ...]`, and the stacked outputs reshaped back and concatenated. With a
/// trip count n known only at run time, the bound takes N's place in the
/// shapes: the outer scan runs the ceil(n / K) segments counted at run time
/// (K = ceil(sqrt(n)) for sqrt), segment s an inner scan of min(K, n - s K)
/// steps, and the rows are gathered into segments and back.
void expandSegmentedScans(Operation *root);

} // namespace mlir::adjit::detail

#endif // ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_SCANCHECKPOINT_H
