# tests/bench/processes.sh — the benchmark's process handling, sourced by run.sh: starting
# servers in the background, running loads with a time limit, waiting for ports, and stopping
# exactly the processes it started, by PID.
#
# It uses run.sh's WORK (the temporary directory) and STATUS_PORT (the backend's counters), and
# adds to STARTED, PID_OF and TAKEN_PORTS.

STARTED=()  # every PID the benchmark started and has not stopped yet
declare -A PID_OF

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

# Starts a long-running program in the background: start NAME CPU COMMAND...
# Its output goes to $WORK/NAME.out and NAME.err; its PID is remembered in STARTED and in
# PID_OF[NAME]. taskset pins it to CPU and then becomes the program, so the PID is the program's.
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
    if grep -q '^Started. Listening on port [0-9]*\.$' "$WORK/$name.out" 2>/dev/null; then
      PORT=$(sed -n 's/^Started. Listening on port \([0-9]*\)\.$/\1/p' "$WORK/$name.out" | head -n 1)
      return 0
    fi
    sleep 0.1
  done
  die "$name printed no \"Started. Listening on port N.\" line after 10 s"
}

# Waits (up to 10 s) until no connection is left on the proxy's port PORT, established or
# closed by wrk but not yet by the proxy (close-wait), and its accept queue is empty: after a
# run with thousands of connections the proxy may still be closing them, or accepting ones wrk
# has given up on (and, for an HTTP part, forwarding their requests), on the CPU the next
# target's run is about to use. Prints how long it waited, in tenths of a second.
settle() {
  local port=$1 i
  for i in $(seq 0 100); do
    [ -z "$(ss -Htn state established state close-wait "sport = :$port" | head -n 1)" ] &&
      [ "$(ss -Hltn "sport = :$port" | awk '{ print $2 + 0; exit }')" = 0 ] && break
    sleep 0.1
  done
  echo "$i"
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
# A line holding a placeholder whose value is empty is left out (a second backend, say).
render() {
  local template=$1 output=$2 pair script=""
  shift 2
  for pair in "$@"; do
    if [ -z "${pair#*=}" ]; then script+="/@${pair%%=*}@/d;"; else script+="s|@${pair%%=*}@|${pair#*=}|g;"; fi
  done
  sed "$script" "$template" >"$output"
}

# /proc/PID/status fields, in KiB.
# Prints nothing if the process is gone.
status_kib() { awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# A counter of the kernel's TcpExt statistics (/proc/net/netstat), e.g. ListenOverflows: the
# times a listening socket's accept queue was full and a connection attempt was dropped.
tcp_counter() {
  awk -v name="$1" '$1 == "TcpExt:" {
      if (!header) { for (i = 2; i <= NF; i++) column[$i] = i; header = 1; next }
      print (name in column) ? $column[name] : 0; exit
    }' /proc/net/netstat 2>/dev/null || echo 0
}

# Raises this shell's limit on open descriptors (inherited by every process it starts) to at
# least NEED: the soft limit up to NEED or the hard limit, and the hard one too where we may
# (as root). Sets FD_LIMIT to what we got.
raise_fd_limit() {
  local need=$1 hard
  [ "$(ulimit -Sn)" = unlimited ] || [ "$(ulimit -Sn)" -ge "$need" ] && { FD_LIMIT=$(ulimit -Sn); return 0; }
  hard=$(ulimit -Hn)
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
    ulimit -Hn "$need" 2>/dev/null && hard=$need
  fi
  if [ "$hard" = unlimited ] || [ "$hard" -ge "$need" ]; then
    ulimit -Sn "$need"
  else
    ulimit -Sn "$hard"
  fi
  FD_LIMIT=$(ulimit -Sn)
}

# One HTTP/1.0 request over bash's /dev/tcp, so that no HTTP client need be installed:
# http_get PORT PATH [HOST] prints the whole reply (the server closes after it), or what came
# within 5 s; nothing if the port does not answer.
http_get() {
  local port=$1 path=$2 host=${3:-127.0.0.1} fd
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" || return 0
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$host" >&"$fd" || true
  timeout 5 cat <&"$fd" || true
  exec {fd}>&-
}

# The backend's counters (nginx's stub_status on STATUS_PORT): prints "ACCEPTS REQUESTS", the
# connections it accepted and the requests it served since it started, this request included;
# nothing if it did not answer.
backend_counts() {
  http_get "$STATUS_PORT" /status 2>/dev/null |
    awk 'found { print $1, $3; exit } /accepts handled requests/ { found = 1 }'
}
