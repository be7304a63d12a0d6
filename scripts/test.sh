#!/usr/bin/env bash
# Installs what is missing, builds with AddressSanitizer + UndefinedBehaviorSanitizer, and runs
# every test. This is the README's test command; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
echo "== style and hygiene"
bash scripts/check_layers.sh
bash scripts/check_tests.sh
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
# ccache hits across clones of the repository (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHUGO_SANITIZE=ON
cmake --build build-asan -j2
echo "== clang-tidy (.clang-tidy)"
# Every source file of every folder (tests/ excepted), whatever folders come later.
git ls-files '*.cc' ':!:tests/*' |
  xargs -P2 -n4 clang-tidy -p build-asan --quiet --extra-arg=-Wno-unknown-warning-option
echo "== fuzz: request parsing and routing (libFuzzer, clang, ASan + UBSan), bounded"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DSHUGO_SANITIZE=ON -DSHUGO_FUZZ=ON -DSHUGO_WERROR=OFF >/dev/null
cmake --build build-fuzz -j2 --target request_fuzz
mkdir -p build-fuzz/corpus
# The first folder gathers what the run finds; the seeds are real requests of the tests.
ASAN_OPTIONS=detect_leaks=0 build-fuzz/tests/request_fuzz -max_total_time="${SHUGO_FUZZ_SECONDS:-60}" \
  -seed=1 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 build-fuzz/corpus tests/http/request_corpus \
  2>build-fuzz/fuzz.log || { tail -60 build-fuzz/fuzz.log; exit 1; }
grep -E "^(stat::number_of_executed_units|Done)" build-fuzz/fuzz.log || true
echo "== tests"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build-asan -j2 --output-on-failure --timeout 300
