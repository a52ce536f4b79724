//===- TierUpQueue.h - background compiles of the optimized tier -*- C++
//-*-===//
//
// One background thread per engine runs the compiles that replace fast-tier
// code by optimized code, one at a time, in the order they were asked for.
// Stopping it (when the engine is destroyed, or when the process exits)
// cancels the compile in progress, drops those not started, and joins the
// thread, so that no compile runs while the engine or LLVM's globals are
// torn down.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_JIT_TIERUPQUEUE_H
#define ADJIT_LIB_JIT_TIERUPQUEUE_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace adjit::jit::detail {

/// A FIFO of background jobs run by one thread, started on the first push.
class TierUpQueue {
public:
  /// A job; it should return soon once `cancelled` becomes true, and must
  /// not throw (an exception is caught and dropped).
  using Job = std::function<void(const std::atomic<bool> &cancelled)>;

  TierUpQueue();
  /// Stops the queue (see stop()).
  ~TierUpQueue();
  TierUpQueue(const TierUpQueue &) = delete;
  TierUpQueue &operator=(const TierUpQueue &) = delete;

  /// Queues `job`; it is dropped if the queue has been stopped.
  void push(Job job);

  /// Blocks until every job queued so far has finished.
  void waitUntilIdle();

  /// Cancels the running job, drops the queued ones and joins the thread.
  /// Later pushes are dropped. Also done for every live queue at process
  /// exit (an atexit handler).
  void stop();

  /// Returns the number of jobs queued or running.
  uint64_t getPending() const;

private:
  void run();

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::deque<Job> jobs;
  bool busy = false;
  bool stopped = false;
  std::atomic<bool> cancelled{false};
  std::thread worker;
};

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_TIERUPQUEUE_H
