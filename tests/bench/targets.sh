# tests/bench/targets.sh — the benchmark's backend and targets, sourced by run.sh: the nginx
# backend (one worker, two ports, and a third for its counters), and two contests. Relaying
# bytes: the TCP peers (HAProxy mode tcp, nginx stream, each with default and with 64 KiB
# buffers, and over two backends when an rsp part balances) and the rsp parts 2-7. HTTP: the
# HTTP peers (HAProxy mode http, nginx as an HTTP reverse proxy, default and 64 KiB buffers)
# and the rsp parts from 8 on, all with the same two sites on one port. Every rsp-partN from 2
# on that is built takes part, each with the config its part reads. And for the redis modes, a
# redis-server, and the last part from 10 on and nginx + Lua routing by what it says.
#
# It uses run.sh's settings (BIN, WORK, BENCH_DIR, LOAD_CPU, PROXY_CPU, MAX_CLIENTS, SELECTED,
# WANT_TCP, WANT_HTTP, WANT_REDIS) and helpers.

TARGETS=()  # in the order they run
declare -A LABEL PORT_OF PROCESS_OF MEASURED_PID BACKENDS_OF PEER_OF CONTEST_OF ROLE_OF
declare -A REDIS_MODE_OF  # the redis contest's targets: the one mode each runs in

# The first part that reads HTTP: parts from here on are in the HTTP contest.
FIRST_HTTP_PART=8
# The first part whose route(request) may wait on a socket: the redis modes run the last one.
FIRST_REDIS_PART=10

