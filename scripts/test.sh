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
echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHUGO_SANITIZE=ON
cmake --build build-asan -j2
echo "== clang-tidy (.clang-tidy)"
git ls-files 'base/*.cc' 'events/*.cc' 'core/*.cc' 'http/*.cc' 'bench/*.cc' 'cli/*.cc' |
  xargs -P2 -n4 clang-tidy -p build-asan --quiet --extra-arg=-Wno-unknown-warning-option
echo "== tests"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build-asan -j2 --output-on-failure --timeout 300
