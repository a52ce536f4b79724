# Front door of the adjit build. See README.md.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
LLVM_PREFIX ?= /usr/lib/llvm-22

CMAKE_FLAGS = -G Ninja \
  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
  -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir \
  -DLLVM_DIR=$(LLVM_PREFIX)/lib/cmake/llvm \
  -DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/bin/lit

.PHONY: all deps configure build install test test-asan test-tsan demo bench docs format clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

## Installs headers, libadjit.so, adjit-opt, adjit-run, the CMake package
## (find_package(adjit)), adjit.pc and the Python package under PREFIX.
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

## Runs every test layer: lit/FileCheck (incl. integration), GoogleTest, the
## Python suite (pytest) and the install consumer test (ctest).
test: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target check-adjit
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

## The same tests built with AddressSanitizer and UndefinedBehaviorSanitizer
## (the pytest suite runs with libasan preloaded into python3).
ASAN_DIR ?= build-asan
SANITIZER_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
test-asan: deps
	cmake -S . -B $(ASAN_DIR) $(CMAKE_FLAGS) \
	  -DCMAKE_C_FLAGS="$(SANITIZER_FLAGS)" -DCMAKE_CXX_FLAGS="$(SANITIZER_FLAGS)" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
	  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined"
	cmake --build $(ASAN_DIR) -j $(JOBS)
	# LeakSanitizer cannot stop the libomp worker threads of the JIT's parallel
	# loops at exit (its tracer faults), so the lit tools run without it; the
	# unit tests, which compile and run the same code, keep it.
	ASAN_OPTIONS=detect_leaks=0 cmake --build $(ASAN_DIR) -j $(JOBS) --target check-adjit
	cd $(ASAN_DIR) && ctest --output-on-failure -j $(JOBS)
	# A thousand compile/run cycles through the engine (a quarter of that
	# through jit::compile), with LeakSanitizer on at exit. Their tensors stay
	# below the OpenMP threshold, so no libomp thread exists then.
	ASAN_OPTIONS=detect_leaks=1 ADJIT_LEAK_TEST_CYCLES=1000 \
	  $(ASAN_DIR)/unittests/AdjitJITLeakTests

## Concurrent compiles and calls of the JIT built with ThreadSanitizer: only
## the thread tests and what they link are built (build-tsan/).
TSAN_DIR ?= build-tsan
TSAN_FLAGS = -fsanitize=thread -fno-omit-frame-pointer
test-tsan: deps
	cmake -S . -B $(TSAN_DIR) $(CMAKE_FLAGS) \
	  -DCMAKE_C_FLAGS="$(TSAN_FLAGS)" -DCMAKE_CXX_FLAGS="$(TSAN_FLAGS)" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
	  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread"
	cmake --build $(TSAN_DIR) -j $(JOBS) --target AdjitJITThreadTests AdjitJITTests
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  $(TSAN_DIR)/unittests/AdjitJITThreadTests
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  $(TSAN_DIR)/unittests/AdjitJITTests --gtest_filter='*Thread*'

demo: build
	@bash scripts/demo.sh $(BUILD_DIR)

bench: build
	@bash scripts/bench.sh $(BUILD_DIR)

docs: configure
	cmake --build $(BUILD_DIR) --target adjit-doc

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