# add_target NAME LABEL PORT PROCESS BACKENDS CONTEST ROLE [PID]: PROCESS is start's name for
# what serves the port, BACKENDS how many backends it balances over (1 or 2), CONTEST tcp, http,
# redis (the redis modes' rows; REDIS_MODE_OF set first) or both (direct), ROLE what the charts make of it (direct, haproxy, nginx, haproxy-64k,
# nginx-64k, part, lua), PID the process whose memory we measure (none for direct). Its "vs
# HAProxy" ratio is taken against the HAProxy row of its contest with as many backends; a redis
# row's, against nginx + Lua in its mode.
add_target() {
  TARGETS+=("$1")
  LABEL[$1]=$2 PORT_OF[$1]=$3 PROCESS_OF[$1]=$4 BACKENDS_OF[$1]=$5 CONTEST_OF[$1]=$6
  ROLE_OF[$1]=$7 MEASURED_PID[$1]=${8:-}
  if [ "$6" = redis ]; then PEER_OF[$1]=nginx-lua${REDIS_MODE_OF[$1]#redis}
  elif [ "$6" = http ]; then PEER_OF[$1]=haproxy-http
  elif [ "$5" = 2 ]; then PEER_OF[$1]=haproxy-2
  else PEER_OF[$1]=haproxy; fi
}

# The second backend's port, or nothing for one backend (render then drops its lines).
second_port() { if [ "$1" = 2 ]; then echo "$BACKEND_PORT2"; fi; }

start_backend() {
  pick_port
  BACKEND_PORT=$PORT
  pick_port
  BACKEND_PORT2=$PORT
  pick_port
  STATUS_PORT=$PORT
  render "$BENCH_DIR/nginx-backend.conf" "$WORK/nginx-backend.conf" DIR="$WORK" \
    PORT="$BACKEND_PORT" PORT2="$BACKEND_PORT2" STATUS_PORT="$STATUS_PORT" \
    CONNECTIONS=$((2 * MAX_CLIENTS + 100))
  start backend "$LOAD_CPU" nginx -e "$WORK/backend.err" -p "$WORK" -c "$WORK/nginx-backend.conf"
  wait_listening backend "$BACKEND_PORT"
  wait_listening backend "$BACKEND_PORT2"
  wait_listening backend "$STATUS_PORT"
  add_target direct "direct" "$BACKEND_PORT" backend 1 both direct
}

# start_haproxy NAME LABEL BUFSIZE BACKENDS ROLE: in TCP mode (haproxy.cfg).
start_haproxy() {
  local name=$1
  pick_port
  render "$BENCH_DIR/haproxy.cfg" "$WORK/$name.cfg" PORT="$PORT" MAXCONN=$((MAX_CLIENTS + 100)) \
    BUFSIZE="$3" BACKEND_PORT="$BACKEND_PORT" BACKEND_PORT2="$(second_port "$4")"
  start "$name" "$PROXY_CPU" haproxy -db -f "$WORK/$name.cfg"
  wait_listening "$name" "$PORT"
  add_target "$name" "$2" "$PORT" "$name" "$4" tcp "$5" "${PID_OF[$name]}"
}

# start_haproxy_http NAME LABEL BUFSIZE ROLE: in HTTP mode, two sites (haproxy-http.cfg).
start_haproxy_http() {
  local name=$1
  pick_port
  render "$BENCH_DIR/haproxy-http.cfg" "$WORK/$name.cfg" PORT="$PORT" \
    MAXCONN=$((MAX_CLIENTS + 100)) BUFSIZE="$3" BACKEND_PORT="$BACKEND_PORT" \
    BACKEND_PORT2="$BACKEND_PORT2"
  start "$name" "$PROXY_CPU" haproxy -db -f "$WORK/$name.cfg"
  wait_listening "$name" "$PORT"
  add_target "$name" "$2" "$PORT" "$name" 1 http "$4" "${PID_OF[$name]}"
}

# Sets WORKER to the worker process of the nginx started as NAME (the master's child): the
# worker does the proxying, so its memory is the one to measure.
find_nginx_worker() {
  local name=$1 i
  WORKER=""
  for i in $(seq 50); do
    WORKER=$(pgrep -P "${PID_OF[$name]}" | head -n 1 || true)
    [ -n "$WORKER" ] && break
    sleep 0.1
  done
  [ -n "$WORKER" ] || die "$name: nginx's worker process did not appear"
  STARTED+=("$WORKER")  # stopped with its master; remembered in case the master is killed
}

# start_nginx_stream NAME LABEL BUFFER BACKENDS ROLE
start_nginx_stream() {
  local name=$1
  pick_port
  render "$BENCH_DIR/nginx-stream.conf" "$WORK/$name.conf" DIR="$WORK" NAME="$name" PORT="$PORT" \
    CONNECTIONS=$((2 * MAX_CLIENTS + 100)) BUFFER="$3" STREAM_MODULE="$STREAM_MODULE" \
    BACKEND_PORT="$BACKEND_PORT" BACKEND_PORT2="$(second_port "$4")"
  start "$name" "$PROXY_CPU" nginx -e "$WORK/$name.err" -p "$WORK" -c "$WORK/$name.conf"
  wait_listening "$name" "$PORT"
  find_nginx_worker "$name"
  add_target "$name" "$2" "$PORT" "$name" "$4" tcp "$5" "$WORKER"
}

# start_nginx_http NAME LABEL BUFFER BUFFERS ROLE: an HTTP reverse proxy, two sites
# (nginx-http.conf); BUFFER is proxy_buffer_size, BUFFERS proxy_buffers ("8 4k").
start_nginx_http() {
  local name=$1
  pick_port
  render "$BENCH_DIR/nginx-http.conf" "$WORK/$name.conf" DIR="$WORK" NAME="$name" PORT="$PORT" \
    CONNECTIONS=$((2 * MAX_CLIENTS + 100)) BUFFER="$3" BUFFERS="$4" \
    BACKEND_PORT="$BACKEND_PORT" BACKEND_PORT2="$BACKEND_PORT2"
  start "$name" "$PROXY_CPU" nginx -e "$WORK/$name.err" -p "$WORK" -c "$WORK/$name.conf"
  wait_listening "$name" "$PORT"
  find_nginx_worker "$name"
  add_target "$name" "$2" "$PORT" "$name" 1 http "$5" "$WORKER"
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
    if [ "$n" -ge "$FIRST_HTTP_PART" ]; then  # HTTP: two sites on one port, as the HTTP peers
      echo "sites = {"
      echo "  [\"a.test\"] = { backends = { \"127.0.0.1:$BACKEND_PORT\" } },"
      echo "  [\"b.test\"] = { backends = { \"127.0.0.1:$BACKEND_PORT2\" } },"
      echo "}"
      echo 'defaultSite = "a.test"  -- wrk says "Host: 127.0.0.1:PORT"'
    elif [ "$n" -ge 6 ]; then  # parts 6 on balance: over the backend's two ports
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
    # Parts 9 on keep idle backend connections, 32 per backend by default (nginx's keepalive 32):
    # with more clients than that in flight, connections are closed and opened again all the
    # time. HAProxy's pool is given room for every client above (tune.pool-*-fd-ratio); rsp
    # gets the same. nginx keeps the issue's keepalive 32: its churn shows in the conns column.
    if [ "$n" -ge 9 ]; then echo "backendKeepalive = $((MAX_CLIENTS + 100))"; fi
    if [ "${3:-}" = lua ]; then
      echo "-- Routing in Lua, called for every new client: what does the call cost?"
      echo "function chooseBackend(client) return client.port % #client.backends + 1 end"
    fi
  } >"$file"
}

