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
// At process exit, objects with static storage duration are destroyed and
// atexit handlers run in one list, in the reverse order of their
// construction and registration. The handler that stops the queues thus runs
// only after the destructors of every static constructed after it was
// registered: a job must never be the first to construct a static it uses
// (LLVM's code generator has function-local ones), or a job in flight at
// exit uses it destroyed. A queue's `prepare` function, run on the pushing
// thread before the worker starts, constructs them first.
//
// fork() waits until no job is running (a job may hold locks of LLVM and
// MLIR that the child could never take). The child starts with idle queues:
// the jobs queued in the parent are not run in the child (their modules keep
// their fast code there), and a later push starts a worker of the child.
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

  /// `prepare` runs once, on the thread of the first push, before the worker
  /// starts and before the exit handler that stops this queue is registered:
  /// it must construct every object with static storage duration the jobs
  /// use (e.g. by doing a small job's work itself).
  explicit TierUpQueue(std::function<void()> prepare = nullptr);
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

  /// For the process's fork handlers: before fork(), waits until no job
  /// runs and keeps the queue locked; after it, unlocks the queue, and in the
  /// child also forgets the parent's worker and jobs.
  void lockForFork();
  void unlockAfterFork(bool inChild);

  /// Whether the exit handler is registered again after the `job`-th job
  /// (counted from 1) the queues of this process finish: after each of the
  /// first kJobsAlwaysFollowedByRegistration, then after powers of two.
  static bool registersExitHandlerAfterJob(uint64_t job);
  static constexpr uint64_t kJobsAlwaysFollowedByRegistration = 64;

private:
  void run();

  std::function<void()> prepare;
  std::once_flag prepared;
  mutable std::mutex mutex;
  /// Held by the worker while a job runs (fork() waits for it).
  std::mutex running;
  std::condition_variable changed;
  std::deque<Job> jobs;
  bool busy = false;
  bool stopped = false;
  std::atomic<bool> cancelled{false};
  std::thread worker;
};

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_TIERUPQUEUE_H
