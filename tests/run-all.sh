#!/bin/sh
# The whole test suite, as CI runs it:
#   1. gcc, warnings as errors: every ctest test (unit, brute force,
#      scikit-learn, command line, packaging, ABI baseline);
#   2. clang, warnings as errors, AddressSanitizer + UndefinedBehavior-
#      Sanitizer: every test that runs our code natively;
#   3. valgrind memcheck on the C test programs of a gcc build;
#   4. ThreadSanitizer on the threaded tests;
#   5. each libFuzzer target for PRC_FUZZ_SECONDS (default 20) seconds,
#      starting from its committed corpus.
# Build trees go to build/ and build-*/.
set -eu
cd "$(dirname "$0")/.."
sh .ci/deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
step() { printf '\n=== %s\n' "$*"; }

step "gcc build, full suite"
# Every setting is given, so a build/ configured before (by README's main
# job, say) is brought to this configuration rather than reused as it was.
cmake -S . -B build -G Ninja -DCMAKE_C_COMPILER=gcc -DPRC_WERROR=ON \
    -DBUILD_TESTING=ON -DPRC_BUILD_EXAMPLES=ON -DPRC_BUILD_BENCH=ON \
    -DPRC_ABI_CHECK=ON -DPRC_SANITIZE= -DPRC_FUZZ=OFF >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure -j "$jobs"

step "clang build with AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build-sanitize -G Ninja -DCMAKE_C_COMPILER=clang \
    -DPRC_WERROR=ON -DPRC_SANITIZE=address,undefined -DPRC_ABI_CHECK=OFF \
    >/dev/null
cmake --build build-sanitize
# Left out here, run in step 1: tests that load the library into Python
# (ctypes), which cannot run under ASan without preloading its runtime into
# the interpreter, and the packaging tests, which build programs of their
# own without the sanitizers.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-sanitize --output-on-failure -j "$jobs" \
        -LE 'ctypes|package'

step "valgrind memcheck on the C test programs"
cmake -S . -B build-valgrind -G Ninja -DCMAKE_C_COMPILER=gcc \
    -DPRC_ABI_CHECK=OFF \
    "-DCMAKE_CROSSCOMPILING_EMULATOR=valgrind;--quiet;--error-exitcode=99;--leak-check=full;--errors-for-leak-kinds=definite" \
    >/dev/null
cmake --build build-valgrind
ctest --test-dir build-valgrind --output-on-failure -j "$jobs" -L unit

step "ThreadSanitizer on the threaded tests"
cmake -S . -B build-tsan -G Ninja -DCMAKE_C_COMPILER=clang \
    -DPRC_SANITIZE=thread -DPRC_ABI_CHECK=OFF -DPRC_BUILD_EXAMPLES=OFF \
    -DPRC_BUILD_BENCH=OFF \
    >/dev/null
cmake --build build-tsan
TSAN_OPTIONS=halt_on_error=1 \
    ctest --test-dir build-tsan --output-on-failure -L threads

step "libFuzzer targets, ${PRC_FUZZ_SECONDS:-20} s each"
# The examples are built too: their .npy and PNG readers are fuzzed.
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DPRC_FUZZ=ON \
    -DPRC_SANITIZE=address,undefined -DBUILD_SHARED_LIBS=OFF \
    -DPRC_BUILD_EXAMPLES=ON -DPRC_BUILD_BENCH=OFF \
    >/dev/null
cmake --build build-fuzz
for corpus in tests/fuzz/corpus/*/; do
    target=$(basename "$corpus")
    work=build-fuzz/corpus-$target
    rm -rf "$work" && mkdir -p "$work" && cp "$corpus"* "$work"/
    log=build-fuzz/fuzz-$target.log
    if ! build-fuzz/tests/fuzz/fuzz_"$target" \
            -max_total_time="${PRC_FUZZ_SECONDS:-20}" \
            -artifact_prefix=build-fuzz/crash-"$target"- "$work" >"$log" 2>&1
    then
        tail -n 40 "$log"
        echo "fuzz_$target failed; the input is in build-fuzz/crash-$target-*"
        exit 1
    fi
    echo "fuzz_$target: $(tail -n 1 "$log")"
done

# One plain closing line for whoever reads only the end of the log.
echo
echo "run-all: 5 passed, 0 failed"
