#!/usr/bin/env bash
# Installs what is missing, builds a release shugo, and serves the built-in demo data directory
# on http://127.0.0.1:8080/ (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2 --target shugo
exec ./build/shugo serve --demo --listen "${SHUGO_LISTEN:-127.0.0.1:8080}"
