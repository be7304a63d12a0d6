#!/usr/bin/env bash
# The SQLite floor of a full rebuild (issue 5, docs/benchmarks.md "Projections"): the CPU that
# SQLite alone needs to store the rows and build the indexes of every read model, without the fold,
# without the per-row C API, without a journal. For each projection file of a built generation, the
# sqlite3 shell copies every table into a new file in one statement per table (INSERT … SELECT:
# the rows arrive sorted by their key, one VDBE program, no binding), then creates the same indexes
# and the FTS5 index. The files are independent, so on N cores the floor's wall time is at least
# max(sum of CPU / N, the slowest file); the events/s that floor allows is the bound of any rebuild
# built on these read models on this machine.
#
#   bash bench/rebuild_floor.sh DATA_DIR [CORES]
#
# DATA_DIR: a data directory whose projections are built (`shugo rebuild --dir DATA_DIR`). Needs
# the sqlite3 shell (apt-get install sqlite3). Reads the projection files; writes only to a
# temporary directory.
set -euo pipefail
data=${1:?usage: bench/rebuild_floor.sh DATA_DIR [CORES]}
cores=${2:-2}
dir=$data/projections
current=$(head -n1 "$dir/CURRENT")
stem=${current%.sqlite}
events=$(sqlite3 "$dir/$stem.history.sqlite" "SELECT events FROM checkpoints")
out=$(mktemp -d /tmp/shugo-rebuild-floor.XXXXXX)
trap 'rm -rf "$out"' EXIT

total=0
slowest=0
for file in "$dir/$stem".*.sqlite; do
  name=${file#"$dir/$stem".}
  name=${name%.sqlite}
  script=$out/$name.sql
  {
    echo "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;"
    echo "PRAGMA temp_store = MEMORY; PRAGMA threads = 2;"
    echo "ATTACH '$file' AS src;"
    # Tables in their own shape (keys, WITHOUT ROWID, FTS5), without the FTS5 shadow tables.
    sqlite3 "$file" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'table'
      AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'organisation_search_%' ORDER BY rowid"
    sqlite3 "$file" "SELECT 'INSERT INTO main.' || name || ' SELECT * FROM src.' || name || ';'
      FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
      AND name NOT LIKE 'organisation_search%' AND name != 'organisation_trigrams' ORDER BY rowid"
    if [ "$name" = organisations ]; then
      echo "INSERT INTO main.organisation_search (rowid, text)"
      echo "  SELECT rowid, text FROM src.organisation_search;"
    fi
    sqlite3 "$file" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
  } >"$script"
  rm -f "$out/$name.new"
  /usr/bin/time -f "%U %S" -o "$out/$name.time" sqlite3 "$out/$name.new" <"$script" >/dev/null
  cpu=$(awk '{printf "%.2f", $1 + $2}' "$out/$name.time")
  printf '  %-14s %6.2f s CPU\n' "$name" "$cpu"
  total=$(awk -v a="$total" -v b="$cpu" 'BEGIN { printf "%.2f", a + b }')
  slowest=$(awk -v a="$slowest" -v b="$cpu" 'BEGIN { printf "%.2f", (b > a) ? b : a }')
done
wall=$(awk -v t="$total" -v s="$slowest" -v n="$cores" 'BEGIN { w = t / n; printf "%.2f", (s > w) ? s : w }')
rate=$(awk -v e="$events" -v w="$wall" 'BEGIN { printf "%.0f", e / w }')
echo "rebuild floor: SQLite alone, $total s CPU for the rows and indexes of $events events"
echo "  on $cores cores at least $wall s: at most $rate events/s before any fold"
