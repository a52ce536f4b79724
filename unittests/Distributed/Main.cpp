//===- Main.cpp - Runs the distributed tests on every rank ----------------===//
//
// The same binary runs as a world of one (without a launcher) and under
// mpiexec; every rank runs every test in the same order, so the collectives
// of a test meet their counterparts on the other ranks.
//
//===----------------------------------------------------------------------===//

#include "adjit/Distributed.h"

#include <gtest/gtest.h>

int main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  adjit::distributed::init();
  // Only rank 0 prints the progress; every rank prints its failures.
  if (adjit::distributed::rank() != 0) {
    testing::TestEventListeners &listeners =
        testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int status = RUN_ALL_TESTS();
  adjit::distributed::finalize();
  return status;
}
