#!/usr/bin/env bash
# tests/http/parse_cost.sh — part 8: what reading HTTP costs, in instructions per request,
# counted by callgrind. Not part of the test suite: a measurement that the part 8 post quotes.
#
#   tests/http/parse_cost.sh [REQUESTS [PART...]]     default: 1000 requests, parts 7 and 8
#
# For each part: starts build/bin/rsp-backend on a free loopback port, and the part in front of
# it under `valgrind --tool=callgrind` with a part 7-style config; sends REQUESTS requests, one
# per connection, each the same small GET as curl sends it (80 bytes of head, 100 bytes of
# reply); stops the part with SIGTERM (its graceful stop, after which callgrind writes its
# counts); and does it all again with no request at all. The difference, divided by REQUESTS,
# is what one request costs in the proxy's own code and its libraries (callgrind counts no
# kernel work). For a part with the parser, it also shows the inclusive cost of
# RequestParser::parse per request, and its share. It stops what it started, by PID. With
# KEEP=1 in the environment it leaves callgrind's files (partN-REQUESTS.callgrind) for
# callgrind_annotate, and says where.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=${1:-1000}
shift || true
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(7 8)

work=$(mktemp -d /tmp/rsp-parse-cost.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP-}" ]; then echo "callgrind's files are in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# REQUESTS GETs to 127.0.0.1:$1, one per connection, each read until the proxy closes.
send_requests() {
  python3 - "$1" "$2" <<'PY'
import socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
request = (b"GET /bytes/100 HTTP/1.1\r\nHost: a.test\r\nUser-Agent: curl/7.88.1\r\n"
           b"Accept: */*\r\n\r\n")
for _ in range(count):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        reply = b""
        while piece := conn.recv(65536):
            reply += piece
        if b" 200 " not in reply.split(b"\r\n", 1)[0]:
            sys.exit(f"not answered 200: {reply[:80]!r}")
PY
}

# Runs part $1 under callgrind for $2 requests; prints the instructions it counted in all.
measure() {
  local part=$1 count=$2 port out=$work/part$1-$2
  port=$(free_port)
  printf 'listenPort = %s\nbackends = { "127.0.0.1:%s" }\n' "$port" "$backend_port" >"$out.lua"
  valgrind --tool=callgrind --callgrind-out-file="$out.callgrind" \
    "build/bin/rsp-part$part" "$out.lua" >"$out.stdout" 2>"$out.stderr" &
  local proxy=$!
  pids+=("$proxy")
  for _ in $(seq 300); do grep -q Started "$out.stdout" && break; sleep 0.1; done
  send_requests "$port" "$count"
  kill -TERM "$proxy"
  wait "$proxy" || true
  sed -n 's/^==[0-9]*== Collected : //p' "$out.stderr"
}

# The inclusive count of RequestParser::parse in part $1's run of $2 requests (0 if none).
parser_count() {
  callgrind_annotate --inclusive=yes --threshold=100 "$work/part$1-$2.callgrind" 2>/dev/null |
    awk '!found && /RequestParser::parse\(/ { gsub(",", "", $1); print $1; found = 1 }
         END { if (!found) print 0 }'  # reads to the end: no SIGPIPE for callgrind_annotate
}

backend_port=$(free_port)
build/bin/rsp-backend --port "$backend_port" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $backend_port), 0.2)" \
    2>/dev/null && break
  sleep 0.1
done

echo "# instructions counted by callgrind ($(valgrind --version)): $requests requests," \
  "one per connection, minus none"
printf '%-6s %14s %14s %16s %8s\n' part "with $requests" "with none" "per request" parser
for part in "${parts[@]}"; do
  with=$(measure "$part" "$requests")
  without=$(measure "$part" 0)
  per=$(((with - without) / requests))
  parser=$(($(parser_count "$part" "$requests") / requests))
  share=$(awk -v p="$parser" -v t="$per" 'BEGIN { printf "%.0f%%", t ? 100 * p / t : 0 }')
  printf '%-6s %14s %14s %16s %8s\n' "$part" "$with" "$without" "$per" \
    "$([ "$parser" -gt 0 ] && echo "$parser ($share)" || echo -)"
done
