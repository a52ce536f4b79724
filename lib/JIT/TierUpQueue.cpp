//===- TierUpQueue.cpp - background compiles of the optimized tier --------===//
//
// At process exit, static destructors (LLVM's among them) run after the
// atexit handlers registered after those statics were constructed. The
// handler that stops every live queue is therefore registered when the first
// worker starts and once more after the first job has finished, by which
// time the statics an optimizing compile needs exist.
//
//===----------------------------------------------------------------------===//

#include "TierUpQueue.h"

#include <cstdlib>
#include <set>

using namespace adjit::jit::detail;

namespace {

/// The live queues, never destroyed (the exit handler may run after other
/// static destructors).
struct Registry {
  std::mutex mutex;
  std::set<TierUpQueue *> queues;
};

Registry &getRegistry() {
  static Registry *registry = new Registry();
  return *registry;
}

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

} // namespace

TierUpQueue::TierUpQueue() {
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
  std::lock_guard<std::mutex> lock(mutex);
  if (stopped)
    return;
  jobs.push_back(std::move(job));
  if (!worker.joinable()) {
    static std::once_flag once;
    std::call_once(once, registerExitHandler);
    worker = std::thread([this] { run(); });
  }
  changed.notify_all();
}

void TierUpQueue::run() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    changed.wait(lock, [&] { return stopped || !jobs.empty(); });
    if (stopped)
      return;
    Job job = std::move(jobs.front());
    jobs.pop_front();
    busy = true;
    lock.unlock();
    try {
      job(cancelled);
    } catch (...) {
    }
    static std::once_flag once;
    std::call_once(once, registerExitHandler);
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
