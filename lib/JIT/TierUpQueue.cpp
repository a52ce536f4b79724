//===- TierUpQueue.cpp - background compiles of the optimized tier --------===//
//
// The exit handler's registrations stay in glibc's list until exit, so the
// worker repeats one after each of a process's first jobs (when first uses
// happen) and then only after the 128th, 256th, ...: the list grows with the
// logarithm of the number of jobs, not with it.
//
//===----------------------------------------------------------------------===//

#include "TierUpQueue.h"

#include <cstdlib>
#include <new>
#include <set>

#include <pthread.h>
#include <unistd.h>

using namespace adjit::jit::detail;

namespace {

/// The live queues, never destroyed (the exit handler may run after other
/// static destructors).
struct Registry {
  std::mutex mutex;
  std::set<TierUpQueue *> queues;
  /// The jobs finished in this process, by all queues.
  std::atomic<uint64_t> finishedJobs{0};
};

void lockQueuesForFork();
void unlockQueuesInParent();
void unlockQueuesInChild();

Registry &getRegistry() {
  static Registry *registry = [] {
    auto *result = new Registry();
    pthread_atfork(lockQueuesForFork, unlockQueuesInParent,
                   unlockQueuesInChild);
    return result;
  }();
  return *registry;
}

void lockQueuesForFork() {
  Registry &registry = getRegistry();
  registry.mutex.lock();
  for (TierUpQueue *queue : registry.queues)
    queue->lockForFork();
}

void unlockQueues(bool inChild) {
  Registry &registry = getRegistry();
  for (TierUpQueue *queue : registry.queues)
    queue->unlockAfterFork(inChild);
  registry.mutex.unlock();
}

void unlockQueuesInParent() { unlockQueues(/*inChild=*/false); }
void unlockQueuesInChild() { unlockQueues(/*inChild=*/true); }

void stopAllQueues() {
  Registry &registry = getRegistry();
  std::set<TierUpQueue *> queues;
  {
    std::lock_guard<std::mutex> lock(registry.mutex);
    queues = registry.queues;
  }
  for (TierUpQueue *queue : queues)
    queue->stop();
}

void registerExitHandler() { std::atexit(stopAllQueues); }

/// Stops every queue when destroyed on the main thread, which happens at the
/// start of exit() called on it (before the atexit handlers and the static
/// destructors), or when the main thread calls pthread_exit.
struct MainThreadExitSentinel {
  ~MainThreadExitSentinel() {
    if (getpid() == gettid())
      stopAllQueues();
  }
};

/// Installed when the library is loaded, which for a library the program
/// links happens on the main thread (a library loaded later on another thread
/// installs it with the main thread's first push).
[[maybe_unused]] const bool kSentinelInstalledAtLoad =
    TierUpQueue::stopQueuesFirstOnExitFromThisThread();

} // namespace

bool TierUpQueue::stopQueuesFirstOnExitFromThisThread() {
  if (getpid() != gettid())
    return false;
  static thread_local MainThreadExitSentinel sentinel;
  (void)sentinel;
  return true;
}

bool TierUpQueue::registersExitHandlerAfterJob(uint64_t job) {
  return job <= kJobsAlwaysFollowedByRegistration || (job & (job - 1)) == 0;
}

TierUpQueue::TierUpQueue(std::function<void()> prepare)
    : prepare(std::move(prepare)) {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.queues.insert(this);
}

TierUpQueue::~TierUpQueue() {
  stop();
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.queues.erase(this);
}

void TierUpQueue::push(Job job) {
  stopQueuesFirstOnExitFromThisThread();
  std::lock_guard<std::mutex> lock(mutex);
  if (stopped)
    return;
  jobs.push_back(std::move(job));
  if (!worker.joinable()) {
    registerExitHandler();
    worker = std::thread([this] { run(); });
  }
  changed.notify_all();
}

void TierUpQueue::run() {
  {
    // Also around the registration: fork() must not copy glibc's lock of the
    // exit handlers held.
    std::lock_guard<std::mutex> runningLock(running);
    if (!prepared) {
      prepared = true;
      if (prepare && !cancelled.load())
        prepare();
      // After the statics `prepare` made: destroyed after the handler has
      // stopped the queue.
      registerExitHandler();
    }
  }
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    changed.wait(lock, [&] { return stopped || !jobs.empty(); });
    if (stopped)
      return;
    Job job = std::move(jobs.front());
    jobs.pop_front();
    busy = true;
    lock.unlock();
    {
      // Also around the registration: fork() must not copy glibc's lock of
      // the exit handlers held.
      std::lock_guard<std::mutex> runningLock(running);
      try {
        job(cancelled);
      } catch (...) {
      }
      uint64_t finished = ++getRegistry().finishedJobs;
      if (registersExitHandlerAfterJob(finished))
        registerExitHandler();
    }
    lock.lock();
    busy = false;
    changed.notify_all();
  }
}

void TierUpQueue::waitUntilIdle() {
  std::unique_lock<std::mutex> lock(mutex);
  changed.wait(lock, [&] { return stopped || (jobs.empty() && !busy); });
}

void TierUpQueue::stop() {
  std::thread joining;
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopped = true;
    cancelled = true;
    jobs.clear();
    changed.notify_all();
    joining = std::move(worker);
  }
  if (joining.joinable() && joining.get_id() != std::this_thread::get_id())
    joining.join();
  else if (joining.joinable())
    joining.detach();
}

uint64_t TierUpQueue::getPending() const {
  std::lock_guard<std::mutex> lock(mutex);
  return jobs.size() + (busy ? 1 : 0);
}

void TierUpQueue::lockForFork() {
  running.lock();
  mutex.lock();
}

void TierUpQueue::unlockAfterFork(bool inChild) {
  if (inChild) {
    // The worker does not exist in the child: its handle is dropped without
    // joining or detaching it, and the condition variable, which may count
    // it as a waiter, starts anew.
    new (&worker) std::thread();
    new (&changed) std::condition_variable();
    jobs.clear();
    busy = false;
  }
  mutex.unlock();
  running.unlock();
}
