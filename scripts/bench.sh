#!/usr/bin/env bash
# The benchmarks of `make bench`: figures to read, never pass/fail tests.
set -euo pipefail
build_dir=${1:-build}
ran=0
for bench in "$build_dir"/bench/*; do
  [ -x "$bench" ] && [ -f "$bench" ] || continue
  echo "== $(basename "$bench")"
  "$bench"
  ran=1
done
[ "$ran" -eq 1 ] || echo "no benchmarks are built yet"
