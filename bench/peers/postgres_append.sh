#!/usr/bin/env bash
# Peer benchmark: durable single-event appends on PostgreSQL 15 with a
# Marten-like event-store schema (streams + events, optimistic concurrency).
#
# usage: bash bench/peers/postgres_append.sh [--seconds S] [--payload BYTES]
#            [--clients "1 16 64"] [--port 54329] [--dir BASEDIR]
#
# For each client count N, pgbench runs N clients for S seconds; each client
# appends to its own stream with the exact expected version it tracks in the
# pgbench variable :ver (carried across transactions via \gset). Every append
# is its own autocommit transaction with default durability (fsync=on,
# synchronous_commit=on). One JSON line per N goes to stdout; chatter to stderr.
set -euo pipefail

SECONDS_PER_RUN=10
PAYLOAD=300
CLIENTS="1 16 64"
PORT=54329
BASEDIR=""
PGBIN=/usr/lib/postgresql/15/bin

while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --payload) PAYLOAD="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --port)    PORT="$2"; shift 2 ;;
    --dir)     BASEDIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 64 ;;
  esac
done

log() { echo "[postgres_append] $*" >&2; }

# The data directory must live on a real disk: on tmpfs fsync is a no-op and
# the numbers would be meaningless. Prefer /tmp, then /var/tmp, unless tmpfs.
is_ram_fs() { case "$(stat -f -c %T "$1")" in tmpfs|ramfs) return 0 ;; *) return 1 ;; esac; }
if [[ -z "$BASEDIR" ]]; then
  for d in "${TMPDIR:-/tmp}" /var/tmp; do
    if ! is_ram_fs "$d"; then BASEDIR="$d"; break; fi
  done
  [[ -n "$BASEDIR" ]] || { echo "no disk-backed temp dir found; pass --dir" >&2; exit 1; }
fi
is_ram_fs "$BASEDIR" && log "WARNING: $BASEDIR is a RAM filesystem; fsync is meaningless"

WORK="$(mktemp -d "$BASEDIR/shugo-pgpeer.XXXXXX")"
chown postgres:postgres "$WORK"    # postgres needs it for the socket + lock file
PGDATA="$WORK/data"
runuser -u postgres -- mkdir "$PGDATA"

as_pg() { (cd "$WORK" && runuser -u postgres -- "$@"); }

