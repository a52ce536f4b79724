#!/usr/bin/env bash
# The consumer test of the install rules: installs the build tree into a
# scratch prefix, moves the prefix (nothing may depend on where it was
# installed, nor on the build tree), then builds and runs a client with
# find_package(adjit) and with pkg-config, and imports the Python package.
# Usage: run.sh <build dir> <source dir> [python3]
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
python=${3:-python3}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cmake --install "$build" --prefix "$scratch/staging" >/dev/null
mv "$scratch/staging" "$scratch/prefix"
prefix=$scratch/prefix

# No installed file names the build or source tree.
if grep -rlaF -e "$build" -e "$source" "$prefix"; then
  echo "FAIL: the files above refer to the build or source tree" >&2
  exit 1
fi

# CMake: find_package(adjit CONFIG) and adjit::adjit.
cmake -S "$source/test/install" -B "$scratch/consumer" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$scratch/consumer" >/dev/null
"$scratch/consumer/train_linear_regression"

# pkg-config.
if command -v pkg-config >/dev/null; then
  flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs adjit)
  # shellcheck disable=SC2086
  c++ -O1 "$source/test/install/train_linear_regression.cpp" $flags \
    -o "$scratch/train_pkgconfig"
  "$scratch/train_pkgconfig"
fi

# The tools and the Python package.
"$prefix/bin/adjit-opt" --version >/dev/null
if [ -d "$prefix/lib/python3/dist-packages/adjit" ]; then
  PYTHONPATH="$prefix/lib/python3/dist-packages" "$python" - "$prefix" <<'PY'
import sys
import adjit
assert adjit.__file__.startswith(sys.argv[1]), adjit.__file__
w = adjit.zeros(1, requires_grad=True)
step = adjit.jit.compile(lambda x: ((x * w - 3.0) ** 2).sum())
loss = step(adjit.ones(2))
assert loss.item() == 18.0 and w.grad.tolist() == [-12.0], (loss, w.grad)
print("python: import adjit from the prefix, compiled loss", loss.item())
PY
fi
echo "install consumer test passed"
