//===- TierUpQueueTest.cpp - the background queue of tier-ups -------------===//
//
// At exit, the handler that stops the queues runs after the destructors of
// the statics constructed after it was registered. These tests exit (in a
// fresh process each) while a job is in flight and let the job use a
// function-local static after the queue was stopped. On the main thread,
// exit() stops the queues before any static is destroyed. On another
// thread, a static constructed by the queue's `prepare` function is still
// alive, one constructed by the job is already destroyed (what LLVM's code
// generator's statics were when fast entries loaded from the persistent
// cache were tiered up at exit).
//
//===----------------------------------------------------------------------===//

#include "TierUpQueue.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace adjit::jit::detail;

namespace {

/// Set (never reset) when the static of `getTracked` is destroyed.
std::atomic<bool> trackedDestroyed{false};
/// Set by the job once it runs.
std::atomic<bool> jobStarted{false};

/// An object with static storage duration that records its destruction.
struct Tracked {
  ~Tracked() { trackedDestroyed = true; }
};

Tracked &getTracked() {
  static Tracked tracked;
  return tracked;
}

/// A job that uses the static (constructing it if nobody did), then, once
/// the exit handler cancelled it, uses it again: exits with code 3 if it was
/// destroyed by then.
void useTheStaticAcrossExit(const std::atomic<bool> &cancelled) {
  (void)getTracked();
  jobStarted = true;
  while (!cancelled.load())
    std::this_thread::yield();
  if (trackedDestroyed)
    _exit(3);
  (void)getTracked();
}

/// Where exitDuringAJob calls exit().
enum class ExitingThread { Main, Other };

/// Exits on `exiting` while the job of a queue with `prepare` is in flight;
/// with `earlierJobMakesStatic`, an earlier job of the queue constructed the
/// static and finished before.
[[noreturn]] void exitDuringAJob(std::function<void()> prepare,
                                 ExitingThread exiting,
                                 bool earlierJobMakesStatic = false) {
  auto *queue = new TierUpQueue(std::move(prepare));
  if (earlierJobMakesStatic) {
    queue->push([](const std::atomic<bool> &) { (void)getTracked(); });
    queue->waitUntilIdle();
  }
  queue->push(useTheStaticAcrossExit);
  while (!jobStarted.load())
    std::this_thread::yield();
  std::fprintf(stderr, "exiting with %llu job(s) in flight\n",
               static_cast<unsigned long long>(queue->getPending()));
  if (exiting == ExitingThread::Main)
    std::exit(0);
  std::thread([] { std::exit(0); }).join();
  std::abort(); // Not reached: the exit ends the process first.
}

TEST(TierUpQueueTest, AStaticAJobMadeFirstOutlivesAJobInFlightAtMainExit) {
  // The main thread's thread_local destructors run before the static
  // destructors: no preparation is needed.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(exitDuringAJob(nullptr, ExitingThread::Main),
              ::testing::ExitedWithCode(0), "exiting with 1 job\\(s\\)");
}

TEST(TierUpQueueTest, AStaticThePreparationMadeOutlivesAJobInFlightAtExit) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(exitDuringAJob([] { (void)getTracked(); }, ExitingThread::Other),
              ::testing::ExitedWithCode(0), "exiting with 1 job\\(s\\)");
}

TEST(TierUpQueueTest, AStaticAJobMadeFirstIsDestroyedBeforeTheQueueStops) {
  // Why `prepare` exists: on a thread other than the main one, the order of
  // destruction the C++ standard fixes ([basic.start.term]) destroys this
  // static before the exit handler runs.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(exitDuringAJob(nullptr, ExitingThread::Other),
              ::testing::ExitedWithCode(3), "exiting with 1 job\\(s\\)");
}

TEST(TierUpQueueTest, AStaticAnEarlierJobMadeFirstOutlivesAJobInFlightAtExit) {
  // The worker is already running when the second job is pushed: only the
  // registration after the first job orders the handler after the static.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(exitDuringAJob(nullptr, ExitingThread::Other,
                             /*earlierJobMakesStatic=*/true),
              ::testing::ExitedWithCode(0), "exiting with 1 job\\(s\\)");
}

