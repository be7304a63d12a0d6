#!/usr/bin/env bash
# shugo serve end to end: it prints its URL once listening, answers /api/health over real TCP on
# 127.0.0.1, and stops cleanly on SIGTERM.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
dir=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
start_server "$1" "$dir/data"
response=$(http_get /api/health)
grep -q '^HTTP/1.1 200 OK' <<<"$response"
grep -q '"head":0' <<<"$response"
grep -q '"demo":true' <<<"$response"
stop_server
echo "serve: ok"
