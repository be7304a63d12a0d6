#!/usr/bin/env bash
# A data directory held by one shugo process is refused by another with a clear message, and the
# holder keeps serving.
set -euo pipefail
shugo=$1
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
coproc SERVER { exec "$shugo" serve --dir "$dir/data" --demo --listen 127.0.0.1:0; }
pid=$SERVER_PID
read -r line <&"${SERVER[0]}"  # the server holds the directory once it prints its URL
[[ "$line" =~ ^shugo:\ serving\ http://127\.0\.0\.1:([0-9]+)/ ]] || { echo "unexpected: $line" >&2; exit 1; }
port=${BASH_REMATCH[1]}
if "$shugo" verify --dir "$dir/data" 2>"$dir/err"; then
  echo "a second process opened a held data directory" >&2
  exit 1
fi
cat "$dir/err"
grep -q "unavailable" "$dir/err"
grep -q "in use by another process" "$dir/err"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
grep -q '^HTTP/1.1 200 OK' <(cat <&3)
kill -TERM "$pid"
wait "$pid"
echo "lock: ok"
