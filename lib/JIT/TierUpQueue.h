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
// construction and registration. A handler that stops the queues thus runs
// only after the destructors of every static constructed after it was
// registered, and a job may be the first to construct a static it uses
// (LLVM's code generator has function-local ones). Two mechanisms stop the
// queues before such a static is destroyed:
//
// - The process's main thread has a thread_local object whose destructor
//   stops every queue. glibc's exit() runs the calling thread's thread_local
//   destructors before any atexit handler or static destructor, so an exit
//   from the main thread (a return from main, or exit() on it) stops the
//   queues first, whatever statics the jobs constructed.
// - For an exit() called on another thread, an atexit handler stops the
//   queues. It is registered again by the worker after its queue's
//   `prepare` function (run on the worker, before the first job, to
//   construct the statics the jobs use) and after jobs, so that it runs
//   before the destructors of the statics these constructed.
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

  /// `prepare` runs once, on the worker before its first job, followed by a
  /// registration of the exit handler: it should construct the objects with
  /// static storage duration the jobs use (e.g. by doing a small job's work
  /// itself), for an exit() called on a thread other than the main one
  /// while the first job runs. It runs off the pushing thread, so that it
  /// never delays the caller.
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
  /// exit (see the file comment).
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

  /// Makes sure that an exit from the calling thread stops every queue
  /// before any atexit handler runs, if the calling thread is the process's
  /// main thread (elsewhere a thread_local destructor also runs when the
  /// thread ends, which must not stop the queues). Returns whether it is.
  /// Done when the library is loaded and on each push.
  static bool stopQueuesFirstOnExitFromThisThread();

private:
  void run();

  std::function<void()> prepare;
  /// Whether `prepare` ran (in this process or the one it was forked from);
  /// used by the worker only, under `running`.
  bool prepared = false;
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
