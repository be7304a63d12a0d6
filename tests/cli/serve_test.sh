#!/usr/bin/env bash
# shugo serve end to end: it prints its URL once listening, answers /api/health over real TCP on
# 127.0.0.1, and stops cleanly on SIGTERM.
set -euo pipefail
shugo=$1
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
coproc SERVER { exec "$shugo" serve --dir "$dir/data" --demo --listen 127.0.0.1:0; }
pid=$SERVER_PID
read -r line <&"${SERVER[0]}"  # blocks until the server is listening
echo "$line"
[[ "$line" =~ ^shugo:\ serving\ http://127\.0\.0\.1:([0-9]+)/ ]] || { echo "unexpected first line" >&2; exit 1; }
port=${BASH_REMATCH[1]}
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
response=$(cat <&3)
exec 3<&-
grep -q '^HTTP/1.1 200 OK' <<<"$response"
grep -q '"head":0' <<<"$response"
grep -q '"demo":true' <<<"$response"
kill -TERM "$pid"
wait "$pid"
echo "serve: ok"
