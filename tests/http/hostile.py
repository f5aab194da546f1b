#!/usr/bin/env python3
# tests/http/hostile.py — part 8: the hostile table for scripts: a recording backend, and a
# client that sends every row to one or more proxies and prints their answers side by side.
#
#   hostile.py backend --port P --log FILE     answer every request with 200; write one line
#                                              to FILE as soon as a connection brings a byte
#   hostile.py compare --table T --log FILE NAME=PORT...
#
# compare.sh starts the backend and the proxies; this file only talks to them over loopback.
# Every wait is bounded: a socket timeout of a few seconds per case, never a blocking read.
import argparse
import re
import socket
import socketserver
import sys
import threading
import time

ESCAPE = re.compile(rb"\\(r|n|t|\\|x[0-9A-Fa-f]{2}|p\{[0-9]+\})")


def decode(text):
    """The table's escapes, as hostile.cpp decodes them: \\r \\n \\t \\\\ \\xHH \\p{N}."""
    def one(match):
        code = match.group(1)
        simple = {b"r": b"\r", b"n": b"\n", b"t": b"\t", b"\\": b"\\"}
        if code in simple:
            return simple[code]
        if code.startswith(b"x"):
            return bytes([int(code[1:], 16)])
        return b"a" * int(code[2:-1])
    return ESCAPE.sub(one, text.encode("latin-1"))


def load(path):
    rows = []
    with open(path, encoding="utf-8") as table:
        for line in table:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, expected, clause, request = line.split("\t")
            rows.append((name, int(expected), clause, decode(request)))
    return rows


class Recorder(socketserver.BaseRequestHandler):
    """Reads a request (head, then a Content-Length or chunked body, within 2 s), notes the
    first byte in the log at once, answers 200 with Connection: close, and closes."""
    lock = threading.Lock()
    log_path = None

    def handle(self):
        self.request.settimeout(2)
        data = b""
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not self.complete(data):
            try:
                piece = self.request.recv(65536)
            except OSError:
                break
            if not piece:
                break
            if not data:
                with Recorder.lock, open(Recorder.log_path, "a") as log:
                    log.write("first bytes\n")
            data += piece
        try:
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                                 b"Connection: close\r\n\r\nok\n")
        except OSError:
            pass

    @staticmethod
    def complete(data):
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = data[:end].lower()
        body = data[end + 4:]
        length = re.search(rb"\r\ncontent-length: *([0-9]+)", head)
        if length:
            return len(body) >= int(length.group(1))
        if b"\r\ntransfer-encoding:" in head:
            return body.endswith(b"0\r\n\r\n")
        return True


def backend(args):
    Recorder.log_path = args.log
    open(args.log, "w").close()
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", args.port), Recorder) as server:
        server.serve_forever()


def ask(port, request):
    """Sends one raw request; returns the status the proxy answered, or what happened."""
    reply = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as conn:
            try:
                conn.sendall(request)
            except OSError:
                pass  # the proxy may answer and close before taking every byte: read on
            deadline = time.monotonic() + 3
            while b"\r\n" not in reply and time.monotonic() < deadline:
                piece = conn.recv(4096)
                if not piece:
                    break
                reply += piece
    except socket.timeout:
        return "timeout" if not reply else "partial"
    except ConnectionResetError:
        if not reply:
            return "reset"
    match = re.match(rb"HTTP/1\.[01] ([0-9]{3})", reply)
    if match:
        return match.group(1).decode()
    return "closed" if not reply else "no-status"  # nginx answers "GET /" in HTTP/0.9


def backend_lines(path):
    with open(path) as log:
        return sum(1 for _ in log)


def compare(args):
    targets = [target.split("=") for target in args.targets]
    header = ["case", "expected"] + [name for name, _ in targets]  # cells: "400 (no)"
    rows = []
    for name, expected, clause, request in load(args.table):
        row = [name, str(expected)]
        for _, port in targets:
            before = backend_lines(args.log)
            status = ask(int(port), request)
            time.sleep(0.3)  # a proxy that forwards does so before it answers; this is slack
            saw = "yes" if backend_lines(args.log) > before else "no"
            row.append(f"{status} ({saw})")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths]] + rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(r, widths)).rstrip())
    for index, (name, _) in enumerate(targets):
        same = sum(1 for r in rows if r[2 + index].split()[0] == r[1])
        print(f"{name}: {same} of {len(rows)} rows answered with rsp's expected status")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backend")
    b.add_argument("--port", type=int, required=True)
    b.add_argument("--log", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--table", required=True)
    c.add_argument("--log", required=True)
    c.add_argument("targets", nargs="+", metavar="NAME=PORT")
    args = parser.parse_args()
    backend(args) if args.command == "backend" else compare(args)


if __name__ == "__main__":
    sys.exit(main())
