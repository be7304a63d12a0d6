#!/usr/bin/env bash
# A data directory held by one shugo process is refused by another with a clear message, and the
# holder keeps serving.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
shugo=$1
dir=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
start_server "$shugo" "$dir/data"
if "$shugo" verify --dir "$dir/data" 2>"$dir/err"; then
  echo "a second process opened a held data directory" >&2
  exit 1
fi
cat "$dir/err"
grep -q "unavailable" "$dir/err"
grep -q "in use by another process" "$dir/err"
grep -q '^HTTP/1.1 200 OK' <<<"$(http_get /api/health)"
stop_server
echo "lock: ok"
