//===- compile_scaling_bench.cpp - compile time against program size -----===//
//
// Compiles traced programs of growing size, with their gradient, and reports
// the cold compile time and the peak memory the compilation adds against the
// number of ops of the differentiated module. Three families:
//   - mlp:         a deep tanh MLP (width 32, batch 16), depth d;
//   - rnn:         a tanh recurrent cell (hidden 32, batch 4) unrolled over
//                  t steps, as tracing unrolls a loop;
//   - transformer: a stack of b pre-LayerNorm transformer blocks (batch 2,
//                  length 8, width 16, 2 heads, causal attention, GELU MLP).
// Each size runs in a child process of its own (this program with --one),
// with its peak resident size reset before the compilation (so the peak is
// the compilation's), and without the persistent cache; the stage times come
// from the child's ADJIT_LOG lines. Per op, compile time and memory are flat
// when every stage is linear. The children compile the first call's tier
// only (ADJIT_TIERING=fast unless the environment sets another mode), so
// that no background compile adds to the figures, and the child's CPU time
// is reported beside the wall time: on a shared machine the wall time also
// counts the time the compile waits for a core.
//
// Usage: adjit-bench-compile-scaling [--full] [--csv FILE] [--only FAMILY]
//   --full adds the programs of about 10,000 ops (minutes each);
//   --only runs one family (mlp, rnn or transformer).
//
//===----------------------------------------------------------------------===//

#include "PeakMemory.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <regex>
#include <string>
#include <vector>

using namespace adjit;

namespace {

/// A traced program: its inputs and the function computing a scalar loss
/// from them and from parameters that require grad.
struct Program {
  std::vector<Tensor> inputs;
  jit::TensorFunction function;
};

Program deepMlp(int64_t depth) {
  manual_seed(0);
  auto layers = std::make_shared<std::vector<nn::Linear>>();
  for (int64_t i = 0; i < depth; ++i)
    layers->emplace_back(32, 32);
  return {{randn({16, 32})}, [layers](const std::vector<Tensor> &in) {
            Tensor h = in[0];
            for (nn::Linear &layer : *layers)
              h = layer(h).tanh();
            return (h * h).mean();
          }};
}

Program unrolledRnn(int64_t steps) {
  manual_seed(0);
  Tensor w = (randn({16, 32}) * 0.1).requires_grad_(true);
  Tensor u = (randn({32, 32}) * 0.1).requires_grad_(true);
  Tensor b = zeros({32}, requires_grad());
  return {{randn({steps, 4, 16})}, [=](const std::vector<Tensor> &in) {
            Tensor h = zeros({4, 32});
            for (int64_t t = 0; t < steps; ++t)
              h = (in[0].select(0, t).matmul(w) + h.matmul(u) + b).tanh();
            return (h * h).mean();
          }};
}

/// One pre-LayerNorm transformer block of width 16 with 2 heads.
struct Block {
  nn::LayerNorm norm1{nn::LayerNormOptions({16})};
  nn::LayerNorm norm2{nn::LayerNormOptions({16})};
  nn::Linear qkv{16, 48}, projection{16, 16}, up{16, 64}, down{64, 16};

  Tensor forward(const Tensor &x) const {
    int64_t batch = x.size(0), length = x.size(1);
    std::vector<Tensor> parts = qkv(norm1(x)).chunk(3, 2);
    auto heads = [&](const Tensor &t) {
      return t.reshape({batch, length, 2, 8}).transpose(1, 2);
    };
    Tensor attended = scaled_dot_product_attention(
        heads(parts[0]), heads(parts[1]), heads(parts[2]), Tensor(), 0.0,
        /*is_causal=*/true);
    Tensor merged = attended.transpose(1, 2).reshape({batch, length, 16});
    Tensor h = x + projection(merged);
    return h + down(gelu(up(norm2(h))));
  }
};

Program transformerStack(int64_t blocks) {
  manual_seed(0);
  auto stack = std::make_shared<std::vector<Block>>(blocks);
  return {{randn({2, 8, 16})}, [stack](const std::vector<Tensor> &in) {
            Tensor h = in[0];
            for (const Block &block : *stack)
              h = block.forward(h);
            return (h * h).mean();
          }};
}

Program makeProgram(const std::string &family, int64_t size) {
  if (family == "mlp")
    return deepMlp(size);
  if (family == "rnn")
    return unrolledRnn(size);
  if (family == "transformer")
    return transformerStack(size);
  std::fprintf(stderr, "unknown program family '%s'\n", family.c_str());
  std::exit(2);
}

/// The CPU time of this process, all threads, in seconds.
double processCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) +
         1e-9 * static_cast<double>(now.tv_nsec);
}

/// Child: compiles one program and prints its figures on stdout.
int runOne(const std::string &family, int64_t size) {
  Program program = makeProgram(family, size);
  // An eager run first, so that the baseline includes the eager runtime's
  // own buffers.
  program.function(program.inputs).backward();
  long before = bench::resetPeakResident();
  if (before < 0) {
    std::fprintf(stderr, "cannot reset the peak resident size\n");
    return 1;
  }
  jit::CompiledFunction compiled = jit::compile(program.function, family);
  auto start = std::chrono::steady_clock::now();
  double cpuStart = processCpuSeconds();
  compiled(program.inputs);
  double cpu = processCpuSeconds() - cpuStart;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("RESULT %.6f %.0f %.6f\n", seconds,
              1024.0 * static_cast<double>(bench::peakResidentKb() - before),
              cpu);
  return 0;
}

