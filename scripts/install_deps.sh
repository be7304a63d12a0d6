#!/usr/bin/env bash
# Installs the Debian 12 packages shugo builds and tests with (root, or sudo when available).
set -euo pipefail
packages=(
  cmake ninja-build g++ ccache pkg-config git
  librocksdb-dev flatbuffers-compiler libflatbuffers-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcli11-dev doctest-dev libspdlog-dev libsodium-dev libzxcvbn-dev libssl-dev libsqlite3-dev libicu-dev zlib1g-dev
  clang-format clang-tidy clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