# start_part N [lua]
start_part() {
  local n=$1 name="part$1" label="rsp-part$1" backends=1 contest=tcp role=part
  [ "${2:-}" = lua ] && name+="-lua" label+=" (chooseBackend)" role=lua
  [ "$n" -ge 6 ] && backends=2
  [ "$n" -ge "$FIRST_HTTP_PART" ] && backends=1 contest=http
  if [ "$n" -le 2 ]; then
    start "$name" "$PROXY_CPU" "$BIN/rsp-part$n" 0 127.0.0.1 "$BACKEND_PORT"
  else
    write_config "$n" "$WORK/$name.lua" "${2:-}"
    start "$name" "$PROXY_CPU" "$BIN/rsp-part$n" "$WORK/$name.lua"
  fi
  wait_started "$name"
  add_target "$name" "$label" "$PORT" "$name" "$backends" "$contest" "$role" "${PID_OF[$name]}"
}

# The TCP contest: its peers and parts 2-7 (PARTS: the built ones from 2 on). Parts 6 on
# balance over two backends, so when one is built the peers run over two backends too, as rows
# of their own.
start_tcp_targets() {
  local n last=""
  start_haproxy haproxy "HAProxy $HAPROXY_VERSION" 16384 1 haproxy
  start_nginx_stream nginx "nginx $NGINX_VERSION stream" 16k 1 nginx
  start_haproxy haproxy-64k "HAProxy $HAPROXY_VERSION (64 KiB buffers)" 65536 1 haproxy-64k
  start_nginx_stream nginx-64k "nginx $NGINX_VERSION stream (64 KiB buffers)" 64k 1 nginx-64k
  note "rsp-part1 is left out: it serves one client at a time and holds each connection until the backend closes it, so wrk's kept-alive connections would wait behind one another"
  for n in $1; do
    [ "$n" -ge "$FIRST_HTTP_PART" ] && continue
    if [ "$n" -lt 6 ]; then start_part "$n"; else last=$n; fi
  done
  if [ -z "$last" ]; then
    note "the two-backend rows are left out: no rsp part that balances (6 to 7) is built"
    return 0
  fi
  start_haproxy haproxy-2 "HAProxy $HAPROXY_VERSION (2 backends)" 16384 2 haproxy
  start_nginx_stream nginx-2 "nginx $NGINX_VERSION stream (2 backends)" 16k 2 nginx
  for n in $1; do
    if [ "$n" -ge 6 ] && [ "$n" -lt "$FIRST_HTTP_PART" ]; then start_part "$n"; fi
  done
  start_part "$last" lua
}

# The HTTP contest: its peers and the parts from 8 on, over the backend's two ports as sites
# a.test and b.test (the default). nginx's default buffers are 8 × 4 KiB for a reply and 4 KiB
# for its head; HAProxy's 16 KiB per direction. start_http_targets [peers [BEFORE]]: with
# "peers", only the peers with default buffers (and the parts); BEFORE NAME, a command run
# before each target is started (the hostile table gives each a backend of its own).
start_http_targets() {
  local only=${1:-} before=${2:-true} n
  "$before" haproxy-http
  start_haproxy_http haproxy-http "HAProxy $HAPROXY_VERSION http" 16384 haproxy
  "$before" nginx-http
  start_nginx_http nginx-http "nginx $NGINX_VERSION http" 4k "8 4k" nginx
  if [ "$only" != peers ]; then
    start_haproxy_http haproxy-http-64k "HAProxy $HAPROXY_VERSION http (64 KiB buffers)" 65536 \
      haproxy-64k
    start_nginx_http nginx-http-64k "nginx $NGINX_VERSION http (64 KiB buffers)" 64k "4 64k" \
      nginx-64k
  fi
  for n in $(built_parts); do
    [ "$n" -ge "$FIRST_HTTP_PART" ] || continue
    "$before" "part$n"
    start_part "$n"
  done
}