cleanup() {
  if [[ -f "$PGDATA/postmaster.pid" ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "initdb in $PGDATA ($(stat -f -c %T "$WORK"))"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null

# Durability left at defaults (fsync=on, synchronous_commit=on, full_page_writes=on).
cat >>"$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$WORK'
max_connections = 200
shared_buffers = 256MB
EOF

as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start >/dev/null \
  || { cat "$PGDATA/server.log" >&2; exit 1; }
log "server up on 127.0.0.1:$PORT"

PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
log "durability: $("${PSQL[@]}" -At -c "SELECT format('fsync=%s synchronous_commit=%s wal_sync_method=%s full_page_writes=%s',
  current_setting('fsync'), current_setting('synchronous_commit'),
  current_setting('wal_sync_method'), current_setting('full_page_writes'))")"

# Schema modelled on Marten's mt_streams / mt_events and its append function.
"${PSQL[@]}" <<'SQL'
CREATE TABLE streams (
  id         text        PRIMARY KEY,
  type       text,
  version    bigint      NOT NULL,
  timestamp  timestamptz NOT NULL DEFAULT now(),
  created    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE events (
  seq_id     bigserial   PRIMARY KEY,          -- global sequence
  id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  stream_id  text        NOT NULL REFERENCES streams(id),
  version    bigint      NOT NULL,
  type       text        NOT NULL,
  data       jsonb       NOT NULL,
  timestamp  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, version)
);
-- Optimistic append: expected = current stream version (0 = new stream).
CREATE FUNCTION append_event(p_stream text, p_expected bigint, p_type text, p_data jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_new bigint := p_expected + 1;
BEGIN
  IF p_expected = 0 THEN
    INSERT INTO streams (id, version) VALUES (p_stream, 1) ON CONFLICT (id) DO NOTHING;
  ELSE
    UPDATE streams SET version = v_new, timestamp = now()
     WHERE id = p_stream AND version = p_expected;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'version conflict on stream %: expected %', p_stream, p_expected;
  END IF;
  INSERT INTO events (stream_id, version, type, data)
  VALUES (p_stream, v_new, p_type, p_data);
  RETURN v_new;
END $$;
SQL

# Random-ish JSON payload of exactly $PAYLOAD bytes: {"d":"<alnum>"}.
FILL=$(( PAYLOAD > 8 ? PAYLOAD - 8 : 0 ))
FILLER="$(head -c $(( FILL * 2 + 16 )) /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | cut -c1-"$FILL")"
DATA="{\"d\":\"$FILLER\"}"
log "payload ${#DATA} bytes"

# pgbench script: client variables persist across transactions, so \gset keeps
# the stream version returned by the previous append in :ver. The payload is
# passed as a bind parameter (-D data=...), parsed as jsonb on every append.
cat >"$WORK/append.sql" <<'EOF'
SELECT append_event('stream-' || :client_id, :ver::bigint, 'Appended', :data::jsonb) AS ver \gset
EOF

for N in $CLIENTS; do
  "${PSQL[@]}" -c 'TRUNCATE events, streams RESTART IDENTITY' -c 'CHECKPOINT'
  rm -f "$WORK"/txlog*
  log "pgbench: $N clients, ${SECONDS_PER_RUN}s"
  rc=0
  ( cd "$WORK" && "$PGBIN/pgbench" -n -M prepared -h 127.0.0.1 -p "$PORT" -U postgres \
      -c "$N" -j 2 -T "$SECONDS_PER_RUN" -D ver=0 -D "data=$DATA" \
      -f append.sql --log --log-prefix="$WORK/txlog" postgres ) \
      >"$WORK/pgbench.out" 2>"$WORK/pgbench.err" || rc=$?
  if [[ $rc -ne 0 ]] || grep -q 'aborted' "$WORK/pgbench.err" "$WORK/pgbench.out"; then
    cat "$WORK/pgbench.err" "$WORK/pgbench.out" >&2
    echo "pgbench failed (rc=$rc) for $N clients" >&2; exit 1
  fi

  TPS="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$WORK/pgbench.out")"
  PROCESSED="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/pgbench.out")"
  FAILED="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/pgbench.out")"

  # Per-transaction log: "client_id tx_no latency_us script_no epoch epoch_us".
  cat "$WORK"/txlog.* | awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n >"$WORK/lat.txt"
  LOGGED="$(wc -l <"$WORK/lat.txt")"

  # Sanity: every committed transaction is exactly one event, versions dense.
  read -r EVENTS STREAMS VSUM <<<"$("${PSQL[@]}" -At -F ' ' -c \
    'SELECT (SELECT count(*) FROM events), count(*), coalesce(sum(version),0) FROM streams')"
  if [[ "$EVENTS" != "$PROCESSED" || "$LOGGED" != "$PROCESSED" || "$VSUM" != "$EVENTS" \
        || "$STREAMS" != "$N" || "${FAILED:-0}" != "0" ]]; then
    echo "consistency check failed: events=$EVENTS processed=$PROCESSED logged=$LOGGED" \
         "sum(version)=$VSUM streams=$STREAMS failed=${FAILED:-?}" >&2
    exit 1
  fi
  log "ok: $EVENTS events in $STREAMS streams, no version conflicts"

  # Nearest-rank percentiles (µs -> ms).
  read -r P50 P99 P999 <<<"$(awk '{v[NR]=$1} END {
      split("0.50 0.99 0.999", q, " ");
      for (i = 1; i <= 3; i++) { r = int(q[i] * NR); if (r < q[i] * NR) r++; if (r < 1) r = 1;
        printf "%.3f ", v[r] / 1000 } }' "$WORK/lat.txt")"

  printf '{"peer":"postgresql15","clients":%d,"commands_per_s":%.1f,"p50_ms":%s,"p99_ms":%s,"p999_ms":%s}\n' \
    "$N" "$TPS" "$P50" "$P99" "$P999"
done
