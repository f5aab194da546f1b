# tests/bench/targets.sh — the benchmark's backend and targets, sourced by run.sh: the nginx
# backend (one worker, two ports), the peers (HAProxy, nginx stream, each with default and with
# 64 KiB buffers, and over two backends when an rsp part balances), and every rsp-partN from 2
# on that is built, each with the config its part reads.
#
# It uses run.sh's settings (BIN, WORK, BENCH_DIR, LOAD_CPU, PROXY_CPU, MAX_CLIENTS) and helpers.

TARGETS=()  # in the order they run
declare -A LABEL PORT_OF PROCESS_OF MEASURED_PID BACKENDS_OF PEER_OF

# add_target NAME LABEL PORT PROCESS BACKENDS [PID]: PROCESS is start's name for what serves
# the port, BACKENDS how many backends it balances over (1 or 2), PID the process whose memory
# we measure (none for direct). Its "vs HAProxy" ratio is taken against the HAProxy row with
# the same number of backends.
add_target() {
  TARGETS+=("$1")
  LABEL[$1]=$2 PORT_OF[$1]=$3 PROCESS_OF[$1]=$4 BACKENDS_OF[$1]=$5 MEASURED_PID[$1]=${6:-}
  if [ "$5" = 2 ]; then PEER_OF[$1]=haproxy-2; else PEER_OF[$1]=haproxy; fi
}

# The second backend's port, or nothing for one backend (render then drops its lines).
second_port() { if [ "$1" = 2 ]; then echo "$BACKEND_PORT2"; fi; }

start_backend() {
  pick_port
  BACKEND_PORT=$PORT
  pick_port
  BACKEND_PORT2=$PORT
  render "$BENCH_DIR/nginx-backend.conf" "$WORK/nginx-backend.conf" DIR="$WORK" \
    PORT="$BACKEND_PORT" PORT2="$BACKEND_PORT2" CONNECTIONS=$((2 * MAX_CLIENTS + 100))
  start backend "$LOAD_CPU" nginx -e "$WORK/backend.err" -p "$WORK" -c "$WORK/nginx-backend.conf"
  wait_listening backend "$BACKEND_PORT"
  wait_listening backend "$BACKEND_PORT2"
  add_target direct "direct" "$BACKEND_PORT" backend 1
}

# start_haproxy NAME LABEL BUFSIZE BACKENDS
start_haproxy() {
  local name=$1
  pick_port
  render "$BENCH_DIR/haproxy.cfg" "$WORK/$name.cfg" PORT="$PORT" MAXCONN=$((MAX_CLIENTS + 100)) \
    BUFSIZE="$3" BACKEND_PORT="$BACKEND_PORT" BACKEND_PORT2="$(second_port "$4")"
  start "$name" "$PROXY_CPU" haproxy -db -f "$WORK/$name.cfg"
  wait_listening "$name" "$PORT"
  add_target "$name" "$2" "$PORT" "$name" "$4" "${PID_OF[$name]}"
}

# start_nginx_stream NAME LABEL BUFFER BACKENDS
start_nginx_stream() {
  local name=$1 worker="" i
  pick_port
  render "$BENCH_DIR/nginx-stream.conf" "$WORK/$name.conf" DIR="$WORK" NAME="$name" PORT="$PORT" \
    CONNECTIONS=$((2 * MAX_CLIENTS + 100)) BUFFER="$3" STREAM_MODULE="$STREAM_MODULE" \
    BACKEND_PORT="$BACKEND_PORT" BACKEND_PORT2="$(second_port "$4")"
  start "$name" "$PROXY_CPU" nginx -e "$WORK/$name.err" -p "$WORK" -c "$WORK/$name.conf"
  wait_listening "$name" "$PORT"
  # The worker does the proxying: its memory is the one to measure. It is the master's child.
  for i in $(seq 50); do
    worker=$(pgrep -P "${PID_OF[$name]}" | head -n 1 || true)
    [ -n "$worker" ] && break
    sleep 0.1
  done
  [ -n "$worker" ] || die "$name: nginx's worker process did not appear"
  STARTED+=("$worker")  # stopped with its master; remembered in case the master is killed
  add_target "$name" "$2" "$PORT" "$name" "$4" "$worker"
}

