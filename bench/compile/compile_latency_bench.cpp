//===- compile_latency_bench.cpp - compile latency and per-call overhead --===//
//
// The compile latency of the JIT, seen by its user, in one run:
//
// - For traced programs (linear regression with jit::compile, the MLP
//   784-256-256-10 jit::TrainStep, and with --gpt the 4-layer char GPT
//   TrainStep of examples/char_gpt.cpp): the first call (trace, autodiff,
//   compile, run) cold with the optimized tier only, tiered (fast tier), the
//   latency of the tier-up after it, the first call of a new process whose
//   persistent cache holds the optimized code (disk hit), and the first call
//   of a new compiled function of the same program in the same process
//   (in-process hit: traced again, the engine's cache answers). Every figure
//   comes from a fresh process (this program run with --child), so that each
//   one starts cold as a user's program does; the time of a step of each
//   tier is shown beside it.
// - The cold path the issue's targets are about (`--cold` alone): the first
//   call in the default mode (tiered) without the persistent cache, in
//   wall and CPU time, and the growth of the resident set during it.
// - The same for a 20-op module given to jit::Engine directly, per LLVM
//   level of code generation.
// - The overhead of a call of compiled code: a function of 1 input, and
//   functions of 64 parameter tensors (jit::compile without gradients, and a
//   jit::TrainStep), with the guard's replay and with assumePure, also after
//   200 other programs were compiled in the process.
// - `--call-loop replayed|pure <calls>` alone: only that many calls of the
//   function of 64 captured tensors (with the replay, or assumePure), for a
//   profiler such as `perf record` to sample the call path; prints the CPU
//   time per call of the calling thread, which a loaded machine disturbs
//   less than the wall time.
//
//===----------------------------------------------------------------------===//

#include "../MlpWorkload.h"
#include "../common.h"
#include "../jit/PeakMemory.h"
#include "CharGPT.h"

#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"
#include "adjit/adjit.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

using namespace adjit;
using namespace adjit::jit;

namespace {

const char *const kTwentyOps = R"mlir(
func.func @layer(%x: tensor<32x64xf32>, %w: tensor<64x16xf32>,
                 %b: tensor<16xf32>, %t: tensor<32x16xf32>)
    -> (tensor<f32>, tensor<32x16xf32>) {
  %0 = adjit.matmul %x, %w : tensor<32x64xf32>, tensor<64x16xf32> -> tensor<32x16xf32>
  %1 = adjit.broadcast %b, dims = [1] : tensor<16xf32> -> tensor<32x16xf32>
  %2 = adjit.add %0, %1 : tensor<32x16xf32>
  %3 = adjit.tanh %2 : tensor<32x16xf32>
  %4 = adjit.sigmoid %3 : tensor<32x16xf32>
  %5 = adjit.sub %4, %t : tensor<32x16xf32>
  %6 = adjit.mul %5, %5 : tensor<32x16xf32>
  %7 = adjit.exp %6 : tensor<32x16xf32>
  %8 = adjit.log %7 : tensor<32x16xf32>
  %9 = adjit.relu %8 : tensor<32x16xf32>
  %10 = adjit.abs %5 : tensor<32x16xf32>
  %11 = adjit.max %9, %10 : tensor<32x16xf32>
  %12 = adjit.reduce_sum %11, dims = [0, 1] : tensor<32x16xf32> -> tensor<f32>
  %13 = adjit.reduce_max %11, dims = [1] : tensor<32x16xf32> -> tensor<32xf32>
  %14 = adjit.broadcast %13, dims = [0] : tensor<32xf32> -> tensor<32x16xf32>
  %15 = adjit.div %11, %14 : tensor<32x16xf32>
  %16 = adjit.transpose %15, [1, 0] : tensor<32x16xf32> -> tensor<16x32xf32>
  %17 = adjit.matmul %16, %15 : tensor<16x32xf32>, tensor<32x16xf32> -> tensor<16x16xf32>
  %18 = adjit.reduce_sum %17, dims = [0, 1] : tensor<16x16xf32> -> tensor<f32>
  %19 = adjit.add %12, %18 : tensor<f32>
  return %19, %15 : tensor<f32>, tensor<32x16xf32>
}
)mlir";

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// CPU seconds of the calling thread.
double threadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

