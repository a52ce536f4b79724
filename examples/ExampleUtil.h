//===- ExampleUtil.h - Command line and data of the examples -*- C++ -*-===//
//
// The classifier examples share their command line, [--jit | --fused] [path
// of the data], and read their data from CSV files.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_EXAMPLES_EXAMPLEUTIL_H
#define ADJIT_EXAMPLES_EXAMPLEUTIL_H

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef ADJIT_EXAMPLES_DATA_DIR
#define ADJIT_EXAMPLES_DATA_DIR "examples/data"
#endif

namespace adjit::examples {

/// How an example trains and where its data is.
struct ExampleArgs {
  /// --jit: the loss and its gradients run as one compiled function.
  bool useJit = false;
  /// --fused: the optimizer update is compiled in too (jit::TrainStep).
  bool useTrainStep = false;
  /// --eager: the example that compiles by default trains eagerly instead.
  bool useEager = false;
  /// --compare: the example runs its modes side by side and compares them.
  bool useCompare = false;
  /// --steps N: the number of training steps (-1: the example's default).
  int64_t steps = -1;
  /// The data file; by default `fileName` in the examples' data directory.
  std::string dataPath;
};

/// Parses `[--jit | --fused | --eager | --compare] [--steps N] [path]`.
inline ExampleArgs parseExampleArgs(int argc, char **argv,
                                    const std::string &fileName) {
  ExampleArgs args;
  args.dataPath = std::string(ADJIT_EXAMPLES_DATA_DIR) + "/" + fileName;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--jit")
      args.useJit = true;
    else if (arg == "--fused")
      args.useTrainStep = true;
    else if (arg == "--eager")
      args.useEager = true;
    else if (arg == "--compare")
      args.useCompare = true;
    else if (arg == "--steps" && i + 1 < argc)
      args.steps = std::stoll(argv[++i]);
    else
      args.dataPath = arg;
  }
  return args;
}

/// Reads the non-empty lines of the CSV file `path` after `skipLines` header
/// lines, split at commas; returns false if the file cannot be opened.
inline bool readCsv(const std::string &path, int skipLines,
                    std::vector<std::vector<std::string>> &rows) {
  std::ifstream in(path);
  if (!in)
    return false;
  std::string line;
  for (int i = 0; i < skipLines; ++i)
    std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    std::vector<std::string> cells;
    std::stringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ','))
      cells.push_back(cell);
    rows.push_back(std::move(cells));
  }
  return true;
}

} // namespace adjit::examples

#endif // ADJIT_EXAMPLES_EXAMPLEUTIL_H