/// The figures of one compilation, from the child's output.
struct Figures {
  std::string family;
  int64_t size = 0;
  long ops = 0;
  double seconds = 0, cpuSeconds = 0, peakBytes = 0;
  double trace = -1, autodiff = -1, pipeline = -1, llvm = -1;
  double pipelineCpu = -1, llvmCpu = -1;
};

Figures runChild(const char *self, const std::string &family, int64_t size) {
  std::string command = "ADJIT_LOG=1 ADJIT_CACHE=0 "
                        "ADJIT_TIERING=${ADJIT_TIERING:-fast} '" +
                        std::string(self) + "' --one " + family + " " +
                        std::to_string(size) + " 2>&1";
  Figures figures;
  figures.family = family;
  figures.size = size;
  std::unique_ptr<FILE, int (*)(FILE *)> pipe(popen(command.c_str(), "r"),
                                              pclose);
  if (!pipe) {
    std::perror("popen");
    std::exit(1);
  }
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe.get()))
    output += buffer;
  std::smatch match;
  static const std::regex result(R"(RESULT ([0-9.]+) ([0-9.-]+) ([0-9.]+))");
  static const std::regex traced(
      R"(traced in ([0-9.]+) s, differentiated in ([0-9.]+) s \(([0-9]+) ops\))");
  static const std::regex lowered(
      R"(adjit-to-llvm pipeline ([0-9.]+) s \(([0-9.]+) s CPU\), )"
      R"(LLVM ([0-9.]+) s \(([0-9.]+) s CPU\))");
  if (!std::regex_search(output, match, result)) {
    std::fprintf(stderr, "%s %lld failed:\n%s\n", family.c_str(),
                 static_cast<long long>(size), output.c_str());
    std::exit(1);
  }
  figures.seconds = std::stod(match[1]);
  figures.peakBytes = std::stod(match[2]);
  figures.cpuSeconds = std::stod(match[3]);
  if (std::regex_search(output, match, traced)) {
    figures.trace = std::stod(match[1]);
    figures.autodiff = std::stod(match[2]);
    figures.ops = std::stol(match[3]);
  }
  if (std::regex_search(output, match, lowered)) {
    figures.pipeline = std::stod(match[1]);
    figures.pipelineCpu = std::stod(match[2]);
    figures.llvm = std::stod(match[3]);
    figures.llvmCpu = std::stod(match[4]);
  }
  return figures;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 4 && std::strcmp(argv[1], "--one") == 0)
    return runOne(argv[2], std::atoll(argv[3]));
  bool full = false;
  std::string csvPath, only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--full") == 0)
      full = true;
    else if (std::strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
      csvPath = argv[++i];
    else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc)
      only = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--full] [--csv FILE] [--only FAMILY]\n",
                   argv[0]);
      return 2;
    }
  }
  // Sizes giving about 100, 300, 1,000, 3,000 (and 10,000) ops with the
  // gradient.
  struct Family {
    const char *name;
    std::vector<int64_t> sizes, fullSizes;
  };
  std::vector<Family> families = {{"mlp", {6, 18, 60, 180}, {600}},
                                  {"rnn", {4, 12, 40, 120}, {400}},
                                  {"transformer", {1, 3, 10}, {33}}};
  std::printf("%-12s %6s %7s %9s %9s %9s %8s %8s %8s %8s %9s %9s %9s\n",
              "program", "size", "ops", "compile s", "cpu s", "peak MB",
              "trace", "autodiff", "mlir cpu", "llvm cpu", "ms/op", "cpu ms/op",
              "KB/op");
  std::FILE *csv = csvPath.empty() ? nullptr : std::fopen(csvPath.c_str(), "w");
  if (csv)
    std::fprintf(csv, "program,size,ops,compile_s,cpu_s,peak_bytes,trace_s,"
                      "autodiff_s,mlir_s,llvm_s,mlir_cpu_s,llvm_cpu_s\n");
  for (const Family &family : families) {
    if (!only.empty() && only != family.name)
      continue;
    std::vector<int64_t> sizes = family.sizes;
    if (full)
      sizes.insert(sizes.end(), family.fullSizes.begin(),
                   family.fullSizes.end());
    for (int64_t size : sizes) {
      Figures f = runChild(argv[0], family.name, size);
      double ops = static_cast<double>(std::max<long>(f.ops, 1));
      std::printf("%-12s %6lld %7ld %9.2f %9.2f %9.1f %8.2f %8.2f %8.2f %8.2f "
                  "%9.3f %9.3f %9.1f\n",
                  f.family.c_str(), static_cast<long long>(f.size), f.ops,
                  f.seconds, f.cpuSeconds, f.peakBytes / 1e6, f.trace,
                  f.autodiff, f.pipelineCpu, f.llvmCpu, 1e3 * f.seconds / ops,
                  1e3 * f.cpuSeconds / ops, f.peakBytes / 1e3 / ops);
      std::fflush(stdout);
      if (csv) {
        std::fprintf(
            csv, "%s,%lld,%ld,%.6f,%.6f,%.0f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n",
            f.family.c_str(), static_cast<long long>(f.size), f.ops, f.seconds,
            f.cpuSeconds, f.peakBytes, f.trace, f.autodiff, f.pipeline, f.llvm,
            f.pipelineCpu, f.llvmCpu);
        std::fflush(csv);
      }
    }
  }
  if (csv)
    std::fclose(csv);
  std::printf("(compile s: the first call, tracing, autodiff, lowering and "
              "LLVM, wall; cpu s: its CPU time; peak MB: the peak resident "
              "size it adds; trace and autodiff wall, mlir (the "
              "adjit-to-llvm pipeline) and llvm CPU seconds, from ADJIT_LOG, "
              "-1 where not reported)\n");
  return 0;
}
