#!/usr/bin/env bash
# tests/bench/run.sh — the benchmark behind `./tutorial bench` (see tests/bench/README.md).
#
# On 127.0.0.1 only, with everything in a temporary directory, it starts an nginx backend,
# whichever of rsp-part2, rsp-part3 ... are built, and their peers (targets.sh): for parts 2-7,
# which relay bytes, HAProxy in TCP mode and nginx's stream module; for parts 8 on, which read
# HTTP, HAProxy in HTTP mode and nginx as an HTTP reverse proxy. It measures each proxy's
# memory while 20 slow clients download a large file through it; then runs interleaved rounds
# of wrk through each of them and straight to the backend, in several modes: kept-alive small
# and large replies, a new connection per request, thousands of kept-alive clients, and (HTTP
# only) two sites on one port; and, when part 10 or later is built, routing by what a Redis
# says, against nginx + Lua doing the same lookup; the backend counts the connections it
# accepts. Last, it sends
# part 8's table of hostile requests to every HTTP target. It prints the tables and writes
# build/bench/results.md, three charts and the raw numbers.
#
# Every process it starts is remembered by PID and stopped when it exits, however it exits
# (also on Ctrl-C); it never touches a process it did not start (processes.sh). `./tutorial
# bench` installs the packages and builds first; run this directly only when both are done.
set -Eeuo pipefail
trap 'echo "bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/../.."
BENCH_DIR=tests/bench

usage() {
  cat <<'USAGE'
Usage: ./tutorial bench [--quick] [--rounds N] [--duration SECONDS] [--modes LIST]
                        [--bin DIR] [--out DIR]

  --quick          a look while developing: 1 round of 2 s per run, faster slow clients
                   (about 5 minutes with parts 2-7 built, 7 with parts 2-8)
  --rounds N       interleaved rounds: every target once per mode, in turn (default 4)
  --duration S     seconds of each wrk run (default 3)
  --modes LIST     which of small,large,close,c500,c2000,c5000,sites,redis,redis-cold,hostile
                   to run (default: all; sites and hostile are for the HTTP parts, 8 on;
                   redis and redis-cold for part 10 on, with redis-server and nginx's Lua module)
  --bin DIR        where rsp-partN and rsp-bench-helper are (default build/bin)
  --out DIR        where results.md, the charts and the raw numbers go (default build/bench)

The full run takes about 35 minutes with parts 2-10 built (38 at 97e867f, 2026-12-02), on two
cores: it prints each run as it goes, and an estimate before it starts.
The same settings can come from the environment: BENCH_ROUNDS, BENCH_DURATION, BENCH_MODES.
USAGE
}

# --- Settings ---------------------------------------------------------------------------------

ROUNDS=${BENCH_ROUNDS:-4}
DURATION=${BENCH_DURATION:-3}
MODES=${BENCH_MODES:-small,large,close,c500,c2000,c5000,sites,redis,redis-cold,hostile}
BIN=build/bin
OUT=build/bench
HUGE_BYTES=$((11 * 1024 * 1024))  # what each slow client downloads
SLOW_CLIENTS=20
SLOW_RATE=2000000                  # bytes per second each slow client reads
SLOW_RCVBUF=16384                  # and its receive buffer
WRK_TIMEOUT=2                      # seconds: a request slower than this is a wrk time-out
QUICK=no
ARGS="$*"

while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=yes ROUNDS=1 DURATION=2 SLOW_RATE=4000000 ;;
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
    --duration) DURATION=${2:?--duration needs a number of seconds}; shift ;;
    --modes) MODES=${2:?--modes needs a list such as small,close}; shift ;;
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

# The modes: what wrk asks for, over how many connections. The sweep is the kept-alive 100-byte
# modes at rising numbers of clients ("small" is its first point, 50 clients). Every mode runs
# for both contests (TCP: parts 2-7 and their peers; HTTP: parts 8 on and theirs) except
# "sites", which needs a proxy that reads Host: the HTTP contest alone (and direct). "redis" and
# "redis-cold" are the sites mode's load through a contest of their own: the last part from 10
# on, routing by what a Redis says, and nginx + Lua doing the same lookup (targets.sh), with
# each answer cached for 5 s (hot: Redis is asked about once per Host) or not at all (cold: it
# is asked for every request). "hostile" is not a wrk mode: part 8's hostile requests, sent once
# to every HTTP target, not timed.
declare -A MODE_PATH=([small]=/small [large]=/large [close]=/small [c500]=/small [c2000]=/small
  [c5000]=/small [sites]=/small [redis]=/small [redis-cold]=/small)
