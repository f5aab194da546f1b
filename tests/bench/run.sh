#!/usr/bin/env bash
# tests/bench/run.sh — the benchmark behind `./tutorial bench` (see tests/bench/README.md).
#
# On 127.0.0.1 only, with everything in a temporary directory, it starts an nginx backend, the
# two peers (HAProxy in TCP mode, nginx's stream module) and whichever of rsp-part2..4 are
# built; measures each proxy's memory while 20 slow clients download a large file through it;
# then runs interleaved rounds of wrk through each of them and straight to the backend. It
# prints a table and writes build/bench/results.md, throughput.png and the raw numbers.
#
# Every process it starts is remembered by PID and stopped when it exits, however it exits
# (also on Ctrl-C); it never touches a process it did not start. `./tutorial bench` installs
# the packages and builds first; run this directly only when both are done.
set -Eeuo pipefail
trap 'echo "bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/../.."
BENCH_DIR=tests/bench

usage() {
  cat <<'USAGE'
Usage: ./tutorial bench [--quick] [--rounds N] [--duration SECONDS] [--bin DIR] [--out DIR]

  --quick          a quick look while developing (2 rounds of 1 s, faster slow clients)
  --rounds N       interleaved rounds: every target once per round, in turn (default 5)
  --duration S     seconds of each wrk run (default 4)
  --bin DIR        where rsp-partN and rsp-bench-helper are (default build/bin)
  --out DIR        where results.md, rounds.tsv and throughput.png go (default build/bench)

The same settings can come from the environment: BENCH_ROUNDS, BENCH_DURATION.
USAGE
}

# --- Settings ---------------------------------------------------------------------------------

ROUNDS=${BENCH_ROUNDS:-5}
DURATION=${BENCH_DURATION:-4}
BIN=build/bin
OUT=build/bench
SMALL_BYTES=100 SMALL_CONNECTIONS=50
LARGE_BYTES=$((1024 * 1024)) LARGE_CONNECTIONS=20
HUGE_BYTES=$((11 * 1024 * 1024))  # what each slow client downloads
SLOW_CLIENTS=20
SLOW_RATE=2000000                  # bytes per second each slow client reads
SLOW_RCVBUF=16384                  # and its receive buffer
QUICK=no
ARGS="$*"

while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=yes ROUNDS=2 DURATION=1 SLOW_RATE=4000000 ;;
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
    --duration) DURATION=${2:?--duration needs a number of seconds}; shift ;;
    --bin) BIN=${2:?--bin needs a directory}; shift ;;
    --out) OUT=${2:?--out needs a directory}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench: --rounds must be a positive number" >&2; exit 2; }
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || { echo "bench: --duration must be a whole number of seconds" >&2; exit 2; }

say() { echo "==> $*"; }
note() { echo "    $*"; NOTES+=("$*"); }
die() { echo "bench: $*" >&2; exit 1; }
NOTES=()

for tool in nginx haproxy wrk gnuplot taskset ss pgrep timeout; do
  command -v "$tool" >/dev/null || die "$tool is missing (./tutorial bench installs it)"
done
[ -x "$BIN/rsp-bench-helper" ] || die "$BIN/rsp-bench-helper is missing (./tutorial bench builds it)"

# --- The processes we start, and stopping them ------------------------------------------------

STARTED=()  # every PID this script started and has not stopped yet
WORK=""     # the temporary directory

