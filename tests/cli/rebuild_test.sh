#!/usr/bin/env bash
# shugo rebuild end to end on the small demo: a full and a partial rebuild swap in a new file with
# the same content (--check), --json ends with the figures, an unknown projection is named, and a
# directory held by a running server is refused with the way to rebuild it online.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
shugo=$1
dir=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
"$shugo" demo --dir "$dir/data" --scale small >/dev/null

"$shugo" rebuild --dir "$dir/data" --json | tee "$dir/out"
tail -n 1 "$dir/out" | grep -Eq '^\{"events":[0-9]+,"seconds":[0-9.]+,"events_per_s":[0-9]+\}$'
[ "$(cat "$dir/data/projections/CURRENT")" = "read-000001.sqlite" ]
"$shugo" rebuild --dir "$dir/data" letters history | tee "$dir/out"
grep -q "rebuilt letters history up to position" "$dir/out"
[ "$(cat "$dir/data/projections/CURRENT")" = "read-000002.sqlite" ]
[ ! -e "$dir/data/projections/read-000001.sqlite" ]
"$shugo" rebuild --dir "$dir/data" --check | tee "$dir/out"
grep -q "every projection checked matches" "$dir/out"

if "$shugo" rebuild --dir "$dir/data" nope 2>"$dir/err"; then
  echo "an unknown projection was accepted" >&2
  exit 1
fi
grep -q "知らない投影です: nope" "$dir/err"

start_server "$shugo" "$dir/data"
if "$shugo" rebuild --dir "$dir/data" 2>"$dir/err"; then
  echo "rebuild opened a directory held by a server" >&2
  exit 1
fi
cat "$dir/err"
grep -q "POST /api/admin/rebuild" "$dir/err"
grep -q '"position":' <<<"$(http_get /api/health)"
stop_server
echo "rebuild: ok"