TEST(TierUpQueueTest, ExitHandlerRegistrationsGrowLogarithmicallyWithJobs) {
  uint64_t registrations = 0;
  for (uint64_t job = 1; job <= 1000000; ++job)
    registrations += TierUpQueue::registersExitHandlerAfterJob(job);
  // Each of the first 64 jobs, then the 128th, 256th, ..., 524288th.
  EXPECT_EQ(registrations, TierUpQueue::kJobsAlwaysFollowedByRegistration + 13);
  for (uint64_t job = 1; job <= 64; ++job)
    EXPECT_TRUE(TierUpQueue::registersExitHandlerAfterJob(job)) << job;
  EXPECT_FALSE(TierUpQueue::registersExitHandlerAfterJob(65));
  EXPECT_TRUE(TierUpQueue::registersExitHandlerAfterJob(1024));
}

TEST(TierUpQueueTest, PrepareRunsOnceOnTheWorkerBeforeTheJobs) {
  std::thread::id preparedOn, jobsRunOn;
  int preparations = 0;
  std::atomic<int> jobsRun{0};
  std::atomic<bool> releasePreparation{false};
  TierUpQueue queue([&] {
    preparedOn = std::this_thread::get_id();
    ++preparations;
    // The push does not wait for the preparation.
    while (!releasePreparation.load())
      std::this_thread::yield();
  });
  for (int i = 0; i < 3; ++i)
    queue.push([&](const std::atomic<bool> &) {
      EXPECT_EQ(preparations, 1);
      jobsRunOn = std::this_thread::get_id();
      ++jobsRun;
    });
  EXPECT_EQ(queue.getPending(), 3u);
  releasePreparation = true;
  queue.waitUntilIdle();
  EXPECT_EQ(preparations, 1);
  EXPECT_EQ(jobsRun.load(), 3);
  EXPECT_NE(preparedOn, std::this_thread::get_id());
  EXPECT_EQ(preparedOn, jobsRunOn);
}

TEST(TierUpQueueTest, OnlyTheMainThreadStopsTheQueuesFirstOnExit) {
  // The tests run on the main thread; a thread_local destructor of another
  // thread also runs when that thread ends, which must not stop the queues.
  EXPECT_TRUE(TierUpQueue::stopQueuesFirstOnExitFromThisThread());
  bool onOtherThread = true;
  std::thread([&] {
    onOtherThread = TierUpQueue::stopQueuesFirstOnExitFromThisThread();
  }).join();
  EXPECT_FALSE(onOtherThread);
}

TEST(TierUpQueueTest, AThreadThatPushedAndEndedLeavesTheQueueRunning) {
  TierUpQueue queue;
  std::atomic<int> jobsRun{0};
  std::thread([&] {
    queue.push([&](const std::atomic<bool> &) { ++jobsRun; });
  }).join();
  queue.waitUntilIdle();
  queue.push([&](const std::atomic<bool> &) { ++jobsRun; });
  queue.waitUntilIdle();
  EXPECT_EQ(jobsRun.load(), 2);
}

TEST(TierUpQueueTest, ForkWaitsForTheRunningJobAndTheChildStartsIdle) {
  TierUpQueue queue;
  std::atomic<bool> release{false};
  std::atomic<bool> finished{false};
  std::atomic<bool> started{false};
  queue.push([&](const std::atomic<bool> &) {
    started = true;
    while (!release.load())
      std::this_thread::yield();
    finished = true;
  });
  // A job queued behind the running one: run in the parent, before or
  // after the fork, never in the child.
  std::atomic<int> queuedRuns{0};
  queue.push([&](const std::atomic<bool> &) { ++queuedRuns; });
  while (!started.load())
    std::this_thread::yield();
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    release = true;
  });
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The fork waited for the running job; the child runs its own jobs.
    int code = finished.load() ? 0 : 4;
    int queuedRunsAtFork = queuedRuns.load();
    if (code == 0 && queue.getPending() != 0)
      code = 5;
    std::atomic<int> childRuns{0};
    queue.push([&](const std::atomic<bool> &) { ++childRuns; });
    queue.waitUntilIdle();
    if (code == 0 &&
        (childRuns.load() != 1 || queuedRuns.load() != queuedRunsAtFork))
      code = 6;
    _exit(code);
  }
  releaser.join();
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  queue.waitUntilIdle();
  EXPECT_EQ(queuedRuns.load(), 1);
}

} // namespace
