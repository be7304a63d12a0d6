#!/usr/bin/env bash
# shugo serve end to end: a new directory in demo mode gets the small demo (real commands over a
# simulated year); the server prints its URL once listening, answers /api/health over real TCP on
# 127.0.0.1 with the loaded state, moves the business date on POST /api/admin/business-date
# (running the day job), refuses to move it back, and stops cleanly on SIGTERM.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
dir=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
start_server "$1" "$dir/data"
response=$(http_get /api/health)
grep -q '^HTTP/1.1 200 OK' <<<"$response"
grep -q '"demo":true' <<<"$response"
grep -Eq '"head":[1-9][0-9]{3,}' <<<"$response"
grep -q '"business_date":"2026-04-01"' <<<"$response"
grep -q '"last_closed_day":"2026-03-31"' <<<"$response"

# Letters approved on the demo's last day take effect on 2026-04-01: the day job activates them.
moved=$(http_post /api/admin/business-date '{"date":"2026-04-02"}')
grep -q '^HTTP/1.1 200 OK' <<<"$moved"
grep -q '"closed_from":"2026-04-01","closed_to":"2026-04-02"' <<<"$moved"
grep -Eq '"transitions":[1-9]' <<<"$moved"
response=$(http_get /api/health)
grep -q '"business_date":"2026-04-02"' <<<"$response"

back=$(http_post /api/admin/business-date '{"date":"2026-03-01"}')
grep -q '^HTTP/1.1 400 Bad Request' <<<"$back"
grep -q '"field":"date"' <<<"$back"
stop_server

# Restarted, the state is loaded from the log and the business date resumes after the last day.
start_server "$1" "$dir/data"
response=$(http_get /api/health)
grep -q '"last_closed_day":"2026-04-02"' <<<"$response"
grep -q '"business_date":"2026-04-03"' <<<"$response"
stop_server
echo "serve: ok"
