#!/usr/bin/env bash
# Runs shugo's event-store benchmarks and their peers side by side on this machine, in one run,
# and prints every figure with its ratio (docs/benchmarks.md records the results).
#
# usage: bash bench/peers/compare.sh [--shugo build/shugo] [--seconds 10] [--events 2000000]
#                                    [--dir DIR] [--no-postgres]
#
# Peers and limits: PostgreSQL 15 as a Marten-like event store (postgres_append.sh), bare RocksDB
# with N threads each doing a synced Put, the disk's write+fdatasync rate, bare RocksDB iteration.
set -euo pipefail
cd "$(dirname "$0")/../.."

SHUGO=build/shugo
SECS=10
EVENTS=2000000
DIR=""
POSTGRES=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --shugo) SHUGO="$2"; shift 2 ;;
    --seconds) SECS="$2"; shift 2 ;;
    --events) EVENTS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --no-postgres) POSTGRES=0; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 64 ;;
  esac
done
[[ -x "$SHUGO" ]] || { echo "no shugo binary at $SHUGO (build first)" >&2; exit 1; }
if [[ -z "$DIR" ]]; then
  DIR=$(mktemp -d "${PWD}/bench-run.XXXXXX")  # the repository's disk, not a tmpfs
fi
trap 'rm -rf "$DIR"' EXIT

num() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
# One submitter against the disk's own sync rate, three times interleaved: this disk's rate drifts
# by +-10 % from one run to the next, so the ratio is taken per pair and the median reported.
declare -A shugo_rate
single_ratios=()
singles=()
for round in 1 2 3; do
  disk=$("$SHUGO" bench disk-sync --dir "$DIR" --seconds "$SECS" --json)
  echo "disk      $disk"
  line=$("$SHUGO" bench append --dir "$DIR/append-1-$round" --submitters 1 --seconds "$SECS" --json)
  echo "shugo     $line"
  single_ratios+=("$(ratio "$(num commands_per_s <<<"$line")" "$(num syncs_per_s <<<"$disk")")")
  singles+=("$(num commands_per_s <<<"$line")")
done
shugo_rate[1]=$(median3 "${singles[@]}")
for n in 16 64; do
  line=$("$SHUGO" bench append --dir "$DIR/append-$n" --submitters "$n" --seconds "$SECS" --json)
  shugo_rate[$n]=$(num commands_per_s <<<"$line")
  echo "shugo     $line"
done
puts=$("$SHUGO" bench rocksdb-puts --dir "$DIR" --threads 64 --seconds "$SECS" --json)
echo "rocksdb   $puts"
declare -A pg_rate
if [[ $POSTGRES -eq 1 ]]; then
  while IFS= read -r line; do
    echo "postgres  $line"
    pg_rate[$(num clients <<<"$line")]=$(num commands_per_s <<<"$line")
  done < <(bash bench/peers/postgres_append.sh --seconds "$SECS" --clients "1 16 64" 2>/dev/null)
fi
read_all=$("$SHUGO" bench read-all --dir "$DIR/read" --events "$EVENTS" --json 2>/dev/null)
echo "read-all  $read_all"
verify=$("$SHUGO" bench verify --dir "$DIR/read" --json)
echo "verify    $verify"

echo
echo "ratios"
echo "  1 submitter / disk write+fdatasync rate:      $(median3 "${single_ratios[@]}")  (median of ${single_ratios[*]}; target >= 0.90)"
echo "  64 submitters / RocksDB 64-thread synced Put:  $(ratio "${shugo_rate[64]}" "$(num puts_per_s <<<"$puts")")  (target > 1)"
for n in 1 16 64; do
  [[ -n "${pg_rate[$n]:-}" ]] && echo "  $n submitters / PostgreSQL $n clients:         $(ratio "${shugo_rate[$n]}" "${pg_rate[$n]}")  (target at 64: >= 10)"
done
echo "  read-all / bare RocksDB iteration:             $(num ratio <<<"$read_all")  (target >= 0.80)"
echo "  verify events/s:                               $(num events_per_s <<<"$verify")  (target >= 500000)"
