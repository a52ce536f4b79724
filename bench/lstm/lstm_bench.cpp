//===- lstm_bench.cpp - ADBench LSTM: eager adjit beside PyTorch ----------===//
//
// Times the ADBench LSTM objective (f64) and its gradient with the eager API
// (examples/adbench), compiled (the objective looped by jit::scan under
// jit::compile, with its compile time beside that of a 10-character prefix),
// on lstm_l2_c1024 and lstm_l4_c4096, and the same model in PyTorch
// (lstm_torch.py, 1 thread) in the same run: the objective alone
// (no graph recorded), the gradient (the recorded objective and backward()),
// and their ratio, ADBench's figure of merit. Times are the thread's CPU time
// (the median of several runs), which a loaded machine disturbs less than
// wall time. The PyTorch column is left out
// when python3 cannot import torch.
//
// Usage: adjit-bench-lstm [--samples N] [--no-torch] [FILE...]
//
//===----------------------------------------------------------------------===//

#include "LstmObjective.h"

#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace adjit;
using namespace adjit::adbench;

namespace {

/// CPU seconds of the calling thread: the machine is shared, and on a
/// loaded one wall time measures the neighbours.
double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

/// The median of \p times.
double median(std::vector<double> times) {
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// The median thread CPU time of \p samples runs of \p run, after one warm-up.
template <typename Run> double medianSeconds(Run run, int samples) {
  run();
  std::vector<double> times;
  for (int i = 0; i < samples; ++i) {
    double start = threadSeconds();
    run();
    times.push_back(threadSeconds() - start);
  }
  return median(times);
}

struct Timing {
  double loss = 0, objective = 0, gradient = 0;
  /// The gradient's phases (eager adjit only, each the median of its own
  /// samples): recording the objective, backward(), freeing the graph.
  double record = 0, backward = 0, release = 0;
};

Timing timeAdjit(const std::string &path, int samples) {
  LstmTensors t = lstmTensors(readLstmInstance(path));
  Timing r;
  auto objective = [&] {
    NoGradGuard noGrad;
    return lstmObjective(t.mainParams, t.extraParams, t.state, t.sequence);
  };
  r.loss = objective().item();
  r.objective = medianSeconds([&] { objective(); }, samples);
  std::vector<double> record, backward, release;
  r.gradient = medianSeconds(
      [&] {
        t.mainParams.mutable_grad() = Tensor();
        t.extraParams.mutable_grad() = Tensor();
        double start = threadSeconds();
        Tensor loss =
            lstmObjective(t.mainParams, t.extraParams, t.state, t.sequence);
        double recorded = threadSeconds();
        loss.backward();
        double done = threadSeconds();
        loss = Tensor();
        double released = threadSeconds();
        record.push_back(recorded - start);
        backward.push_back(done - recorded);
        release.push_back(released - done);
      },
      samples);
  r.record = median(record);
  r.backward = median(backward);
  r.release = median(release);
  return r;
}

/// Wall seconds since an arbitrary start (compile times: the compiler's
/// threads count too).
double wallSeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// The compiled objective: lstmObjectiveScan under jit::compile.
jit::CompiledFunction compileObjective() {
  return jit::compile(
      [](const std::vector<Tensor> &in) {
        return lstmObjectiveScan(in[0], in[1], in[2], in[3]);
      },
      "lstm");
}

/// CPU seconds of the process, all threads.
double processSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Wall and process CPU seconds of a compilation.
struct CompileTime {
  double wall = 0, cpu = 0;
};

/// The time of the first (compiling) gradient call of a new compiled
/// objective on `t`.
CompileTime compileTime(LstmTensors &t) {
  jit::CompiledFunction objective = compileObjective();
  double wall = wallSeconds(), cpu = processSeconds();
  objective(t.mainParams, t.extraParams, t.state, t.sequence);
  CompileTime time{wallSeconds() - wall, processSeconds() - cpu};
  t.mainParams.mutable_grad() = Tensor();
  t.extraParams.mutable_grad() = Tensor();
  return time;
}

struct CompiledTiming {
  Timing run;
  /// The compile time (trace, autodiff, lowering, code generation) of the
  /// gradient function, and of the same model on a 10-character prefix.
  CompileTime compile, compilePrefix;
};

CompiledTiming timeCompiled(const std::string &path, int samples) {
  LstmTensors t = lstmTensors(readLstmInstance(path));
  CompiledTiming r;
  r.compile = compileTime(t);
  LstmTensors prefix = t;
  prefix.sequence = t.sequence.slice(0, 0, 10).contiguous();
  r.compilePrefix = compileTime(prefix);
  jit::CompiledFunction objective = compileObjective();
  auto loss = [&] {
    NoGradGuard noGrad;
    return objective(t.mainParams, t.extraParams, t.state, t.sequence);
  };
  r.run.loss = loss().item();
  // The run times are the optimized tier's: the calls reach the tier-up
  // threshold (counted per module, which the compile above shares).
  for (uint64_t i = 2; i < jit::EngineOptions().tierUpAfterCalls; ++i)
    loss();
  jit::waitForTierUps();
  r.run.objective = medianSeconds([&] { loss(); }, samples);
  r.run.gradient = medianSeconds(
      [&] {
        t.mainParams.mutable_grad() = Tensor();
        t.extraParams.mutable_grad() = Tensor();
        objective(t.mainParams, t.extraParams, t.state, t.sequence);
      },
      samples);
  return r;
}

/// Runs lstm_torch.py on \p paths; returns its timings by path, or an empty
/// map (with the reason printed) if PyTorch is not available.
std::map<std::string, Timing> timeTorch(const std::vector<std::string> &paths,
                                        int samples) {
  std::string python =
      std::getenv("PYTHON") ? std::getenv("PYTHON") : "/usr/bin/python3";
  std::string command = "'" + python +
                        "' '" ADJIT_BENCH_LSTM_TORCH_SCRIPT "' " +
                        std::to_string(samples);
  for (const std::string &p : paths)
    command += " '" + p + "'";
  command += " 2>&1";
  std::map<std::string, Timing> timings;
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe) {
    std::printf("PyTorch column skipped: cannot run %s\n", python.c_str());
    return timings;
  }
  char line[4096];
  while (std::fgets(line, sizeof line, pipe)) {
    std::istringstream in(line);
    std::string tag, path;
    Timing r;
    if (in >> tag >> path >> r.loss >> r.objective >> r.gradient &&
        tag == "torch")
      timings[path] = r;
    else
      std::printf("PyTorch column: %s", line);
  }
  pclose(pipe);
  return timings;
}

std::string baseName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

int main(int argc, char **argv) {
  int samples = 3;
  bool torch = true;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--samples") && i + 1 < argc)
      samples = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--no-torch"))
      torch = false;
    else
      paths.push_back(argv[i]);
  }
  if (paths.empty())
    for (const char *name :
         {"lstm_lstm_l2_c1024.txt", "lstm_lstm_l4_c4096.txt"})
      paths.push_back(std::string(ADJIT_ADBENCH_DIR) + "/" + name);