declare -A MODE_CLIENTS=([small]=50 [large]=20 [close]=50 [c500]=500 [c2000]=2000 [c5000]=5000
  [sites]=50 [redis]=50 [redis-cold]=50)
declare -A MODE_TITLE=(
  [small]="Small file: 100 bytes, 50 kept-alive connections"
  [large]="Large file: 1 MiB, 20 kept-alive connections"
  [close]="A new connection per request: 100 bytes, 50 connections, Connection: close"
  [c500]="500 kept-alive clients, 100 bytes"
  [c2000]="2000 kept-alive clients, 100 bytes"
  [c5000]="5000 kept-alive clients, 100 bytes"
  [sites]="Two sites on one port: 100 bytes, 50 kept-alive connections, Host a.test and b.test in turn"
  [redis]="Routed by Redis, cache hot: 100 bytes, 50 kept-alive connections, Host a.test and b.test in turn, each answer cached 5 s"
  [redis-cold]="Routed by Redis, cache cold: as above, but Redis is asked for every request (cacheSeconds = 0)")
SELECTED=()
for mode in small large close c500 c2000 c5000 sites redis redis-cold; do  # in this order, whatever the list's
  [[ ,$MODES, == *,$mode,* ]] && SELECTED+=("$mode")
done
HOSTILE=""
[[ ,$MODES, == *,hostile,* ]] && HOSTILE=yes
for mode in ${MODES//,/ }; do
  [ -n "${MODE_PATH[$mode]:-}" ] || [ "$mode" = hostile ] ||
    { echo "bench: unknown mode $mode (--help lists them)" >&2; exit 2; }
done
[ ${#SELECTED[@]} -gt 0 ] || [ -n "$HOSTILE" ] || { echo "bench: --modes selects nothing" >&2; exit 2; }
# Which contests the modes need: any mode but sites, the redis ones and hostile has a TCP
# contest too; the redis modes, a contest of their own.
WANT_TCP="" WANT_HTTP=$HOSTILE WANT_REDIS=""
for mode in "${SELECTED[@]}"; do
  case $mode in
    sites) WANT_HTTP=yes ;;
    redis|redis-cold) WANT_REDIS=yes ;;
    *) WANT_TCP=yes WANT_HTTP=yes ;;
  esac
done

# Does MODE run on TARGET? "sites" only on the HTTP contest and direct; a redis mode only on
# direct and its own targets (REDIS_MODE_OF), which run in no other mode.
runs_in() {
  case $1 in
    sites) [ "${CONTEST_OF[$2]}" = http ] || [ "${CONTEST_OF[$2]}" = both ] ;;
    redis|redis-cold) [ "${CONTEST_OF[$2]}" = both ] || [ "${REDIS_MODE_OF[$2]:-}" = "$1" ] ;;
    *) [ "${CONTEST_OF[$2]}" != redis ] ;;
  esac
}

for tool in nginx haproxy wrk gnuplot taskset ss pgrep timeout; do
  command -v "$tool" >/dev/null || die "$tool is missing (./tutorial bench installs it)"
done
[ -x "$BIN/rsp-bench-helper" ] || die "$BIN/rsp-bench-helper is missing (./tutorial bench builds it)"

source "$BENCH_DIR/processes.sh"
source "$BENCH_DIR/targets.sh"

