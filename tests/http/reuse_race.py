#!/usr/bin/env python3
# tests/http/reuse_race.py — part 9: the reuse race, made to happen every time. Not part of the
# test suite: a demonstration that the part 9 post quotes.
#
#   tests/http/reuse_race.py [PART]     default: part 9
#
# Starts a backend that answers the first request on each connection (keeping it open, as
# HTTP/1.1 lets it) and closes the connection, without a byte of answer, when the second
# request arrives on it: the race of a kept connection that the backend closes just as the
# proxy reuses it. In front of it, build/bin/rsp-partN. Then one client sends, on one
# connection, a GET (which opens a backend connection), a second GET (sent on the kept
# connection, which the backend drops) and a POST (likewise). Prints what each request got,
# and how many connections and requests the backend saw. RSP_BIN in the environment names another directory of
# binaries than build/bin. Stops what it started.
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("RSP_BIN", ROOT / "build/bin"))
seen = {"connections": 0, "requests": []}


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return None
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        rest += conn.recv(65536)
    return head.split(b"\r\n")[0].decode()


def serve(conn):
    with conn:
        first = read_head(conn)
        if first is None:
            return
        seen["requests"].append(first)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
        second = read_head(conn)
        if second is not None:
            seen["requests"].append(second + " (dropped)")
    # closed here: the second request got no byte of answer


def backend(listener):
    while True:
        conn, _ = listener.accept()
        seen["connections"] += 1
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def exchange(conn, request):
    """Sends `request`, reads the answer by its Content-Length; returns its status line."""
    data = b""
    try:
        conn.sendall(request)
        while b"\r\n\r\n" not in data:
            piece = conn.recv(65536)
            if not piece:
                return "closed without an answer"
            data += piece
    except TimeoutError:
        return "no answer within 5 s"
    except OSError as error:
        return "closed without an answer (" + error.strerror + ")"
    head, _, body = data.partition(b"\r\n\r\n")
    length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
              if line.lower().startswith(b"content-length:")]
    while length and len(body) < length[0]:
        body += conn.recv(65536)
    return head.split(b"\r\n")[0].decode()


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else "9"
    listener = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=backend, args=(listener,), daemon=True).start()
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as config:
        config.write(f'listenPort = 0\nbackends = {{ "127.0.0.1:{listener.getsockname()[1]}" }}\n')
        config.flush()
        proxy = subprocess.Popen([str(BIN / f"rsp-part{part}"), config.name],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            port = int(proxy.stdout.readline().split()[-1].rstrip("."))
            get = b"GET /%d HTTP/1.1\r\nHost: a.test\r\n\r\n"
            post = b"POST /3 HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello"
            with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
                print("GET /1  ->", exchange(client, get % 1))
                print("GET /2  ->", exchange(client, get % 2))
                print("POST /3 ->", exchange(client, post))
        finally:
            proxy.terminate()  # a graceful stop: pairs still open may hold it up
            try:
                proxy.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proxy.kill()
                proxy.wait()
    print(f"the backend saw {seen['connections']} connections and these requests:")
    for request in seen["requests"]:
        print("  " + request)


if __name__ == "__main__":
    main()
