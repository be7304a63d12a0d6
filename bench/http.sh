#!/usr/bin/env bash
# The HTTP benchmark of issue 6 (docs/benchmarks.md "HTTP"): wrk against `shugo serve` on
# 127.0.0.1 with national demo data, and against nginx serving a static file of the same size as
# one letter's answer, in the same run, with the same wrk command; prints requests/s, p50/p99 and
# our ratio to nginx.
#
#   bash bench/http.sh BUILD_DIR DATA_DIR [SECONDS]
#
# DATA_DIR: a copy of a national demo (`shugo demo --dir D --scale national`); it is appended to
# (applications, approvals, bench users). Needs wrk and nginx (apt-get install wrk nginx-light).
set -euo pipefail
build=${1:?usage: bench/http.sh BUILD_DIR DATA_DIR [SECONDS]}
data=${2:?usage: bench/http.sh BUILD_DIR DATA_DIR [SECONDS]}
seconds=${3:-10}
shugo=$build/shugo
out=$(mktemp -d /tmp/shugo-http-bench.XXXXXX)
port=18090
nginx_port=18091
connections=64
threads=2

cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -f "$out/nginx.pid" ] && kill "$(cat "$out/nginx.pid")" 2>/dev/null
  true
}
trap cleanup EXIT

echo "== fixture: applications awaiting approval, users and sessions"
"$shugo" bench http-fixture --dir "$data" --out "$out" --letters 30000
# shellcheck disable=SC1091
source "$out/sessions.env"

# Starts `shugo serve` with extra options and waits until its projections caught up.
serve() {
  "$shugo" serve --dir "$data" --demo --quiet --listen "127.0.0.1:$port" "$@" >"$out/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$port/api/health" >"$out/health.json" 2>/dev/null &&
      grep -q '"behind":0' "$out/health.json"; then
      return 0
    fi
    sleep 0.5
  done
  echo "server not ready" >&2
  cat "$out/serve.log" >&2
  exit 1
}

echo "== shugo serve (demo mode, access log off)"
serve

national=(-H "Cookie: shugo_session=$NATIONAL_COOKIE")
prefectural=(-H "Cookie: shugo_session=$PREFECTURE_COOKIE")
letter_url="http://127.0.0.1:$port/api/letters/$LETTER_ID"
page_url="http://127.0.0.1:$port/api/letters?status=in_contract&contract_type=routine&per_page=50"
public_url="http://127.0.0.1:$port/api/public/institutions?municipality=131016&disease=measles&per_page=20"

mkdir -p "$out/www"
chmod 755 "$out" "$out/www"  # nginx's workers run as www-data
curl -sf "${national[@]}" "$letter_url" >"$out/www/letter.json"
chmod 644 "$out/www/letter.json"
size=$(stat -c %s "$out/www/letter.json")
cat >"$out/nginx.conf" <<EOF
worker_processes $threads;
pid $out/nginx.pid;
error_log $out/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    root $out/www;
    location / { default_type application/json; }
  }
}
EOF
nginx -c "$out/nginx.conf" -p "$out"
sleep 0.5
curl -sf "http://127.0.0.1:$nginx_port/letter.json" >/dev/null || { echo "nginx does not serve the file" >&2; exit 1; }

# wrk's figures: requests/s, p50 and p99 (ms), non-2xx answers.
run() {
  local name=$1
  shift
  wrk -t$threads -c$connections -d"${seconds}s" --latency "$@" >"$out/$name.txt"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$out/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$out/$name.txt")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out/$name.txt")
  printf '%-34s %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${errors:-0}"
  eval "rps_${name//-/_}=$rps"
}

echo "== wrk -t$threads -c$connections -d${seconds}s (letter answer: $size bytes)"
run nginx-static "http://127.0.0.1:$nginx_port/letter.json"
run get-letter "${national[@]}" "$letter_url"
run letters-page "${prefectural[@]}" "$page_url"
run public-search "$public_url"
cat >"$out/approve.lua" <<EOF
local requests = dofile("$out/approve_requests.lua")
local next_thread = 0
function setup(thread)
  thread:set("first", next_thread)
  next_thread = next_thread + 1
end
function init(args)
  i = first
end
function request()
  local r = requests[(i % #requests) + 1]
  i = i + $threads
  return wrk.format("POST", r[1], {["Cookie"] = "shugo_session=" .. r[2],
    ["X-CSRF-Token"] = r[3], ["Content-Type"] = "application/json"}, "{}")
end
-- Should the prepared applications run out, approving an approved letter answers 409: the thread
-- stops (wrk still divides by the whole duration, so the figure is then a lower bound).
function response(status, headers, body)
  if status >= 300 then wrk.thread:stop() end
end
EOF
# Short enough that the applications do not run out below 12,000 approvals/s.
seconds_saved=$seconds
seconds=$(( APPROVALS / 12000 < seconds ? (APPROVALS / 12000 > 0 ? APPROVALS / 12000 : 1) : seconds ))
run approve -s "$out/approve.lua" "http://127.0.0.1:$port"
seconds=$seconds_saved
if [ "$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out/approve.txt")" != "" ]; then
  echo "approve: the applications ran out before the end; its figure is a lower bound" >&2
fi

# The letters page again with no letter cache: every request reads its 50 rows and writes their
# JSON, as for a page whose letters the cache does not hold yet.
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
serve --letter-cache-mb 0
run letters-page-uncached "${prefectural[@]}" "$page_url"

echo "== ratios to nginx's static file (the HTTP ceiling of this machine)"
for name in get_letter letters_page letters_page_uncached public_search; do
  awk -v a="$(eval echo "\$rps_$name")" -v b="$rps_nginx_static" -v n="$name" \
    'BEGIN { printf "%-34s %.3f\n", n, a / b }'
done
echo "(approvals: $APPROVALS applications prepared, each approved once; raw wrk output in $out)"
