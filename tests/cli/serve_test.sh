#!/usr/bin/env bash
# shugo serve end to end: a new directory in demo mode gets the small demo (real commands over a
# simulated year); the server prints its URL once listening, answers /api/health over real TCP on
# 127.0.0.1 with the loaded state, signs every README demo user in, lets the operator (国保中央会)
# move the business date on POST /api/admin/clock (running the day job), refuses to move it back,
# and stops cleanly on SIGTERM.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
dir=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
# Without --dir, serve refuses to start unless the demo is asked for: an operator who forgot the
# data directory never gets demo data by accident.
if refused=$(cd "$dir" && "$1" serve --listen 127.0.0.1:0 2>&1); then
  echo "serve without --dir started: $refused" >&2
  exit 1
fi
grep -q -- '--dir DIR is required' <<<"$refused"
[ ! -e "$dir/shugo-demo-data" ]

start_server "$1" "$dir/data"
response=$(http_get /api/health)
grep -q '^HTTP/1.1 200 OK' <<<"$response"
grep -q '"demo":true' <<<"$response"
grep -Eq '"head":[1-9][0-9]{3,}' <<<"$response"
grep -q '"business_date":"2026-04-01"' <<<"$response"
grep -q '"last_closed_day":"2026-03-31"' <<<"$response"

# The README's demo users exist with the README's password; the mailed code is asked once and is
# in the data directory's mail folder; then the session is complete.
readme="$(dirname "$0")/../../README.md"
users=$(grep -oE '^\| `demo[0-9]?-[a-z-]+`' "$readme" | tr -d '|` ')
[ "$(wc -w <<<"$users")" -eq 14 ]
password=$(sed -n '/^### Demo users/,/^| login id/p' "$readme" | grep -oE '\*\*`[^`]+`\*\*' | tr -d '*`')
[ -n "$password" ]
for user in $users; do
  login=$(http_post /api/session "{\"login_id\":\"$user\",\"password\":\"$password\"}")
  grep -q '^HTTP/1.1 200 OK' <<<"$login" || { echo "$user cannot sign in: $login" >&2; exit 1; }
  grep -q '"need":"second_factor"' <<<"$login"
done

# The operator signs in (password, then the newest mailed code) and moves the business date.
login=$(http_post /api/session "{\"login_id\":\"demo-chuokai\",\"password\":\"$password\"}")
COOKIE=$(grep -oE 'shugo_session=[^;]+' <<<"$login")
CSRF=$(grep -oE '"csrf_token":"[^"]+"' <<<"$login" | cut -d'"' -f4)
code=$(grep -h -oE '認証コード: [0-9]{6}' $(ls "$dir"/data/mail/*second_factor.eml | sort | tail -1) | grep -oE '[0-9]{6}')
signed=$(http_post /api/session/second-factor "{\"code\":\"$code\"}")
grep -q '^HTTP/1.1 200 OK' <<<"$signed"
grep -q '"login_id":"demo-chuokai"' <<<"$signed"
COOKIE=$(grep -oE 'shugo_session=[^;]+' <<<"$signed")
CSRF=$(grep -oE '"csrf_token":"[^"]+"' <<<"$signed" | cut -d'"' -f4)

# Letters approved on the demo's last day take effect on 2026-04-01: the day job activates them.
moved=$(http_post /api/admin/clock '{"date":"2026-04-02"}')
grep -q '^HTTP/1.1 200 OK' <<<"$moved"
grep -q '"closed_from":"2026-04-01","closed_to":"2026-04-02"' <<<"$moved"
grep -Eq '"transitions":[1-9]' <<<"$moved"
response=$(http_get /api/health)
grep -q '"business_date":"2026-04-02"' <<<"$response"

back=$(http_post /api/admin/clock '{"date":"2026-03-01"}')
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
