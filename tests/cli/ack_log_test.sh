#!/usr/bin/env bash
# shugo bench append --ack-log, then shugo verify --acks: all acknowledged events are found; a
# forged acknowledgment is named and fails the check.
set -euo pipefail
shugo=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$shugo" bench append --dir "$dir/data" --submitters 4 --seconds 0.3 --ack-log "$dir/acks" --json
test -s "$dir/acks"
"$shugo" verify --dir "$dir/data" --acks "$dir/acks"
# A second run continues the same streams (no conflict) and its acks check out too.
"$shugo" bench append --dir "$dir/data" --submitters 4 --seconds 0.3 --ack-log "$dir/acks" --json
"$shugo" verify --dir "$dir/data" --acks "$dir/acks"
echo "bench-0 999999 999999999" >>"$dir/acks"
if "$shugo" verify --dir "$dir/data" --acks "$dir/acks" 2>"$dir/err"; then
  echo "verify accepted a forged acknowledgment" >&2
  exit 1
fi
grep -q "bench-0 version 999999 at position 999999999 is missing" "$dir/err"
# A missing directory is a clear error, not a crash.
if "$shugo" verify --dir "$dir/nope" 2>"$dir/err"; then exit 1; fi
grep -q "has no event log" "$dir/err"
echo "ack log: ok"
