//===- PeakMemory.cpp - peak resident memory of a training run ------------===//

#include "PeakMemory.h"

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace {

/// Returns the value in kB of the field `name` ("VmRSS:", "VmHWM:") of
/// /proc/self/status, or -1.
long readStatusKb(const char *name) {
  std::FILE *file = std::fopen("/proc/self/status", "r");
  if (!file)
    return -1;
  char line[256];
  long value = -1;
  size_t length = std::strlen(name);
  while (std::fgets(line, sizeof(line), file))
    if (std::strncmp(line, name, length) == 0)
      value = std::atol(line + length);
  std::fclose(file);
  return value;
}

/// The child's side: measures and writes {first, steps} in kB to `fd`.
int runChild(int fd, const std::function<void()> &step, long steps) {
  long measured[2];
  try {
    long start = adjit::bench::resetPeakResident();
    if (start < 0)
      return 1;
    step();
    measured[0] = adjit::bench::peakResidentKb() - start;
    start = adjit::bench::resetPeakResident();
    for (long i = 0; i < steps; ++i)
      step();
    measured[1] = adjit::bench::peakResidentKb() - start;
  } catch (const std::exception &error) {
    std::fprintf(stderr, "peak memory run failed: %s\n", error.what());
    return 1;
  }
  return write(fd, measured, sizeof(measured)) == sizeof(measured) ? 0 : 1;
}

} // namespace

adjit::bench::PeakMemory
adjit::bench::measurePeakMemory(const std::function<void()> &step, long steps) {
  PeakMemory result;
  int fds[2];
  if (pipe(fds) != 0)
    return result;
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return result;
  }
  if (child == 0) {
    close(fds[0]);
    _exit(runChild(fds[1], step, steps));
  }
  close(fds[1]);
  long measured[2];
  bool complete = read(fds[0], measured, sizeof(measured)) == sizeof(measured);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!complete || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return result;
  result.valid = true;
  result.firstStepBytes = measured[0] * 1024.0;
  result.stepsBytes = measured[1] * 1024.0;
  return result;
}

long adjit::bench::resetPeakResident() {
  malloc_trim(0);
  std::FILE *file = std::fopen("/proc/self/clear_refs", "w");
  if (!file)
    return -1;
  bool written = std::fputs("5", file) >= 0;
  if (std::fclose(file) != 0 || !written)
    return -1;
  return readStatusKb("VmRSS:");
}

long adjit::bench::peakResidentKb() { return readStatusKb("VmHWM:"); }

long adjit::bench::statusKb(const char *name) { return readStatusKb(name); }
