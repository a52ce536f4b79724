//===- DataParallel.cpp - Eager distributed data parallel -----------------===//

#include "adjit/Distributed/DataParallel.h"

#include <chrono>
#include <string>

using namespace adjit;
using namespace adjit::nn::parallel;
namespace dist = adjit::distributed;

namespace {
using Clock = std::chrono::steady_clock;

double secondsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}
} // namespace

/// The buckets and the bookkeeping of the backward pass in progress.
struct DistributedDataParallel::State {
  struct Bucket {
    std::vector<size_t> params;
    /// Offset of each parameter's gradient in flat.
    std::vector<int64_t> offsets;
    Tensor flat;
    size_t pending = 0;
    std::shared_ptr<dist::Work> work;
  };
  std::vector<Tensor> params;
  std::vector<size_t> bucketOf;
  std::vector<Bucket> buckets;
  std::vector<std::vector<size_t>> bucketIndices;
  std::vector<uint64_t> hooks;
  size_t nextToStart = 0;
  bool inBackward = false;
  Clock::time_point firstStart;
  DistributedDataParallelStats stats;

  void resetPass() {
    for (Bucket &b : buckets) {
      b.pending = b.params.size();
      b.work.reset();
    }
    nextToStart = 0;
    inBackward = false;
  }

  void start(size_t index) {
    Bucket &b = buckets[index];
    NoGradGuard noGrad;
    for (size_t k = 0; k < b.params.size(); ++k) {
      const Tensor &p = params[b.params[k]];
      Tensor slot = b.flat.slice(0, b.offsets[k], b.offsets[k] + p.numel())
                        .view(p.sizes());
      if (p.grad().defined())
        slot.copy_(p.grad());
      else
        slot.zero_();
    }
    if (index == 0)
      firstStart = Clock::now();
    b.work = dist::all_reduce_async(b.flat, dist::ReduceOp::Sum,
                                    /*checked=*/false);
  }

  /// Starts the buckets that are complete, in order.
  void startReady() {
    while (nextToStart < buckets.size() && buckets[nextToStart].pending == 0)
      start(nextToStart++);
    // Lets MPI progress the collectives in flight.
    for (size_t i = 0; i < nextToStart; ++i)
      buckets[i].work->is_completed();
  }

  void onGradReady(size_t param) {
    if (!inBackward) {
      inBackward = true;
      // If backward throws, its queued callbacks are destroyed without
      // running: the guard then forgets this pass, so the next backward
      // starts clean instead of skipping the averaging.
      struct PassGuard {
        explicit PassGuard(State *state) : state(state) {}
        PassGuard(const PassGuard &) = delete;
        ~PassGuard() {
          if (!ran)
            state->resetPass();
        }
        State *state;
        bool ran = false;
      };
      auto guard = std::make_shared<PassGuard>(this);
      autograd::queue_callback([guard] {
        guard->ran = true;
        guard->state->finish();
      });
    }
    Bucket &b = buckets[bucketOf[param]];
    if (b.pending > 0)
      --b.pending;
    startReady();
  }

  /// Runs when backward's computation is done: starts what is left, waits
  /// and writes the averages into the gradients. The next pass starts clean
  /// even if this one fails (a timeout).
  void finish() {
    try {
      average();
    } catch (...) {
      resetPass();
      throw;
    }
    resetPass();
  }

  void average() {
    Clock::time_point computed = Clock::now();
    stats = {};
    stats.buckets = buckets.size();
    stats.bucketsStartedInBackward = nextToStart;
    if (nextToStart > 0)
      stats.overlapSeconds = secondsBetween(firstStart, computed);
    while (nextToStart < buckets.size())
      start(nextToStart++);
    double scale = 1.0 / dist::world_size();
    NoGradGuard noGrad;
    for (Bucket &b : buckets) {
      b.work->wait();
      b.flat.mul_(scale);
      for (size_t k = 0; k < b.params.size(); ++k) {
        const Tensor &p = params[b.params[k]];
        Tensor avg = b.flat.slice(0, b.offsets[k], b.offsets[k] + p.numel())
                         .view(p.sizes());
        Tensor &grad = const_cast<Tensor &>(p).mutable_grad();
        if (grad.defined() && !grad.requires_grad() &&
            grad.sizes() == p.sizes())
          grad.copy_(avg);
        else
          grad = avg.clone();
      }
    }
    stats.exposedSeconds = secondsBetween(computed, Clock::now());
  }
};

