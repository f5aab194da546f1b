#!/usr/bin/env python3
# tests/http/reuse_count.py — part 9: how many connections a run of requests costs, on each
# side of the proxy. Not part of the test suite: a measurement that the part 9 post quotes.
#
#   tests/http/reuse_count.py [REQUESTS [PART...]]    default: 1000 requests, parts 8 and 9
#
# For each part: starts two HTTP/1.1 backends on free loopback ports (Python's http.server,
# which keeps a connection open as long as the client lets it, and counts the connections it
# accepts), and build/bin/rsp-partN in front of them with two sites, a.test and www.b.test;
# then one client, a Python http.client connection, sends REQUESTS GETs one after another,
# alternating the two sites, each read by its Content-Length, as a browser would. When the
# proxy closes the connection after a response, the client opens a new one for the next
# request, as a browser does (ask()), and counts it. Prints, per part, the client connections, each
# backend's connections and the time the run took; stops what it started. RSP_BIN in the
# environment names another directory of binaries than build/bin.
import http.client
import http.server
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("RSP_BIN", ROOT / "build/bin"))  # where rsp-partN are


class Backend(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, name):
        self.name, self.accepted = name, 0
        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def get_request(self):
        self.accepted += 1
        return super().get_request()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the request says close
    # It writes the head and the body in two sends: without TCP_NODELAY the body waits for
    # the ACK of the head, which a kept connection delays (up to 40 ms): 23 ms a request.
    disable_nagle_algorithm = True

    def do_GET(self):
        body = (self.server.name + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Backend", self.server.name)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class CountingConnection(http.client.HTTPConnection):
    opened = 0

    def connect(self):
        CountingConnection.opened += 1
        super().connect()


def ask(client, host):
    """A GET for `host`. A kept connection that the proxy closed after the previous response
    (part 8 does, without saying so) fails at once: then the GET goes again on a new
    connection, as a browser sends it again (a GET may be: RFC 9110 9.2.2)."""
    for attempt in (1, 2):
        try:
            client.request("GET", "/", headers={"Host": host})
            return client.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            client.close()
            if attempt == 2:
                raise


def start_part(part, config):
    proxy = subprocess.Popen([str(BIN / f"rsp-part{part}"), config],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proxy.stdout.readline()
    if not line.startswith("Started. Listening on port "):
        proxy.kill()
        sys.exit(f"rsp-part{part} did not start: {line!r}")
    return proxy, int(line.split()[-1].rstrip("."))


def run(part, requests, work):
    a, b = Backend("a"), Backend("b")
    config = os.path.join(work, f"part{part}.lua")
    with open(config, "w") as out:
        out.write('listenPort = 0\nsites = {\n'
                  f'  ["a.test"] = {{ backends = {{ "127.0.0.1:{a.server_port}" }} }},\n'
                  f'  ["*.b.test"] = {{ backends = {{ "127.0.0.1:{b.server_port}" }} }},\n}}\n')
    proxy, port = start_part(part, config)
    try:
        CountingConnection.opened = 0
        client = CountingConnection("127.0.0.1", port, timeout=10)
        start = time.monotonic()
        for i in range(requests):
            host, name = ("a.test", "a") if i % 2 == 0 else ("www.b.test", "b")
            reply = ask(client, host)
            if reply.status != 200 or reply.read() != (name + "\n").encode():
                sys.exit(f"part {part}: request {i} for {host} was not answered by {name}")
        took = time.monotonic() - start
        client.close()
        print(f"{part:<6}{requests:>9}{CountingConnection.opened:>20}{a.accepted:>14}"
              f"{b.accepted:>14}{took:>10.2f} s")
    finally:
        proxy.terminate()
        proxy.wait()
        a.shutdown()
        b.shutdown()


def main():
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    parts = [int(p) for p in sys.argv[2:]] or [8, 9]
    print("# one client, requests one after another, alternating a.test and www.b.test")
    print(f"{'part':<6}{'requests':>9}{'client connections':>20}{'backend a':>14}"
          f"{'backend b':>14}{'took':>12}")
    with tempfile.TemporaryDirectory(prefix="rsp-reuse-") as work:
        for part in parts:
            run(part, requests, work)


if __name__ == "__main__":
    main()