# Everything, in the order the rounds visit it: direct, then each contest the selected modes
# need (WANT_TCP, WANT_HTTP, WANT_REDIS) and that has an rsp part built; with no part built at all, the
# TCP peers alone, as a look at them.
start_targets() {
  local parts n tcp="" http=""
  parts=$(built_parts)
  for n in $parts; do
    if [ "$n" -ge "$FIRST_HTTP_PART" ]; then http=yes; else tcp=yes; fi
  done
  [ -n "$parts" ] || { note "no rsp-partN from 2 on is built in $BIN"; tcp=yes; }
  start_backend
  if [ -n "$WANT_TCP" ] && [ -n "$tcp" ]; then start_tcp_targets "$parts"; fi
  if [ -n "$WANT_TCP" ] && [ -z "$tcp" ]; then
    note "the TCP contest (HAProxy mode tcp, nginx stream) is left out: no rsp part from 2 to 7 is built in $BIN"
  fi
  if [ -n "$WANT_HTTP" ] && [ -n "$http" ]; then start_http_targets; fi
  if [ -n "$WANT_HTTP" ] && [ -z "$http" ]; then
    note "the HTTP contest (HAProxy mode http, nginx http) is left out: no rsp part from $FIRST_HTTP_PART on is built in $BIN"
  fi
  if [ -n "$WANT_REDIS" ]; then start_redis_targets; fi  # run.sh has checked redis_missing
  return 0
}

# --- The redis modes: part 10 on against nginx + Lua, both asking a Redis --------------------

# Prints why the redis modes cannot run, or nothing when they can: a part from 10 on built in
# BIN, its folder's redis.lua, redis-server and redis-cli, and nginx's Lua module (Debian:
# libnginx-mod-http-lua, with the NDK module it needs). Sets REDIS_PART, REDIS_LUA, NDK_MODULE
# and LUA_MODULE (for the caller only when not called in $(...): start_redis_targets calls it
# again).
redis_missing() {
  local n folder
  REDIS_PART="" REDIS_LUA="" NDK_MODULE="" LUA_MODULE=""
  for n in $(built_parts); do [ "$n" -ge "$FIRST_REDIS_PART" ] && REDIS_PART=$n; done
  [ -n "$REDIS_PART" ] || { echo "no rsp-part$FIRST_REDIS_PART or later is built in $BIN"; return 0; }
  for folder in part"$REDIS_PART"-*/; do
    [ -f "$folder/redis.lua" ] && REDIS_LUA=$PWD/${folder%/}/redis.lua
  done
  [ -n "$REDIS_LUA" ] ||
    { echo "there is no part$REDIS_PART-*/redis.lua for rsp-part$REDIS_PART's config to require"; return 0; }
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "redis-server or redis-cli is missing (Debian: redis-server; ./tutorial bench installs it)"
    return 0
  fi
  for folder in /usr/lib/nginx/modules /usr/lib64/nginx/modules /usr/share/nginx/modules; do
    [ -f "$folder/ngx_http_lua_module.so" ] || continue
    LUA_MODULE=$folder/ngx_http_lua_module.so
    [ -f "$folder/ndk_http_module.so" ] && NDK_MODULE=$folder/ndk_http_module.so
    break
  done
  if [ -z "$LUA_MODULE" ] || [ -z "$NDK_MODULE" ]; then
    echo "nginx's Lua module is missing (Debian: libnginx-mod-http-lua; ./tutorial bench installs it)"
  fi
  return 0
}

# Redis's count of GET commands so far (every lookup is one GET); 0 if it does not answer.
redis_gets() {
  local calls
  calls=$(timeout 5 redis-cli -p "$REDIS_PORT" info commandstats 2>/dev/null |
    sed -n 's/^cmdstat_get:calls=\([0-9]*\),.*/\1/p')
  echo "${calls:-0}"
}

# Writes the last part's config for a redis mode: write_redis_config N FILE CACHE_SECONDS. As
# part 10's sample (part10-lua-waits/rsp.lua), route(request) asks Redis for site:<host> and
# keeps each answer CACHE_SECONDS (0: never, so every request asks). Only a.test is a site, so
# that a request for b.test reaches the backend's second port only if Redis was asked (run.sh
# checks it). The backends route names ("host:port") are pooled with the top level's settings:
# room for every client, as nginx + Lua's keepalive has.
write_redis_config() {
  local n=$1 file=$2 cache=$3
  cat >"$file" <<CONFIG
-- rsp-part$n's config for the benchmark's redis modes: route(request) as in part 10's rsp.lua
listenPort = 0
sites = { ["a.test"] = { backends = { "127.0.0.1:$BACKEND_PORT" } } }
defaultSite = "a.test"  -- what a request goes by when Redis does not answer
idleTimeout = 3600
maxConnections = $((MAX_CLIENTS + 100))
shutdownTimeout = 1
backendKeepalive = $((MAX_CLIENTS + 100))

local redis = require "redis"  -- the part's redis.lua, copied beside this file
local server = { host = "127.0.0.1", port = $REDIS_PORT, timeout = 500 }
local cacheSeconds = $cache
local cache, cached = {}, 0

function route(request)
  local hit = cache[request.host]
  if hit and hit.expires > rsp.now() then return hit.backend or nil end
  local backend, err = redis.call(server, "GET", "site:" .. request.host)
  if err then return nil end
  if cached >= 10000 then cache, cached = {}, 0 end
  cached = cached + 1
  cache[request.host] = { backend = backend or false, expires = rsp.now() + cacheSeconds }
  return backend
end
CONFIG
}