# The built parts from 2 on, in order: "2 3 4 ...".
built_parts() {
  local binary n found=()
  for binary in "$BIN"/rsp-part*; do
    n=${binary##*/rsp-part}
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ -x "$binary" ] && found+=("$n")
  done
  [ ${#found[@]} -gt 0 ] && printf '%s\n' "${found[@]}" | sort -n | tr '\n' ' '
  return 0
}

# Writes part N's config (parts 3 on): write_config N FILE [lua]. Every setting a later part
# adds is optional; we set only what the benchmark needs.
write_config() {
  local n=$1 file=$2
  {
    echo "-- rsp-part$n's config for the benchmark"
    echo "listenPort = 0"
    if [ "$n" -ge 6 ]; then  # parts 6 on balance: over the backend's two ports
      echo "backends = { \"127.0.0.1:$BACKEND_PORT\", \"127.0.0.1:$BACKEND_PORT2\" }"
      echo 'balance = "roundrobin"'
    else
      echo 'backendAddress = "127.0.0.1"'
      echo "backendPort = $BACKEND_PORT"
    fi
    # Parts 5 on close a pair idle this long: far longer than any run, so it never interferes.
    if [ "$n" -ge 5 ]; then echo "idleTimeout = 3600"; fi
    # Parts 7 on: room for the largest run, as HAProxy's maxconn has; and on SIGTERM, let open
    # pairs finish for this long (the benchmark stops it when idle).
    if [ "$n" -ge 7 ]; then
      echo "maxConnections = $((MAX_CLIENTS + 100))"
      echo "shutdownTimeout = 1"
    fi
    if [ "${3:-}" = lua ]; then
      echo "-- Routing in Lua, called for every new client: what does the call cost?"
      echo "function chooseBackend(client) return client.port % #client.backends + 1 end"
    fi
  } >"$file"
}

# start_part N [lua]
start_part() {
  local n=$1 name="part$1" label="rsp-part$1" backends=1
  [ "${2:-}" = lua ] && name+="-lua" label+=" (chooseBackend)"
  [ "$n" -ge 6 ] && backends=2
  if [ "$n" -le 2 ]; then
    start "$name" "$PROXY_CPU" "$BIN/rsp-part$n" 0 127.0.0.1 "$BACKEND_PORT"
  else
    write_config "$n" "$WORK/$name.lua" "${2:-}"
    start "$name" "$PROXY_CPU" "$BIN/rsp-part$n" "$WORK/$name.lua"
  fi
  wait_started "$name"
  add_target "$name" "$label" "$PORT" "$name" "$backends" "${PID_OF[$name]}"
}

# Everything, in the order the rounds visit it. Parts 6 on balance over two backends, so when
# one is built the peers run over two backends too, as rows of their own.
start_targets() {
  local parts n last=""
  parts=$(built_parts)
  start_backend
  start_haproxy haproxy "HAProxy $HAPROXY_VERSION" 16384 1
  start_nginx_stream nginx "nginx $NGINX_VERSION stream" 16k 1
  start_haproxy haproxy-64k "HAProxy $HAPROXY_VERSION (64 KiB buffers)" 65536 1
  start_nginx_stream nginx-64k "nginx $NGINX_VERSION stream (64 KiB buffers)" 64k 1
  note "rsp-part1 is left out: it serves one client at a time and holds each connection until the backend closes it, so wrk's kept-alive connections would wait behind one another"
  [ -n "$parts" ] || note "no rsp-partN from 2 on is built in $BIN"
  for n in $parts; do
    if [ "$n" -lt 6 ]; then start_part "$n"; else last=$n; fi
  done
  if [ -z "$last" ]; then
    note "the two-backend rows are left out: no rsp part that balances (6 on) is built"
    return 0
  fi
  start_haproxy haproxy-2 "HAProxy $HAPROXY_VERSION (2 backends)" 16384 2
  start_nginx_stream nginx-2 "nginx $NGINX_VERSION stream (2 backends)" 16k 2
  for n in $parts; do
    if [ "$n" -ge 6 ]; then start_part "$n"; fi
  done
  start_part "$last" lua
}