  for (const std::string &p : paths)
    if (!std::ifstream(p)) {
      std::printf("ADBench data not found: %s; skipped (configure with "
                  "-DADJIT_ADBENCH_DIR=...)\n",
                  p.c_str());
      return 0;
    }
  // Every compilation is cold: no machine code from the disk cache.
  setenv("ADJIT_CACHE", "0", 1);
  std::map<std::string, Timing> adjit;
  std::map<std::string, CompiledTiming> compiled;
  for (const std::string &p : paths) {
    adjit[p] = timeAdjit(p, samples);
    compiled[p] = timeCompiled(p, samples);
  }
  std::map<std::string, Timing> pytorch;
  if (torch)
    pytorch = timeTorch(paths, samples);

  std::printf(
      "ADBench LSTM, f64, 1 thread, median CPU time of %d runs; "
      "objective without a graph, gradient = recorded objective + backward()\n",
      samples);
  std::printf("%-24s %12s %12s %7s   %12s %12s %7s   %s\n", "instance",
              "adjit obj ms", "adjit grad", "ratio", "torch obj ms",
              "torch grad", "ratio", "loss (adjit / torch)");
  for (const std::string &p : paths) {
    const Timing &a = adjit[p];
    std::printf("%-24s %12.2f %12.2f %7.2f", baseName(p).c_str(),
                a.objective * 1e3, a.gradient * 1e3, a.gradient / a.objective);
    auto t = pytorch.find(p);
    if (t == pytorch.end()) {
      std::printf("   %12s %12s %7s   %.10f\n", "-", "-", "-", a.loss);
      continue;
    }
    const Timing &b = t->second;
    std::printf("   %12.2f %12.2f %7.2f   %.10f / %.10f\n", b.objective * 1e3,
                b.gradient * 1e3, b.gradient / b.objective, a.loss, b.loss);
  }

  std::printf("\nadjit's gradient by phase (ms): recording the objective, "
              "backward(), freeing the graph\n");
  std::printf("%-24s %9s %9s %9s\n", "instance", "record", "backward", "free");
  for (const std::string &p : paths) {
    const Timing &a = adjit[p];
    std::printf("%-24s %9.2f %9.2f %9.2f\n", baseName(p).c_str(),
                a.record * 1e3, a.backward * 1e3, a.release * 1e3);
  }

  std::printf("\nCompiled: jit::compile of the objective looped by jit::scan, "
              "same runs. Compile = the first gradient call (trace, autodiff, "
              "lowering, LLVM), cold (ADJIT_CACHE=0), wall and process CPU "
              "seconds, beside the same model on its first 10 characters\n");
  std::printf("%-24s %9s %9s %9s %9s %7s   %11s %11s %7s   %s\n", "instance",
              "wall s", "cpu s", "10ch wall", "10ch cpu", "ratio", "jit obj ms",
              "jit grad", "ratio", "loss");
  for (const std::string &p : paths) {
    const CompiledTiming &c = compiled[p];
    std::printf(
        "%-24s %9.3f %9.3f %9.3f %9.3f %7.2f   %11.2f %11.2f %7.2f   %.10f\n",
        baseName(p).c_str(), c.compile.wall, c.compile.cpu,
        c.compilePrefix.wall, c.compilePrefix.cpu,
        c.compile.cpu / c.compilePrefix.cpu, c.run.objective * 1e3,
        c.run.gradient * 1e3, c.run.gradient / c.run.objective, c.run.loss);
  }
  return 0;
}
