#!/usr/bin/env bash
# Raw disk sync rate: the ceiling for any durable, one-fsync-per-commit store.
# A single thread loops { append 300 bytes; fdatasync } on a file in DIR.
#
# usage: bash bench/peers/disk_sync.sh [--dir DIR] [--seconds S]
#
# DIR defaults to /tmp, then /var/tmp, then the current directory - whichever
# is first NOT a RAM filesystem (on tmpfs fdatasync is a no-op).
# Prints {"peer":"disk","syncs_per_s":…,"p50_ms":…,"p99_ms":…} on stdout.
set -euo pipefail

DIR=""
SECS=10

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir)     DIR="$2"; shift 2 ;;
    --seconds) SECS="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 64 ;;
  esac
done

is_ram_fs() { case "$(stat -f -c %T "$1")" in tmpfs|ramfs) return 0 ;; *) return 1 ;; esac; }
if [[ -z "$DIR" ]]; then
  for d in "${TMPDIR:-/tmp}" /var/tmp "$PWD"; do
    if ! is_ram_fs "$d"; then DIR="$d"; break; fi
  done
  [[ -n "$DIR" ]] || { echo "no disk-backed dir found; pass --dir" >&2; exit 1; }
fi
is_ram_fs "$DIR" && echo "[disk_sync] WARNING: $DIR is a RAM filesystem" >&2

WORK="$(mktemp -d "$DIR/shugo-disksync.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "[disk_sync] dir $WORK ($(stat -f -c %T "$WORK"), $(df -P "$WORK" | awk 'NR==2{print $1}'))" >&2

# The C loop writes one latency (ns) per sync to stdout.
cat >"$WORK/sync.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: sync FILE SECONDS\n"); return 2; }
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
  if (fd < 0) { perror("open"); return 1; }
  char buf[300];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (char)('a' + rand() % 26);
  long long end = now_ns() + (long long)(atof(argv[2]) * 1e9);
  for (long long t0 = now_ns(); t0 < end;) {
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) { perror("write"); return 1; }
    if (fdatasync(fd) != 0) { perror("fdatasync"); return 1; }
    long long t1 = now_ns();
    printf("%lld\n", t1 - t0);
    t0 = t1;
  }
  return close(fd) != 0;
}
EOF
cc -O2 -o "$WORK/sync" "$WORK/sync.c"

"$WORK/sync" "$WORK/data" "$SECS" | sort -n >"$WORK/lat.txt"

# Nearest-rank percentiles (ns -> ms); rate = syncs / total time spent.
awk '{v[NR] = $1; sum += $1} END {
  if (NR == 0) { print "no samples" > "/dev/stderr"; exit 1 }
  split("0.50 0.99", q, " ");
  for (i = 1; i <= 2; i++) { r = int(q[i] * NR); if (r < q[i] * NR) r++; if (r < 1) r = 1; p[i] = v[r] / 1e6 }
  printf "{\"peer\":\"disk\",\"syncs_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n", NR / (sum / 1e9), p[1], p[2]
}' "$WORK/lat.txt"