# start_nginx_lua NAME LABEL CACHE_SECONDS MODE: nginx + Lua doing the same lookup
# (nginx-lua-redis.conf), with the same redis.lua.
start_nginx_lua() {
  local name=$1
  REDIS_MODE_OF[$name]=$4
  pick_port
  render "$BENCH_DIR/nginx-lua-redis.conf" "$WORK/$name.conf" DIR="$WORK" NAME="$name" \
    PORT="$PORT" CONNECTIONS=$((2 * MAX_CLIENTS + 100)) REDIS_PORT="$REDIS_PORT" \
    CACHE_SECONDS="$3" DEFAULT_BACKEND="127.0.0.1:$BACKEND_PORT" RSP_DIR="$WORK/lua" \
    NDK_MODULE="$NDK_MODULE" LUA_MODULE="$LUA_MODULE" KEEPALIVE=$((MAX_CLIENTS + 100))
  start "$name" "$PROXY_CPU" nginx -e "$WORK/$name.err" -p "$WORK" -c "$WORK/$name.conf"
  wait_listening "$name" "$PORT"
  find_nginx_worker "$name"
  add_target "$name" "$2" "$PORT" "$name" 1 redis nginx "$WORKER"
}

# start_redis_part N NAME LABEL CACHE_SECONDS MODE
start_redis_part() {
  local n=$1 name=$2
  REDIS_MODE_OF[$name]=$5
  write_redis_config "$n" "$WORK/lua/$name.lua" "$4"
  start "$name" "$PROXY_CPU" "$BIN/rsp-part$n" "$WORK/lua/$name.lua"
  wait_started "$name"
  add_target "$name" "$3" "$PORT" "$name" 1 redis part "${PID_OF[$name]}"
}

# A redis-server on a free loopback port, on the load's CPU as the backend is (and without
# disk: no snapshots, no append-only file), with site:a.test and site:b.test naming the
# backend's two ports; then, for each selected redis mode, nginx + Lua and the last part from
# 10 on, both with the answers cached 5 s (redis) or not at all (redis-cold).
start_redis_targets() {
  redis_missing >/dev/null
  mkdir -p "$WORK/lua" "$WORK/redis"
  cp "$REDIS_LUA" "$WORK/lua/redis.lua"
  pick_port
  REDIS_PORT=$PORT
  start redis "$LOAD_CPU" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK/redis" \
    --save '' --appendonly no --maxclients $((MAX_CLIENTS + 1000))
  wait_listening redis "$REDIS_PORT"
  timeout 5 redis-cli -p "$REDIS_PORT" set site:a.test "127.0.0.1:$BACKEND_PORT" >/dev/null &&
    timeout 5 redis-cli -p "$REDIS_PORT" set site:b.test "127.0.0.1:$BACKEND_PORT2" >/dev/null ||
    die "redis-server on port $REDIS_PORT did not take the site keys: $(tail -n 2 "$WORK/redis.out")"
  REDIS_VERSION=$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
  if [[ " ${SELECTED[*]} " == *" redis "* ]]; then
    start_nginx_lua nginx-lua "nginx $NGINX_VERSION + Lua (cache hot)" 5 redis
    start_redis_part "$REDIS_PART" "part$REDIS_PART-redis" "rsp-part$REDIS_PART (cache hot)" 5 redis
  fi
  if [[ " ${SELECTED[*]} " == *" redis-cold "* ]]; then
    start_nginx_lua nginx-lua-cold "nginx $NGINX_VERSION + Lua (cache cold)" 0 redis-cold
    start_redis_part "$REDIS_PART" "part$REDIS_PART-redis-cold" "rsp-part$REDIS_PART (cache cold)" \
      0 redis-cold
  fi
}