DistributedDataParallel::DistributedDataParallel(
    std::shared_ptr<Module> module, DistributedDataParallelOptions options)
    : module_(std::move(module)), options_(options),
      state_(std::make_unique<State>()) {
  const char *op = "DistributedDataParallel";
  if (!module_)
    throw Error(std::string(op) + ": the module is null");
  if (!dist::is_initialized())
    throw Error(std::string(op) + ": called before distributed::init()");
  if (!(options_.bucket_cap_mb() >= 0))
    throw Error(std::string(op) + ": bucket_cap_mb must be >= 0, got " +
                std::to_string(options_.bucket_cap_mb()));

  State &s = *state_;
  for (const Tensor &p : module_->parameters())
    if (p.requires_grad())
      s.params.push_back(p);

  // The replicas must have the same parameters: compare the counts, then
  // broadcast checks every shape and dtype.
  std::vector<Tensor> counts = dist::all_gather(
      scalar_tensor(static_cast<double>(s.params.size()), kInt64));
  for (size_t r = 1; r < counts.size(); ++r)
    if (counts[r].item<int64_t>() != counts[0].item<int64_t>())
      throw Error(std::string(op) +
                  ": the replicas have different numbers of parameters: "
                  "rank 0 has " +
                  std::to_string(counts[0].item<int64_t>()) + ", rank " +
                  std::to_string(r) + " has " +
                  std::to_string(counts[r].item<int64_t>()));
  {
    NoGradGuard noGrad;
    for (const Tensor &p : module_->parameters())
      dist::broadcast(p, 0);
    for (const Tensor &b : module_->buffers())
      dist::broadcast(b, 0);
  }

  // Buckets in reverse registration order, one dtype each.
  double capBytes = options_.bucket_cap_mb() * 1024 * 1024;
  s.bucketOf.resize(s.params.size());
  std::vector<std::vector<size_t>> groups;
  double groupBytes = 0;
  for (size_t n = s.params.size(); n-- > 0;) {
    const Tensor &p = s.params[n];
    double bytes = static_cast<double>(p.numel()) * elementSize(p.dtype());
    bool fits = !groups.empty() &&
                s.params[groups.back().front()].dtype() == p.dtype() &&
                groupBytes + bytes <= capBytes;
    if (!fits) {
      groups.emplace_back();
      groupBytes = 0;
    }
    groups.back().push_back(n);
    groupBytes += bytes;
  }
  for (std::vector<size_t> &group : groups) {
    State::Bucket b;
    int64_t total = 0;
    for (size_t n : group) {
      s.bucketOf[n] = s.buckets.size();
      b.offsets.push_back(total);
      total += s.params[n].numel();
    }
    b.flat = zeros({total}, s.params[group.front()].dtype());
    b.params = group;
    s.bucketIndices.push_back(group);
    s.buckets.push_back(std::move(b));
  }
  s.resetPass();

  for (size_t n = 0; n < s.params.size(); ++n) {
    State *state = state_.get();
    s.hooks.push_back(autograd::register_post_accumulate_grad_hook(
        s.params[n], [state, n](const Tensor &) { state->onGradReady(n); }));
  }
}

DistributedDataParallel::~DistributedDataParallel() {
  State &s = *state_;
  for (size_t n = 0; n < s.params.size(); ++n)
    autograd::remove_post_accumulate_grad_hook(s.params[n], s.hooks[n]);
}

Tensor DistributedDataParallel::forward(const Tensor &input) {
  if (options_.broadcast_buffers() && dist::world_size() > 1) {
    NoGradGuard noGrad;
    for (const Tensor &b : module_->buffers())
      dist::broadcast(b, 0);
  }
  return module_->forward(input);
}

void DistributedDataParallel::all_reduce_gradients() {
  if (state_->inBackward)
    throw Error("DistributedDataParallel::all_reduce_gradients: called "
                "during backward(), which averages the gradients itself");
  state_->finish();
}

const std::vector<std::vector<size_t>> &
DistributedDataParallel::bucket_indices() const {
  return state_->bucketIndices;
}

const DistributedDataParallelStats &
DistributedDataParallel::last_stats() const {
  return state_->stats;
}