stop_pids() {  # SIGTERM, up to 5 s to go, then SIGKILL; only PIDs from STARTED are ever passed
  local pid alive=() i
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null && alive+=("$pid"); done
  for i in $(seq 50); do
    local still=()
    for pid in "${alive[@]}"; do kill -0 "$pid" 2>/dev/null && still+=("$pid"); done
    alive=("${still[@]}")
    [ ${#alive[@]} -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${alive[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait "$@" 2>/dev/null || true
}

forget() {  # drops a PID from STARTED once it has been stopped or has finished
  local pid kept=()
  for pid in "${STARTED[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  STARTED=("${kept[@]}")
}

stop_all() {
  [ ${#STARTED[@]} -eq 0 ] && return 0
  # Newest first: the load and the proxies go before the backend they talk to.
  local reversed=() i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do reversed+=("${STARTED[i]}"); done
  stop_pids "${reversed[@]}"
  STARTED=()
}

cleanup() {
  trap - EXIT INT TERM
  stop_all
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
  WORK=""
}
trap cleanup EXIT
trap 'echo; echo "bench: interrupted, stopping what it started" >&2; cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

WORK=$(mktemp -d /tmp/rsp-bench.XXXXXX)

# Starts a long-running program in the background: start NAME CPU COMMAND...
# Its output goes to $WORK/NAME.out and NAME.err; its PID is remembered in STARTED and in
# PID_OF[NAME]. taskset pins it to CPU and then becomes the program, so the PID is the program's.
declare -A PID_OF
start() {
  local name=$1 cpu=$2
  shift 2
  taskset -c "$cpu" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
  STARTED+=($!)
  PID_OF[$name]=$!
}

# Runs a command that must finish by itself, in the background so that Ctrl-C is handled at
# once, and never for longer than LIMIT seconds: bounded LIMIT OUTPUT COMMAND... runs COMMAND
# with its stdout and stderr in the file OUTPUT and returns its exit status. (The redirection is
# here rather than on the call, so that the Ctrl-C trap, which runs inside, can still talk.)
bounded() {
  local limit=$1 output=$2 pid status=0
  shift 2
  timeout -k 5 "$limit" "$@" >"$output" 2>&1 &
  pid=$!
  STARTED+=("$pid")
  wait "$pid" || status=$?
  forget "$pid"
  return "$status"
}

# Fails with the program's own error output if it is no longer running.
check_alive() {
  local name=$1
  kill -0 "${PID_OF[$name]}" 2>/dev/null && return 0
  echo "bench: $name exited; what it said:" >&2
  sed 's/^/    /' "$WORK/$name.err" "$WORK/$name.out" >&2 2>/dev/null || true
  exit 1
}

# After a run: is TARGET's process still there? An rsp part that died is noted and left out of
# the later runs (GONE), so that one crashing part does not cost the whole benchmark; the
# backend or a peer dying ends it.
declare -A GONE
still_there() {
  local target=$1 process=${PROCESS_OF[$1]}
  kill -0 "${PID_OF[$process]}" 2>/dev/null && return 0
  [[ $target == part* ]] || check_alive "$process"
  GONE[$target]=1
  note "${LABEL[$target]} exited during the $2; it said: $(tail -n 3 "$WORK/$process.err" | tr '\n' ' ')"
  return 1
}

# Waits (up to 10 s) until something listens on 127.0.0.1:PORT.
wait_listening() {
  local name=$1 port=$2 i
  for i in $(seq 100); do
    check_alive "$name"
    [ -n "$(ss -Htln "sport = :$port")" ] && return 0
    sleep 0.1
  done
  die "$name does not listen on port $port after 10 s"
}

# Waits (up to 10 s) for an rsp part's "Started. Listening on port N." and sets PORT to N.
wait_started() {
  local name=$1 i
  for i in $(seq 100); do
    check_alive "$name"
    if grep -q '^Started. Listening on port [0-9]*\.$' "$WORK/$name.out"; then
      PORT=$(sed -n 's/^Started. Listening on port \([0-9]*\)\.$/\1/p' "$WORK/$name.out" | head -n 1)
      return 0
    fi
    sleep 0.1
  done
  die "$name printed no \"Started. Listening on port N.\" line after 10 s"
}

# nginx and HAProxy need a port in their config: take one from below Linux's ephemeral range
# (32768+, where wrk's own connections get theirs) that nothing uses and we have not handed out.
TAKEN_PORTS=" "
pick_port() {  # sets PORT
  local in_use try
  in_use=" $(ss -Htan | awk '{ n = split($4, a, ":"); printf "%s ", a[n] }')"
  for try in $(seq 200); do
    PORT=$((20000 + RANDOM % 12000))
    [[ $in_use == *" $PORT "* || $TAKEN_PORTS == *" $PORT "* ]] && continue
    TAKEN_PORTS+="$PORT "
    return 0
  done
  die "found no free port between 20000 and 32000"
}

# Fills in a config template's @NAME@ placeholders: render TEMPLATE OUTPUT NAME=VALUE...
render() {
  local template=$1 output=$2 pair script=""
  shift 2
  for pair in "$@"; do script+="s|@${pair%%=*}@|${pair#*=}|g;"; done
  sed "$script" "$template" >"$output"
}

# /proc/PID/status fields, in KiB.
# Prints nothing if the process is gone.
status_kib() { awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# --- The machine, and where the processes go ---------------------------------------------------

# The CPUs we may use (Cpus_allowed_list, e.g. "0-1" or "2,5-7"), expanded to a list.
cpus=()
IFS=, read -ra ranges <<<"$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)"
for range in "${ranges[@]}"; do
  if [[ $range == *-* ]]; then cpus+=($(seq "${range%-*}" "${range#*-}")); else cpus+=("$range"); fi
done
LOAD_CPU=${cpus[0]}
PROXY_CPU=${cpus[1]:-${cpus[0]}}
[ ${#cpus[@]} -ge 2 ] || note "only one CPU: the proxies share it with wrk and the backend"

NGINX_VERSION=$(nginx -v 2>&1 | sed 's|.*nginx/||')
HAPROXY_VERSION=$(haproxy -v | awk 'NR == 1 { print $3 }')
WRK_VERSION=$( (wrk -v 2>&1 || true) | awk 'NR == 1 { sub("^debian/", "", $2); print $2 }')
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
CORES=$(nproc --all)
KERNEL=$(uname -sr)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git describe --always --dirty 2>/dev/null || echo unknown)

# nginx's stream module: a dynamic module on Debian (libnginx-mod-stream), built in elsewhere.
STREAM_MODULE=""
if ! nginx -V 2>&1 | grep -q -- '--with-stream\( \|$\)'; then
  for candidate in /usr/lib/nginx/modules/ngx_stream_module.so /usr/lib64/nginx/modules/ngx_stream_module.so \
    /usr/share/nginx/modules/ngx_stream_module.so; do
    [ -f "$candidate" ] && STREAM_MODULE=$candidate && break
  done
  [ -n "$STREAM_MODULE" ] || die "nginx's stream module is missing (Debian: libnginx-mod-stream)"
fi

# --- Starting the backend and the targets ------------------------------------------------------

TARGETS=()              # in the order they run in each round
declare -A LABEL PORT_OF PROCESS_OF MEASURED_PID
# add_target NAME LABEL PORT PROCESS [PID]: PROCESS is start's name for what serves the port,
# PID the process whose memory we measure (none for direct).
add_target() {
  TARGETS+=("$1")
  LABEL[$1]=$2 PORT_OF[$1]=$3 PROCESS_OF[$1]=$4 MEASURED_PID[$1]=${5:-}
}

say "Setting up in $WORK (proxies on CPU $PROXY_CPU; wrk and the backend on CPU $LOAD_CPU)"
mkdir -p "$WORK/www" "$WORK/tmp"
chmod 755 "$WORK"  # run as root, nginx's workers switch to an unprivileged user that must read www/
"$BIN/rsp-bench-helper" pattern "$WORK/www/small" "$SMALL_BYTES"
"$BIN/rsp-bench-helper" pattern "$WORK/www/large" "$LARGE_BYTES"
"$BIN/rsp-bench-helper" pattern "$WORK/www/huge" "$HUGE_BYTES"

pick_port
BACKEND_PORT=$PORT
render "$BENCH_DIR/nginx-backend.conf" "$WORK/nginx-backend.conf" DIR="$WORK" PORT="$BACKEND_PORT"
start backend "$LOAD_CPU" nginx -e "$WORK/backend.err" -p "$WORK" -c "$WORK/nginx-backend.conf"
wait_listening backend "$BACKEND_PORT"
add_target direct "direct" "$BACKEND_PORT" backend

pick_port
render "$BENCH_DIR/haproxy.cfg" "$WORK/haproxy.cfg" PORT="$PORT" BACKEND_PORT="$BACKEND_PORT"
start haproxy "$PROXY_CPU" haproxy -db -f "$WORK/haproxy.cfg"
wait_listening haproxy "$PORT"
add_target haproxy "HAProxy ${HAPROXY_VERSION%%-*}" "$PORT" haproxy "${PID_OF[haproxy]}"

pick_port
render "$BENCH_DIR/nginx-stream.conf" "$WORK/nginx-stream.conf" DIR="$WORK" PORT="$PORT" \
  BACKEND_PORT="$BACKEND_PORT" STREAM_MODULE="$STREAM_MODULE"
[ -n "$STREAM_MODULE" ] || sed -i '/^load_module/d' "$WORK/nginx-stream.conf"
start nginx-stream "$PROXY_CPU" nginx -e "$WORK/stream.err" -p "$WORK" -c "$WORK/nginx-stream.conf"
wait_listening nginx-stream "$PORT"
# The worker does the proxying: its memory is the one to measure. It is the master's child.
stream_worker=""
for i in $(seq 50); do
  stream_worker=$(pgrep -P "${PID_OF[nginx-stream]}" | head -n 1 || true)
  [ -n "$stream_worker" ] && break
  sleep 0.1
done
[ -n "$stream_worker" ] || die "nginx stream's worker process did not appear"
STARTED+=("$stream_worker")  # stopped with its master; remembered in case the master is killed
add_target nginx-stream "nginx ${NGINX_VERSION} stream" "$PORT" nginx-stream "$stream_worker"

note "rsp-part1 is left out: it serves one client at a time and holds each connection until the backend closes it, so wrk's 50 keep-alive connections would wait behind one another"
for n in 2 3 4; do
  binary="$BIN/rsp-part$n"
  if [ ! -x "$binary" ]; then
    note "rsp-part$n is left out: $binary is not built"
    continue
  fi
  if [ "$n" -le 2 ]; then
    start "part$n" "$PROXY_CPU" "$binary" 0 127.0.0.1 "$BACKEND_PORT"
  else
    cat >"$WORK/part$n.lua" <<LUA
-- rsp-part$n's config for the benchmark
listenPort = 0
backendAddress = "127.0.0.1"
backendPort = $BACKEND_PORT
LUA
    start "part$n" "$PROXY_CPU" "$binary" "$WORK/part$n.lua"
  fi
  wait_started "part$n"
  add_target "part$n" "rsp-part$n" "$PORT" "part$n" "${PID_OF[part$n]}"
done

# One request through each target before any load: a broken setup fails here, clearly.
for target in "${TARGETS[@]}"; do
  bounded 15 "$WORK/check.out" "$BIN/rsp-bench-helper" fetch "${PORT_OF[$target]}" /small --deadline-ms 5000 ||
    die "${LABEL[$target]} (port ${PORT_OF[$target]}) did not serve /small intact: $(cat "$WORK/check.out")"
done

# --- Memory: 20 slow clients downloading a large file through each proxy ---------------------
# First, while the proxies are fresh: after the throughput rounds their buffer pools and heaps
# would already hold what 50 busy connections needed, and the growth would read as zero.

printf 'target\trss_before_kib\tpeak_kib\tintact\tclients\tseconds\n' >"$WORK/memory.tsv"
huge_mib=$((HUGE_BYTES / 1024 / 1024))
expected_s=$((HUGE_BYTES / SLOW_RATE + 1))
deadline_s=$((2 * expected_s + 10))
say "Memory: $SLOW_CLIENTS clients each download $huge_mib MiB at $(awk -v r="$SLOW_RATE" 'BEGIN { print r / 1e6 }') MB/s" \
  "(about $expected_s s per proxy, at most $deadline_s s)"
# measure_memory TARGET: RSS before, the slow clients, the peak; appends a line to memory.tsv.
measure_memory() {
  local target=$1 pid=${MEASURED_PID[$1]} before peak rss hwm clients_pid intact started=$SECONDS
  before=$(status_kib "$pid" VmRSS)
  [ -n "$before" ] || return 0  # gone already: still_there says so below
  # Writing 5 to clear_refs resets VmHWM (the peak so far) to the current RSS, so that VmHWM
  # afterwards is the peak during this measurement. Where the kernel does not allow it, the
  # peak of VmRSS sampled every 0.1 s is what we report.
  local hwm_reset=no
  echo 5 2>/dev/null >"/proc/$pid/clear_refs" && hwm_reset=yes
  timeout -k 5 $((deadline_s + 10)) taskset -c "$LOAD_CPU" "$BIN/rsp-bench-helper" fetch \
    "${PORT_OF[$target]}" /huge --clients "$SLOW_CLIENTS" --rate "$SLOW_RATE" \
    --rcvbuf "$SLOW_RCVBUF" --deadline-ms $((deadline_s * 1000)) >"$WORK/slow.out" 2>"$WORK/slow.err" &
  clients_pid=$!
  STARTED+=("$clients_pid")
  peak=$before
  while kill -0 "$clients_pid" 2>/dev/null; do
    rss=$(status_kib "$pid" VmRSS)
    [ -n "$rss" ] && [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 0.1
  done
  wait "$clients_pid" || true
  forget "$clients_pid"
  if [ "$hwm_reset" = yes ]; then
    hwm=$(status_kib "$pid" VmHWM)
    [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
  fi
  intact=$(awk '{ print $4 }' "$WORK/slow.out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$before" "$peak" "${intact:-0}" "$SLOW_CLIENTS" \
    $((SECONDS - started)) >>"$WORK/memory.tsv"
  printf '    %-22s RSS %6.1f MiB, peak %6.1f MiB; %s of %s clients got every byte\n' \
    "${LABEL[$target]}" "$(awk -v k="$before" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$peak" 'BEGIN { print k / 1024 }')" "${intact:-0}" "$SLOW_CLIENTS"
}

for target in "${TARGETS[@]}"; do
  [ "$target" = direct ] && continue
  measure_memory "$target"
  still_there "$target" "memory measurement" || true
done

# --- Throughput: interleaved rounds of wrk --------------------------------------------------

# Converts wrk's "635.00us", "1.20ms", "2.00s" to milliseconds.
WRK_AWK='
  function ms(v) {
    if (v ~ /us$/) return v / 1000
    if (v ~ /ms$/) return v + 0
    if (v ~ /m$/) return v * 60000
    if (v ~ /s$/) return v * 1000
    return "NA"
  }
  /^Requests\/sec:/ { rps = $2 }
  /Latency Distribution/ { dist = 1 }
  dist && $1 == "50%" { p50 = ms($2) }
  dist && $1 == "99%" { p99 = ms($2) }
  /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
  /Non-2xx or 3xx responses:/ { errors += $NF }
  END {
    if (rps == "") { rps = "NA"; p50 = "NA"; p99 = "NA" }
    printf "%s\t%s\t%s\t%d\n", rps, p50, p99, errors
  }'

# One wrk run: run_wrk ROUND TARGET SIZE; appends a line to rounds.tsv and sets RPS.
# (It sets a variable rather than printing: a $(...) subshell would hide wrk's PID from us.)
run_wrk() {
  local round=$1 target=$2 size=$3 connections
  [ "$size" = small ] && connections=$SMALL_CONNECTIONS || connections=$LARGE_CONNECTIONS
  bounded $((DURATION + 20)) "$WORK/wrk.out" taskset -c "$LOAD_CPU" wrk -t1 -c"$connections" \
    -d"${DURATION}s" --timeout 2s --latency "http://127.0.0.1:${PORT_OF[$target]}/$size" || true
  local line
  line=$(awk "$WRK_AWK" "$WORK/wrk.out")
  printf '%s\t%s\t%s\t%s\n' "$round" "$target" "$size" "$line" >>"$WORK/rounds.tsv"
  RPS=${line%%$'\t'*}
}

printf 'round\ttarget\tsize\trps\tp50_ms\tp99_ms\terrors\n' >"$WORK/rounds.tsv"
runs=$((ROUNDS * ${#TARGETS[@]} * 2))
say "Throughput: $ROUNDS rounds × ${#TARGETS[@]} targets × 2 sizes × ${DURATION} s ≈ $((runs * DURATION)) s"
for round in $(seq "$ROUNDS"); do
  for target in "${TARGETS[@]}"; do
    [ -n "${GONE[$target]:-}" ] && continue
    run_wrk "$round" "$target" small
    small=$RPS
    run_wrk "$round" "$target" large
    printf '    round %d/%d  %-22s small %9.0f req/s   large %7.0f req/s\n' \
      "$round" "$ROUNDS" "${LABEL[$target]}" "${small/NA/0}" "${RPS/NA/0}"
    still_there "$target" "round $round of the throughput runs" || true
  done
done

say "Stopping what the benchmark started"
stop_all

# --- Results: summary, table, results.md, chart ----------------------------------------------

mkdir -p "$OUT"
rm -f "$OUT/results.md" "$OUT/throughput.png" "$OUT/chart.dat" "$OUT/summary.tsv"
cp "$WORK/rounds.tsv" "$WORK/memory.tsv" "$OUT/"
labels=""
for target in "${TARGETS[@]}"; do labels+="$target=${LABEL[$target]};"; done

# summary.tsv: per target and size, the medians over the rounds; ratios are per round first
# (target ÷ direct, target ÷ HAProxy in the same round), then their median.
awk -F'\t' -v OFS='\t' -f "$BENCH_DIR/summary.awk" "$OUT/rounds.tsv" >"$OUT/summary.tsv"

awk -F'\t' -v labels="$labels" -v format=text -v rounds="$ROUNDS" -v duration="$DURATION" \
  -v small_conn="$SMALL_CONNECTIONS" -v large_conn="$LARGE_CONNECTIONS" \
  -v slow="$SLOW_CLIENTS" -v huge_mib="$huge_mib" -v rate="$SLOW_RATE" -v rcvbuf="$SLOW_RCVBUF" \
  -f "$BENCH_DIR/tables.awk" "$OUT/summary.tsv" "$OUT/memory.tsv" >"$WORK/tables.txt"
awk -F'\t' -v labels="$labels" -v format=markdown -v rounds="$ROUNDS" -v duration="$DURATION" \
  -v small_conn="$SMALL_CONNECTIONS" -v large_conn="$LARGE_CONNECTIONS" \
  -v slow="$SLOW_CLIENTS" -v huge_mib="$huge_mib" -v rate="$SLOW_RATE" -v rcvbuf="$SLOW_RCVBUF" \
  -f "$BENCH_DIR/tables.awk" "$OUT/summary.tsv" "$OUT/memory.tsv" >"$WORK/tables.md"

# The chart's data: one line per proxy, "label" small large (req/s relative to direct).
for target in "${TARGETS[@]}"; do
  [ "$target" = direct ] && continue
  awk -F'\t' -v t="$target" -v label="${LABEL[$target]}" '
    $1 == t { ratio[$2] = $6; found = 1 }
    END { if (found) printf "\"%s\"\t%s\t%s\n", label, ratio["small"], ratio["large"] }' \
    "$OUT/summary.tsv"
done >"$OUT/chart.dat"
gnuplot -e "datafile='$OUT/chart.dat'; outfile='$OUT/throughput.png'; rounds=$ROUNDS" \
  "$BENCH_DIR/throughput.gp" 2>"$WORK/gnuplot.err" || note "gnuplot failed: $(head -n 3 "$WORK/gnuplot.err")"

{
  echo "# rsp benchmark: $DATE"
  echo
  echo -n "\`./tutorial bench${ARGS:+ $ARGS}\` on commit \`$COMMIT\`"
  if [ "$QUICK" = yes ]; then echo " (quick mode: a look while developing, not a result)."; else echo "."; fi
  echo
  echo "## Machine"
  echo
  echo "- CPU: $CPU_MODEL, $CORES cores (proxies pinned to CPU $PROXY_CPU; wrk, the backend and the slow clients to CPU $LOAD_CPU)"
  echo "- Kernel: $KERNEL"
  echo "- nginx $NGINX_VERSION (backend, and the stream peer), HAProxy $HAPROXY_VERSION, wrk $WRK_VERSION"
  echo
  cat "$WORK/tables.md"
  echo
  echo "![Requests per second relative to a direct connection](throughput.png)"
  if [ ${#NOTES[@]} -gt 0 ]; then
    echo
    echo "## Notes"
    echo
    for line in "${NOTES[@]}"; do echo "- $line"; done
  fi
  echo
  echo "Every round's numbers are in \`rounds.tsv\`, the memory runs in \`memory.tsv\`; how to read"
  echo "them: \`tests/bench/README.md\`."
} >"$OUT/results.md"

echo
cat "$WORK/tables.txt"
echo
say "Wrote $OUT/results.md, $OUT/throughput.png and the raw numbers ($OUT/rounds.tsv, memory.tsv)"
