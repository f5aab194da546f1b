#!/usr/bin/env bash
# tests/http/compare.sh — part 8: the hostile table (hostile.tsv) sent to Debian's nginx and
# HAProxy, with what rsp answers beside them. Not part of the test suite: a measurement that
# the part 8 post quotes.
#
#   tests/http/compare.sh [--rsp PATH-TO-rsp-partN]...
#
# Starts, on free loopback ports and each with its own config and pid file in a temporary
# directory: a recording backend (hostile.py), nginx as an HTTP reverse proxy (proxy_pass,
# proxy_http_version 1.1) and HAProxy in mode http, both in front of it; with --rsp, also that
# rsp binary with a part 7-style config (one site for every Host); --rsp may come more than
# once (say, part 8 and part 7, the byte relay before it). Then every row goes to each
# proxy, and the table shows each answer and whether the backend received a byte of it. The
# system's nginx service is never touched; the script stops what it started, by PID.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rsp_binaries=()
while [ "${1-}" = "--rsp" ] && [ -n "${2-}" ]; do
  rsp_binaries+=("$(realpath "$2")")
  shift 2
done
if [ $# -gt 0 ]; then
  echo "usage: tests/http/compare.sh [--rsp PATH-TO-rsp-partN]..." >&2
  exit 2
fi

work=$(mktemp -d /tmp/rsp-compare.XXXXXX)
chmod 755 "$work"  # nginx's workers run as nobody and create their temp folders here
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do  # at most 5 s each, then KILL
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
wait_port() {  # $1 name, $2 port: up to 5 s
  for _ in $(seq 50); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $2), 0.2).close()" \
      2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "compare.sh: $1 did not listen on 127.0.0.1:$2 (see $work)" >&2
  return 1
}

backend_port=$(free_port)
python3 "$here/hostile.py" backend --port "$backend_port" --log "$work/backend.log" &
pids+=($!)
wait_port backend "$backend_port"

# nginx: one server, the default for every Host; header buffers at rsp's maxHeadSize (16 KiB).
nginx_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  large_client_header_buffers 4 16k;
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://127.0.0.1:$backend_port;
      proxy_http_version 1.1;
    }
  }
}
CONF
nginx -p "$work/" -c "$work/nginx.conf" -e "$work/nginx-error.log" &
pids+=($!)
wait_port nginx "$nginx_port"

haproxy_port=$(free_port)
cat >"$work/haproxy.cfg" <<CONF
global
  pidfile $work/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
  timeout http-request 3s
frontend hostile
  bind 127.0.0.1:$haproxy_port
  default_backend recorder
backend recorder
  server recorder 127.0.0.1:$backend_port
CONF
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.out" 2>&1 &
pids+=($!)
wait_port haproxy "$haproxy_port"

targets=("nginx=$nginx_port" "haproxy=$haproxy_port")
for rsp_binary in "${rsp_binaries[@]}"; do
  name=$(basename "$rsp_binary")
  rsp_port=$(free_port)
  cat >"$work/$name.lua" <<CONF
listenPort = $rsp_port
backends = { "127.0.0.1:$backend_port" }
CONF
  "$rsp_binary" "$work/$name.lua" >"$work/$name.out" 2>&1 &
  pids+=($!)
  wait_port "$name" "$rsp_port"
  targets+=("$name=$rsp_port")
done

nginx_version=$(nginx -v 2>&1 | sed 's/^nginx version: //')
echo "# $nginx_version, HAProxy $(haproxy -v | head -1 | cut -d' ' -f3)"
echo "# each cell: the status answered (or closed/reset/timeout/no-status), and whether" \
  "the backend got a byte of it"
python3 "$here/hostile.py" compare --table "$here/hostile.tsv" --log "$work/backend.log" \
  "${targets[@]}"