# The redis modes need part 10 or later, redis-server and nginx's Lua module; without one of
# them they are left out, with one line saying why (redis_missing, targets.sh).
if [ -n "$WANT_REDIS" ]; then
  REDIS_WHY=$(redis_missing)
  if [ -n "$REDIS_WHY" ]; then
    note "the redis modes are left out: $REDIS_WHY"
    fitting=()
    for mode in "${SELECTED[@]}"; do [[ $mode == redis* ]] || fitting+=("$mode"); done
    SELECTED=("${fitting[@]}")
    WANT_REDIS=""
    [ ${#SELECTED[@]} -gt 0 ] || [ -n "$HOSTILE" ] || die "--modes selects nothing that can run"
  fi
fi

# --- Stopping everything on the way out -------------------------------------------------------

WORK=""  # the temporary directory
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
HAPROXY_VERSION=${HAPROXY_VERSION%%-*}
WRK_VERSION=$( (wrk -v 2>&1 || true) | awk 'NR == 1 { sub("^debian/", "", $2); print $2 }')
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
CORES=$(nproc --all)
KERNEL=$(uname -sr)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git describe --always --dirty 2>/dev/null || echo unknown)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
TW_REUSE=$(cat /proc/sys/net/ipv4/tcp_tw_reuse 2>/dev/null || echo unknown)
if awk -v load="${LOAD_START%% *}" -v cores="$CORES" 'BEGIN { exit !(load > cores / 2) }'; then
  note "the load average was ${LOAD_START%% *} on $CORES cores when the benchmark started: other programs compete with it for the CPUs, so expect noisy numbers and trust ratios within a round more than absolute ones"
fi

# nginx's stream module: a dynamic module on Debian (libnginx-mod-stream), built in elsewhere.
STREAM_MODULE=""
if ! nginx -V 2>&1 | grep -q -- '--with-stream\( \|$\)'; then
  for candidate in /usr/lib/nginx/modules/ngx_stream_module.so /usr/lib64/nginx/modules/ngx_stream_module.so \
    /usr/share/nginx/modules/ngx_stream_module.so; do
    [ -f "$candidate" ] && STREAM_MODULE=$candidate && break
  done
  [ -n "$STREAM_MODULE" ] || die "nginx's stream module is missing (Debian: libnginx-mod-stream)"
fi

# Descriptors: a proxy holds two per client (client and backend), wrk and the backend one. Every
# process we start inherits this shell's limit; a mode that still does not fit is left out.
MAX_CLIENTS=50  # the hostile table and the checks need a few
for mode in "${SELECTED[@]}"; do
  [ "${MODE_CLIENTS[$mode]}" -gt "$MAX_CLIENTS" ] && MAX_CLIENTS=${MODE_CLIENTS[$mode]}
done
raise_fd_limit $((2 * MAX_CLIENTS + 1024))
fitting=()
for mode in "${SELECTED[@]}"; do
  if [ "$FD_LIMIT" != unlimited ] && [ $((2 * MODE_CLIENTS[$mode] + 256)) -gt "$FD_LIMIT" ]; then
    note "mode $mode is left out: ${MODE_CLIENTS[$mode]} clients need about $((2 * MODE_CLIENTS[$mode] + 256)) descriptors per proxy, and the limit is $FD_LIMIT (raise the hard limit, ulimit -Hn, as root)"
  else
    fitting+=("$mode")
  fi
done
SELECTED=("${fitting[@]}")
[ ${#SELECTED[@]} -gt 0 ] || [ -n "$HOSTILE" ] || die "no mode fits in $FD_LIMIT descriptors"
[ "$TW_REUSE" = 0 ] && note "net.ipv4.tcp_tw_reuse is 0: the new-connection mode may run out of local ports (wrk's connect errors); 2, the kernel's default, reuses them on loopback"

# --- Starting the backend and the targets ------------------------------------------------------

say "Setting up in $WORK (proxies on CPU $PROXY_CPU; wrk and the backend on CPU $LOAD_CPU;" \
  "descriptor limit $FD_LIMIT)"
mkdir -p "$WORK/www" "$WORK/tmp"
chmod 755 "$WORK"  # run as root, nginx's workers switch to an unprivileged user that must read www/
"$BIN/rsp-bench-helper" pattern "$WORK/www/small" 100
"$BIN/rsp-bench-helper" pattern "$WORK/www/large" $((1024 * 1024))
"$BIN/rsp-bench-helper" pattern "$WORK/www/huge" "$HUGE_BYTES"
start_targets
echo "    targets: $(for t in "${TARGETS[@]}"; do printf '%s, ' "${LABEL[$t]}"; done | sed 's/, $//')"

# One request through each target before any load: a broken setup fails here, clearly. An
# HTTP target must also send each site to its own backend port (the backend says which).
for target in "${TARGETS[@]}"; do
  bounded 15 "$WORK/check.out" "$BIN/rsp-bench-helper" fetch "${PORT_OF[$target]}" /small --host a.test \
    --deadline-ms 5000 ||
    die "${LABEL[$target]} (port ${PORT_OF[$target]}) did not serve /small intact: $(cat "$WORK/check.out")"
  [ "${CONTEST_OF[$target]}" = http ] || [ "${CONTEST_OF[$target]}" = redis ] || continue
  for site in a.test:1 b.test:2; do
    # (lower case: HAProxy sends header names in lower case)
    reply=$(http_get "${PORT_OF[$target]}" /small "${site%:*}" | tr -d '\r' | tr 'A-Z' 'a-z')
    [[ $reply == "http/1."?" 200 "* && $reply == *"x-backend: ${site#*:}"* ]] ||
      die "${LABEL[$target]} did not send Host ${site%:*} to backend ${site#*:}: $(head -n 1 <<<"$reply")"
  done
done

# The sites mode's requests: every other one asks for b.test (wrk calls request() for each
# request; both are built once, so that the script costs wrk next to nothing).
cat >"$WORK/sites.lua" <<'LUA'
local requests, n = {}, 0
function init(args)
  requests[0] = wrk.format("GET", "/small", { Host = "a.test" })
  requests[1] = wrk.format("GET", "/small", { Host = "b.test" })
end
function request()
  n = 1 - n
  return requests[n]
end
LUA

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

# --- Memory: 20 slow clients downloading a large file through each proxy ---------------------
# First, while the proxies are fresh: after the throughput rounds their buffer pools and heaps
# would already hold what thousands of busy connections needed, and the growth would read as 0.

printf 'target\trss_before_kib\tpeak_kib\tintact\tclients\tseconds\n' >"$WORK/memory.tsv"
huge_mib=$((HUGE_BYTES / 1024 / 1024))
expected_s=$((HUGE_BYTES / SLOW_RATE + 1))
deadline_s=$((2 * expected_s + 10))
if [ -n "$WANT_TCP$WANT_HTTP" ] && [ ${#SELECTED[@]} -gt 0 ]; then  # none: only hostile or redis
say "Memory: $SLOW_CLIENTS clients each download $huge_mib MiB at $(awk -v r="$SLOW_RATE" 'BEGIN { print r / 1e6 }') MB/s" \
  "through each proxy (about $expected_s s each, at most $deadline_s s)"
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
    "${PORT_OF[$target]}" /huge --host a.test --clients "$SLOW_CLIENTS" --rate "$SLOW_RATE" \
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
  printf '    %-40s RSS %6.1f MiB, peak %6.1f MiB; %s of %s clients got every byte\n' \
    "${LABEL[$target]}" "$(awk -v k="$before" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$peak" 'BEGIN { print k / 1024 }')" "${intact:-0}" "$SLOW_CLIENTS"
}

for target in "${TARGETS[@]}"; do
  [ "$target" = direct ] && continue
  [ "${CONTEST_OF[$target]}" = redis ] && continue  # they buffer as the HTTP rows; only routing differs
  measure_memory "$target"
  still_there "$target" "memory measurement" || true
done
fi

# --- Throughput: interleaved rounds of wrk --------------------------------------------------

# From wrk's output to one tab-separated line: req/s, p50 and p99 in ms, errors (connect, read
# and write errors, and non-2xx replies) and time-outs. wrk prints "635.00us", "1.20ms", "2.00s".
# A run in which no request completed has 0 req/s and no latencies (NA), and so has one whose
# every request took longer than --timeout (wrk counts those instead of recording them, and
# prints 0 latencies); NA req/s means wrk printed no report.
WRK_AWK='
  function ms(v) {
    if (v ~ /us$/) return v / 1000
    if (v ~ /ms$/) return v + 0
    if (v ~ /m$/) return v * 60000
    if (v ~ /s$/) return v * 1000
    return "NA"
  }
  / requests in / { requests = $1 }
  /^Requests\/sec:/ { rps = $2 }
  /Latency Distribution/ { dist = 1 }
  dist && $1 == "50%" { p50 = ms($2) }
  dist && $1 == "99%" { p99 = ms($2) }
  /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8; timeouts += $10 }
  /Non-2xx or 3xx responses:/ { errors += $NF }
  END {
    if (rps == "") rps = "NA"              # no report at all: wrk failed
    if (rps == "NA" || requests + 0 == 0) { p50 = "NA"; p99 = "NA" }  # no request completed
    if (p99 + 0 == 0) { p50 = "NA"; p99 = "NA" }  # every one took over --timeout: none recorded
    printf "%s\t%s\t%s\t%d\t%d\n", rps, p50, p99, errors, timeouts
  }'

# One wrk run: run_wrk ROUND MODE TARGET; appends a line to rounds.tsv and sets LINE to it.
# (It sets a variable rather than printing: a $(...) subshell would hide wrk's PID from us.)
TIME_WAIT_MAX=0
declare -A REDIS_GETS REDIS_REQUESTS  # per redis-mode target: Redis's GETs, the backend's requests
run_wrk() {
  local round=$1 mode=$2 target=$3 clients=${MODE_CLIENTS[$2]} header=() overflows load settled
  local before conns=NA requests=NA gets
  [ "$mode" = close ] && header=(-H "Connection: close")
  [[ $mode == sites || $mode == redis* ]] && header=(-s "$WORK/sites.lua")
  [ "${CONTEST_OF[$target]}" = redis ] && gets=$(redis_gets)
  load=$(cut -d' ' -f1 /proc/loadavg)
  overflows=$(tcp_counter ListenOverflows)
  before=$(backend_counts)
  bounded $((DURATION + 30)) "$WORK/wrk.out" taskset -c "$LOAD_CPU" wrk -t1 -c"$clients" \
    -d"${DURATION}s" --timeout "${WRK_TIMEOUT}s" --latency "${header[@]}" \
    "http://127.0.0.1:${PORT_OF[$target]}${MODE_PATH[$mode]}" || true
  overflows=$(($(tcp_counter ListenOverflows) - overflows))
  # direct: wrk's connections end with wrk; and the backend's port also holds the HTTP peers'
  # idle connections, which would make any wait for it last its whole 10 s.
  settled=0
  [ "$target" = direct ] || settled=$(settle "${PORT_OF[$target]}")
  # The connections the backend accepted and the requests it served during the run and the
  # settling, less the reading of the counters itself (one of each).
  read -r conns requests <<<"$(backend_counts | awk -v before="$before" '
    { split(before, b, " "); if (b[1] == "" || $1 == "") print "NA NA"
      else print $1 - b[1] - 1, $2 - b[2] - 1 }')"
  if [ "${CONTEST_OF[$target]}" = redis ] && [ "$requests" != NA ]; then  # how often Redis was asked
    REDIS_GETS[$target]=$((${REDIS_GETS[$target]:-0} + $(redis_gets) - gets))
    REDIS_REQUESTS[$target]=$((${REDIS_REQUESTS[$target]:-0} + requests))
  fi
  if [ "$mode" = close ]; then  # how many sockets wait in TIME_WAIT: see README, "new connections"
    local tw
    tw=$(ss -s | sed -n 's/.*timewait \([0-9]*\).*/\1/p')
    [ "${tw:-0}" -gt "$TIME_WAIT_MAX" ] && TIME_WAIT_MAX=$tw
  fi
  LINE="$round	$target	$mode	$clients	$(awk "$WRK_AWK" "$WORK/wrk.out")	$overflows	$load	$settled	$conns	$requests"
  echo "$LINE" >>"$WORK/rounds.tsv"
}

printf 'round\ttarget\tmode\tclients\trps\tp50_ms\tp99_ms\terrors\ttimeouts\toverflows\tload1\tsettle_ds\tbackend_conns\tbackend_requests\n' \
  >"$WORK/rounds.tsv"
runs=0
for mode in "${SELECTED[@]}"; do
  for target in "${TARGETS[@]}"; do runs_in "$mode" "$target" && runs=$((runs + ROUNDS)); done
done
estimate=$((runs * (DURATION + 1) / 60 + 1))
if [ ${#SELECTED[@]} -gt 0 ]; then  # none: only the hostile requests
say "Throughput: $ROUNDS rounds × ${#SELECTED[@]} modes (${SELECTED[*]}) × ${#TARGETS[@]} targets," \
  "$runs runs of $DURATION s: about $estimate min"
done_runs=0
for round in $(seq "$ROUNDS"); do
  for mode in "${SELECTED[@]}"; do
    for target in "${TARGETS[@]}"; do
      runs_in "$mode" "$target" || continue
      done_runs=$((done_runs + 1))
      [ -n "${GONE[$target]:-}" ] && continue
      run_wrk "$round" "$mode" "$target"
      IFS=$'\t' read -r _ _ _ _ rps _ p99 errors timeouts _ <<<"$LINE"
      printf '    [%3d/%d] round %d/%d  %-6s %-40s %7s req/s  p99 %9s  errors %s  time-outs %s\n' \
        "$done_runs" "$runs" "$round" "$ROUNDS" "$mode" "${LABEL[$target]}" \
        "$(awk -v v="$rps" 'BEGIN { if (v == "NA") print "n/a"; else printf "%.0f", v }')" \
        "$(awk -v v="$p99" 'BEGIN { if (v == "NA") print "n/a"; else printf "%.1f ms", v }')" \
        "$errors" "$timeouts"
      still_there "$target" "$mode run of round $round" || true
    done
  done
done
fi
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
for target in "${TARGETS[@]}"; do  # the redis modes: did the cache do what its mode says?
  [ -n "${REDIS_REQUESTS[$target]:-}" ] && [ "${REDIS_REQUESTS[$target]}" -gt 0 ] || continue
  note "${LABEL[$target]}: Redis answered $(awk -v g="${REDIS_GETS[$target]}" \
    -v r="${REDIS_REQUESTS[$target]}" 'BEGIN { printf "%.1f", 1000 * g / r }') GETs per 1,000 requests the backend served (${REDIS_GETS[$target]} for ${REDIS_REQUESTS[$target]})"
done

say "Stopping what the benchmark started"
stop_all

if [ -n "$HOSTILE" ]; then source "$BENCH_DIR/hostile.sh"; fi

source "$BENCH_DIR/report.sh"
