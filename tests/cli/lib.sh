# Shared by the CLI tests: start `shugo serve` on a free port and talk HTTP to it over bash's
# /dev/tcp (no curl needed on a fresh machine).

# start_server SHUGO DATA_DIR: runs serve in a coprocess and sets SERVER_PID and PORT once the
# server has printed its URL (bash names the coprocess PID SERVER_PID) (it prints it only after it listens and holds the data directory).
start_server() {
  coproc SERVER { exec "$1" serve --dir "$2" --demo --listen 127.0.0.1:0; }
  local line
  read -r line <&"${SERVER[0]}"
  echo "$line"
  [[ "$line" =~ ^shugo:\ serving\ http://127\.0\.0\.1:([0-9]+)/ ]] || { echo "unexpected: $line" >&2; return 1; }
  PORT=${BASH_REMATCH[1]}
  # Ready once the projections have caught up with the log: /api/health answers 200 (503 with
  # "catching_up" until then). At most a minute.
  local i
  for i in $(seq 1 600); do
    head -1 <<<"$(http_get /api/health)" | grep -q ' 200 ' && return 0
    sleep 0.1
  done
  echo "the server did not catch up: $(http_get /api/health)" >&2
  return 1
}

# http_get PATH: prints the whole HTTP response from the started server.
http_get() {
  exec 3<>"/dev/tcp/127.0.0.1/$PORT"
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
  cat <&3
  exec 3<&-
}

# stop_server: SIGTERM, then waits for a clean exit.
stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID"
}

# http_post PATH JSON: prints the whole HTTP response to a POST of JSON (with the session of
# COOKIE and CSRF when they are set).
http_post() {
  local session=""
  [ -n "${COOKIE:-}" ] && session="Cookie: $COOKIE\r\nX-CSRF-Token: $CSRF\r\n"
  exec 3<>"/dev/tcp/127.0.0.1/$PORT"
  printf "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${session}Content-Length: %d\r\nConnection: close\r\n\r\n%s" \
    "$1" "${#2}" "$2" >&3
  cat <&3
  exec 3<&-
}
