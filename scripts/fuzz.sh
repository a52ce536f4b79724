#!/usr/bin/env bash
# Fuzzes adjit's compile path with libFuzzer and AddressSanitizer, seeded
# with the lit tests: parse -> verify -> canonicalize -> CSE -> adjit-autodiff
# of every function with a float tensor argument -> adjit-to-llvm (modules of
# adjit and func ops). Nothing is executed.
#   scripts/fuzz.sh [seconds] [libFuzzer flags...]    (default 300 seconds)
# Crashing inputs are written to build-fuzz/crashes/; the corpus grows in
# build-fuzz/corpus/ and is kept between runs.
set -euo pipefail
seconds=${1:-300}
shift $(( $# > 0 ? 1 : 0 ))
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"

missing=()
for pkg in clang-22 libclang-rt-22-dev libfuzzer-22-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

flags="-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer -g"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=/usr/lib/llvm-22/bin/clang \
  -DCMAKE_CXX_COMPILER=/usr/lib/llvm-22/bin/clang++ \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
  -DADJIT_ENABLE_FUZZER=ON >/dev/null
cmake --build "$build" -j 2 --target adjit-opt-fuzzer

corpus="$build/corpus"
mkdir -p "$corpus" "$build/crashes"
# One seed per split of every lit test.
find "$root/test" -name '*.mlir' | while read -r file; do
  awk -v prefix="$corpus/$(basename "$file" .mlir)" '
    /^\/\/ -----/ { n++; next }
    { print > (prefix "-" n+0 ".mlir") }' "$file"
done

ASAN_OPTIONS=detect_leaks=0 "$build/bin/adjit-opt-fuzzer" "$corpus" \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -artifact_prefix="$build/crashes/" -print_final_stats=1 "$@"