/// CPU seconds of the process, all threads.
double processCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval &tv) {
    return static_cast<double>(tv.tv_sec) +
           1e-6 * static_cast<double>(tv.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

template <typename Run> double secondsOf(const Run &run) {
  auto start = std::chrono::steady_clock::now();
  run();
  return secondsSince(start);
}

//===----------------------------------------------------------------------===//
// Traced workloads, each measured in child processes
//===----------------------------------------------------------------------===//

/// A program as a user writes it: a step to call, and a way to make a new
/// compiled function of the same program.
struct Workload {
  std::vector<Tensor> inputs;
  /// Makes a new compiled step (a CompiledFunction or a TrainStep).
  std::function<std::function<Tensor()>()> makeStep;
  /// The compile statistics of the last step made.
  std::function<CompileStats()> stats;
  /// Steps timed per figure of the step time.
  int timedSteps;
};

Workload makeLinearRegression() {
  auto workload = std::make_shared<Workload>();
  manual_seed(0);
  Tensor x = randn({1000, 1});
  Tensor y = x * 3.0 + 2.0;
  Tensor w = zeros({1}, requires_grad()), b = zeros({1}, requires_grad());
  auto last = std::make_shared<CompiledFunction>(compile(
      [w, b](const std::vector<Tensor> &in) {
        return nn::functional::mse_loss(in[0] * w + b, in[1]);
      },
      "linear_regression"));
  Workload result;
  result.inputs = {x, y};
  result.makeStep = [last, w, b, x, y] {
    *last = compile(
        [w, b](const std::vector<Tensor> &in) {
          return nn::functional::mse_loss(in[0] * w + b, in[1]);
        },
        "linear_regression");
    CompiledFunction step = *last;
    return std::function<Tensor()>([step, x, y] { return step(x, y); });
  };
  result.stats = [last] { return last->getStats(); };
  result.timedSteps = 2000;
  return result;
}

Workload makeMlp() {
  manual_seed(0);
  bench::MlpWorkload mlp;
  nn::Sequential model = mlp.model;
  Tensor x = mlp.x, target = mlp.target;
  auto last = std::make_shared<std::shared_ptr<TrainStep>>();
  Workload result;
  result.makeStep = [model, x, target, last] {
    *last = std::make_shared<TrainStep>(
        [model](const std::vector<Tensor> &in) mutable {
          return nn::functional::cross_entropy(model->forward(in[0]), in[1]);
        },
        optim::SGDOptions(0.01), "mlp_train_step");
    std::shared_ptr<TrainStep> step = *last;
    return std::function<Tensor()>(
        [step, x, target] { return (*step)(x, target); });
  };
  result.stats = [last] { return (*last)->getStats(); };
  result.timedSteps = 50;
  return result;
}

Workload makeGpt() {
  manual_seed(0);
  examples::CharGPTConfig config;
  examples::CharGPT model(config);
  constexpr int64_t kBatch = 16;
  std::vector<double> tokens, next;
  for (int64_t i = 0; i < kBatch * config.contextLength; ++i) {
    tokens.push_back((i * 7) % config.vocabSize);
    next.push_back((i * 7 + 3) % config.vocabSize);
  }
  Tensor x = from_vector(tokens, {kBatch, config.contextLength}, kInt64);
  Tensor y = from_vector(next, {kBatch, config.contextLength}, kInt64);
  auto adamW = optim::AdamWOptions(1e-3).betas({0.9, 0.99}).weight_decay(0.1);
  auto last = std::make_shared<std::shared_ptr<TrainStep>>();
  Workload result;
  result.makeStep = [model, x, y, adamW, last] {
    *last = std::make_shared<TrainStep>(
        [model](const std::vector<Tensor> &in) {
          return model->loss(in[0], in[1]);
        },
        model->parameterGroups(adamW), adamW, CompileOptions{"gpt_train_step"});
    (*last)->clip_grad_norm(1.0);
    std::shared_ptr<TrainStep> step = *last;
    return std::function<Tensor()>([step, x, y] { return (*step)(x, y); });
  };
  result.stats = [last] { return (*last)->getStats(); };
  result.timedSteps = 5;
  return result;
}

Workload makeWorkload(const std::string &name) {
  if (name == "linear_regression")
    return makeLinearRegression();
  if (name == "mlp")
    return makeMlp();
  return makeGpt();
}

/// Runs in a child: one scenario of one workload, printing `key value`
/// lines (milliseconds, microseconds per step, or tiers).
int runChild(const std::string &workloadName, const std::string &scenario) {
  Workload workload = makeWorkload(workloadName);
  std::function<Tensor()> step = workload.makeStep();
  long startKb = bench::resetPeakResident();
  long startAnonKb = bench::statusKb("RssAnon:");
  long startFileKb = bench::statusKb("RssFile:");
  double startCpu = threadCpuSeconds(), startProcessCpu = processCpuSeconds();
  auto start = std::chrono::steady_clock::now();
  step();
  double firstMs = secondsSince(start) * 1e3;
  double firstCpuMs = (threadCpuSeconds() - startCpu) * 1e3;
  double firstProcessCpuMs = (processCpuSeconds() - startProcessCpu) * 1e3;
  long peakKb = bench::peakResidentKb();
  long anonKb = bench::statusKb("RssAnon:") - startAnonKb;
  long fileKb = bench::statusKb("RssFile:") - startFileKb;
  CompileStats stats = workload.stats();
  std::printf("first_ms %.3f\nfirst_cpu_ms %.3f\nfirst_process_cpu_ms %.3f\n"
              "first_tier %s\ndisk_hits %lld\n",
              firstMs, firstCpuMs, firstProcessCpuMs,
              getTierName(stats.lastTier),
              static_cast<long long>(stats.diskHits));
  if (startKb >= 0 && peakKb >= 0)
    std::printf("first_peak_mb %.1f\nfirst_anon_mb %.1f\nfirst_file_mb %.1f\n",
                (peakKb - startKb) / 1024.0, anonKb / 1024.0, fileKb / 1024.0);
  std::fflush(stdout);
  if (scenario == "cold")
    return 0;
  if (scenario == "tiered") {
    // The steps up to the tier-up threshold queue the optimized compile.
    for (uint64_t i = 1; i < EngineOptions().tierUpAfterCalls; ++i)
      step();
    jit::waitForTierUps();
    std::printf("tier_up_ms %.3f\n", secondsSince(start) * 1e3 - firstMs);
  }
  double stepUs = bench::medianSecondsPerCall(step, 5, 0.2) * 1e6;
  std::printf("step_us %.3f\nstep_tier %s\n", stepUs,
              getTierName(workload.stats().lastTier));
  if (scenario == "optimized") {
    // A new compiled function of the same program: traced again, then the
    // engine's in-process cache answers.
    std::function<Tensor()> again = workload.makeStep();
    std::printf("in_process_ms %.3f\n", secondsOf(again) * 1e3);
  }
  std::fflush(stdout);
  return 0;
}

/// Runs this program as a child with `environment` and returns what it
/// printed, by key.
std::map<std::string, std::string> runInChild(const std::string &environment,
                                              const std::string &workload,
                                              const std::string &scenario) {
  std::string command = environment + " /proc/" + std::to_string(getpid()) +
                        "/exe --child " + workload + " " + scenario;
  std::map<std::string, std::string> values;
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe)
    return values;
  char key[64], value[64];
  while (std::fscanf(pipe, "%63s %63s", key, value) == 2)
    values[key] = value;
  pclose(pipe);
  return values;
}

void printWorkloads(const std::vector<std::string> &names) {
  namespace fs = std::filesystem;
  std::printf("first call of a traced program (trace, autodiff, compile, "
              "run), each in a new process, ms; a step of each tier, us\n");
  std::printf("%-18s %10s %10s %10s %10s %10s %12s %12s\n", "", "cold -O3",
              "tiered", "tier-up", "disk hit", "in-proc", "fast step",
              "-O3 step");
  for (const std::string &name : names) {
    fs::path directory =
        fs::temp_directory_path() /
        ("adjit-compile-bench-" + std::to_string(getpid()) + "-" + name);
    fs::remove_all(directory);
    std::string onDisk = "ADJIT_CACHE=1 ADJIT_CACHE_DIR=" + directory.string();
    auto optimized =
        runInChild("ADJIT_CACHE=0 ADJIT_TIERING=optimized", name, "optimized");
    auto fast = runInChild("ADJIT_CACHE=0 ADJIT_TIERING=fast", name, "fast");
    // Fills the persistent cache with the optimized tier...
    auto tiered = runInChild(onDisk + " ADJIT_TIERING=tiered", name, "tiered");
    // ...which the next process loads.
    auto disk = runInChild(onDisk + " ADJIT_TIERING=tiered", name, "disk");
    fs::remove_all(directory);
    auto number = [](std::map<std::string, std::string> &values,
                     const char *key) {
      auto found = values.find(key);
      return found == values.end() ? -1.0 : std::atof(found->second.c_str());
    };
    std::printf("%-18s %10.1f %10.1f %10.1f %10.1f %10.1f %12.1f %12.1f\n",
                name.c_str(), number(optimized, "first_ms"),
                number(tiered, "first_ms"), number(tiered, "tier_up_ms"),
                number(disk, "first_ms"), number(optimized, "in_process_ms"),
                number(fast, "step_us"), number(optimized, "step_us"));
    // The figures are only what they claim if each process took its path.
    if (tiered["first_tier"] != "fast" || disk["first_tier"] != "optimized" ||
        number(disk, "disk_hits") != 1 || fast["step_tier"] != "fast" ||
        tiered["step_tier"] != "optimized")
      std::printf("%-18s   (unexpected tiers: tiered first call %s, after "
                  "the tier-up %s, disk hit %s with %s disk hits)\n",
                  "", tiered["first_tier"].c_str(), tiered["step_tier"].c_str(),
                  disk["first_tier"].c_str(), disk["disk_hits"].c_str());
  }
  std::printf("(cold -O3: ADJIT_TIERING=optimized, no persistent cache; "
              "tiered: the default, the fast tier (LLVM -O0) first; tier-up: "
              "from the end of that first call until the -O3 code replaced "
              "it; disk hit: a new process loading the -O3 code the tiered "
              "one stored; in-proc: a new compiled function of the same "
              "program in the cold process; steps: median, with "
              "ADJIT_TIERING=fast and after the cold compile)\n\n");
}

/// The first call in the default mode (tiered) without the persistent cache,
/// the median of `runs` new processes per program: wall and CPU time (of the
/// calling thread, and of the process, whose background tier-up runs
/// meanwhile), and the growth of the resident set during it.
void printColdPath(const std::vector<std::string> &names, int runs) {
  std::printf("cold path: first call, tiered, ADJIT_CACHE=0, median of %d "
              "new processes\n",
              runs);
  std::printf("%-18s %10s %10s %12s %10s %10s %10s\n", "", "wall ms", "CPU ms",
              "process CPU", "peak MB", "anon MB", "file MB");
  for (const std::string &name : names) {
    std::map<std::string, std::vector<double>> values;
    for (int run = 0; run < runs; ++run)
      for (auto &[key, value] :
           runInChild("ADJIT_CACHE=0 ADJIT_TIERING=tiered", name, "cold"))
        values[key].push_back(std::atof(value.c_str()));
    auto median = [&](const char *key) {
      std::vector<double> &all = values[key];
      if (all.empty())
        return -1.0;
      std::sort(all.begin(), all.end());
      return all[all.size() / 2];
    };
    std::printf("%-18s %10.1f %10.1f %12.1f %10.1f %10.1f %10.1f\n",
                name.c_str(), median("first_ms"), median("first_cpu_ms"),
                median("first_process_cpu_ms"), median("first_peak_mb"),
                median("first_anon_mb"), median("first_file_mb"));
  }
  std::printf("(peak: growth of the peak resident set during the first "
              "call; anon, file: growth of the anonymous and file-backed "
              "resident memory, the latter mostly code of the MLIR and LLVM "
              "libraries)\n\n");
}

//===----------------------------------------------------------------------===//
// The 20-op module, through jit::Engine
//===----------------------------------------------------------------------===//

EngineOptions withoutDiskCache(Tiering tiering, unsigned level) {
  EngineOptions options;
  options.diskCacheDirectory = "";
  options.tiering = tiering;
  // Times the tier-up of the module compiled, without calling it.
  options.tierUpAfterCalls = 1;
  (tiering == Tiering::FastOnly ? options.fastOptLevel : options.optLevel) =
      level;
  return options;
}

void printEngineLatency() {
  std::printf("jit::Engine::compile of a 20-op module (pipeline, LLVM, "
              "linking), median of 9, ms\n");
  std::printf("%-44s %10s\n", "", "ms");
  std::printf(
      "%-44s %10.2f\n", "first compile in the process (-O3)",
      secondsOf([] {
        Engine(withoutDiskCache(Tiering::OptimizedOnly, 3)).compile(kTwentyOps);
      }) * 1e3);
  for (unsigned level = 0; level <= 3; ++level) {
    double cold = bench::medianSeconds(
        [&] {
          Engine(withoutDiskCache(Tiering::OptimizedOnly, level))
              .compile(kTwentyOps);
        },
        9);
    std::printf("%-44s %10.2f\n",
                ("cold, LLVM -O" + std::to_string(level)).c_str(), cold * 1e3);
  }
  std::vector<double> compiles, tierUps;
  for (int i = 0; i < 9; ++i) {
    Engine engine(withoutDiskCache(Tiering::Tiered, 3));
    compiles.push_back(secondsOf([&] { engine.compile(kTwentyOps); }));
    tierUps.push_back(secondsOf([&] { engine.waitForTierUps(); }));
  }
  auto median = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  std::printf("%-44s %10.2f\n", "tiered: the fast tier (-O0)",
              median(compiles) * 1e3);
  std::printf("%-44s %10.2f\n", "tiered: then the tier-up to -O3",
              median(tierUps) * 1e3);
  namespace fs = std::filesystem;
  fs::path directory = fs::temp_directory_path() /
                       ("adjit-compile-bench-" + std::to_string(getpid()));
  EngineOptions onDisk;
  onDisk.diskCacheDirectory = directory.string();
  onDisk.tiering = Tiering::OptimizedOnly;
  Engine(onDisk).compile(kTwentyOps); // stores the entry
  double diskHit =
      bench::medianSeconds([&] { Engine(onDisk).compile(kTwentyOps); }, 9);
  fs::remove_all(directory);
  Engine engine(withoutDiskCache(Tiering::OptimizedOnly, 3));
  engine.compile(kTwentyOps);
  double cached =
      bench::medianSecondsPerCall([&] { engine.compile(kTwentyOps); }, 9);
  std::printf("%-44s %10.2f\n", "disk hit (-O3, new engine)", diskHit * 1e3);
  std::printf("%-44s %10.4f\n\n", "in-process hit (same engine)", cached * 1e3);
}

//===----------------------------------------------------------------------===//
// Per-call overhead
//===----------------------------------------------------------------------===//

/// The median time of a call of `step`, us.
double microsecondsPerCall(const std::function<void()> &step) {
  return bench::medianSecondsPerCall(step, 9, 0.05) * 1e6;
}

/// The options of a compiled function named `name` that skips the guard's
/// replay.
CompileOptions pureNamed(const char *name) {
  CompileOptions options;
  options.name = name;
  options.assumePure = true;
  return options;
}

/// Runs each call up to the tier-up threshold, tiers them up, and prints the
/// time of each.
void printRow(const char *label, const std::function<void()> &replayed,
              const std::function<void()> &unreplayed) {
  for (uint64_t i = 0;
       i < std::max<uint64_t>(1, EngineOptions().tierUpAfterCalls); ++i) {
    replayed();
    unreplayed();
  }
  waitForTierUps();
  std::printf("%-44s %10.2f %10.2f\n", label, microsecondsPerCall(replayed),
              microsecondsPerCall(unreplayed));
}

/// Times a call of `function`, with the guard's replay and with assumePure.
void printOverhead(const char *label, const TensorFunction &function,
                   const std::vector<Tensor> &inputs) {
  CompiledFunction replayed = compile(function, "overhead");
  CompiledFunction unreplayed = compile(function, pureNamed("overhead"));
  printRow(
      label, [&] { replayed(inputs); }, [&] { unreplayed(inputs); });
}

/// Times a TrainStep (SGD) of the sum of `x` and `parameters`.
void printTrainStepOverhead(const char *label, std::vector<Tensor> parameters,
                            const Tensor &x) {
  auto loss = [parameters](const std::vector<Tensor> &in) {
    Tensor total = in[0].sum();
    for (const Tensor &parameter : parameters)
      total = total + parameter.sum();
    return total;
  };
  TrainStep replayed(loss, optim::SGDOptions(1e-3), "overhead_step");
  TrainStep unreplayed(loss, optim::SGDOptions(1e-3),
                       pureNamed("overhead_step"));
  printRow(
      label, [&] { replayed(x); }, [&] { unreplayed(x); });
}

/// Returns a function adding its input and 64 captured tensors of one
/// element, one op each.
TensorFunction makeSumOf64() {
  std::vector<Tensor> constants;
  for (int i = 0; i < 64; ++i)
    constants.push_back(full({1}, 0.5 + i));
  return [constants](const std::vector<Tensor> &in) {
    Tensor total = in[0];
    for (const Tensor &constant : constants)
      total = total + constant;
    return total;
  };
}

/// Calls the compiled function of 64 captured tensors `calls` times (with
/// the replay unless `assumePure`), for a profiler to sample the call path
/// alone, and prints the calling thread's CPU time per call: unlike the wall
/// time, it does not count the time other processes ran.
void runCallLoop(bool assumePure, long calls) {
  CompiledFunction function = compile(
      makeSumOf64(), assumePure ? pureNamed("overhead") : CompileOptions());
  Tensor x = ones({1});
  for (uint64_t i = 0;
       i < std::max<uint64_t>(1, EngineOptions().tierUpAfterCalls); ++i)
    function(x);
  waitForTierUps();
  double start = threadCpuSeconds();
  for (long i = 0; i < calls; ++i)
    function(x);
  std::printf("%s: %.3f us CPU per call (%ld calls)\n",
              assumePure ? "assumePure" : "replayed",
              (threadCpuSeconds() - start) / std::max(calls, 1L) * 1e6, calls);
}

void printCallOverhead() {
  std::printf("per-call overhead: a cached call of tiny compiled code, us "
              "(median)\n");
  std::printf("%-44s %10s %10s\n", "", "replayed", "assumePure");
  Tensor x = ones({1});
  std::vector<Tensor> parameters;
  for (int i = 0; i < 64; ++i)
    parameters.push_back(full({1}, 0.5 + i, requires_grad()));
  TensorFunction oneInput = [](const std::vector<Tensor> &in) {
    return in[0].neg();
  };
  TensorFunction sumOf64 = makeSumOf64();
  printOverhead("1 input, 1 op", oneInput, {x});
  printOverhead("64 captured tensors, 64 ops, no gradient", sumOf64, {x});
  printTrainStepOverhead("TrainStep, 64 parameters (SGD)", parameters, x);
  // Program history: 200 other programs compiled in the process.
  for (int i = 0; i < 200; ++i) {
    double scale = 1.0 + i;
    CompiledFunction other = compile(
        [scale](const std::vector<Tensor> &in) { return in[0] * scale; },
        "history");
    other(x);
  }
  printOverhead("1 input, after 200 other programs", oneInput, {x});
  std::printf("(replayed: the default, the function runs again in shape-only "
              "mode before the compiled code; assumePure: no replay)\n");
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 4 && std::strcmp(argv[1], "--child") == 0)
    return runChild(argv[2], argv[3]);
  if (argc == 2 && std::strcmp(argv[1], "--overhead") == 0) {
    setenv("ADJIT_CACHE", "0", 1);
    printCallOverhead();
    return 0;
  }
  if (argc == 4 && std::strcmp(argv[1], "--call-loop") == 0) {
    setenv("ADJIT_CACHE", "0", 1);
    runCallLoop(std::strcmp(argv[2], "pure") == 0, std::atol(argv[3]));
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "--engine") == 0) {
    printEngineLatency();
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "--cold") == 0) {
    printColdPath({"linear_regression", "mlp"}, 5);
    return 0;
  }
  bool withGpt = argc == 2 && std::strcmp(argv[1], "--gpt") == 0;
  std::vector<std::string> workloads = {"linear_regression", "mlp"};
  if (withGpt)
    workloads.push_back("gpt");
  printWorkloads(workloads);
  printColdPath(workloads, 3);
  printEngineLatency();
  // The overhead in this process, without the persistent cache.
  setenv("ADJIT_CACHE", "0", 1);
  printCallOverhead();
  return 0;
}
