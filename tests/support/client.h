// tests/support/client.h — a test client that can be as slow and as awkward as a real one.
//
// It sends one HTTP/1.0 request through a proxy on loopback (127.0.0.1, or ::1), can wait
// before reading, read at a given rate with a given receive buffer, and checks a /bytes/N body
// against the pattern as it arrives, reporting bytes received and expected and where the first
// wrong byte was.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/fd.h"
#include "pattern.h"

namespace rsp::test {

using std::chrono::milliseconds;

struct FetchOptions {
  milliseconds pauseBeforeReading{0};  // sit on the connection before the first read
  std::uint64_t bytesPerSecond = 0;    // 0: read as fast as the data comes
  int receiveBuffer = 0;               // SO_RCVBUF, set before connecting; 0: system default
  bool shutdownAfterRequest = false;   // half-close: shut our write half once the request is out
  std::uint64_t uploadBytes = 0;       // send a POST body of this many pattern bytes
  bool readWhileSending = false;       // read the reply while the body is still going out
  milliseconds deadline{30000};        // give up (and say so) after this long
  bool ipv6 = false;                   // connect to ::1 instead of 127.0.0.1
  std::string host;                    // a Host header to send ("": none, as HTTP/1.0 allows)
  std::function<void(std::uint64_t bodyBytes)> onProgress;  // called as the body arrives
};

struct FetchResult {
  bool connected = false;
  std::uint16_t localPort = 0;  // our end of the connection (what the proxy sees as the client)
  bool timedOut = false;
  std::string error;       // what went wrong on our side, if anything
  std::string statusLine;  // e.g. "HTTP/1.0 200 OK"; empty if no head arrived
  std::string head;        // the whole head: the status line and the headers
  std::uint64_t contentLength = 0;
  std::string text;     // the body, for replies that are not patterned (first 64 KiB)
  PatternChecker body;  // the body checked against the pattern (meaningful for /bytes/N)
  std::uint64_t uploadChecksum = 0;  // fnv1a of what we sent, for /sum replies
  milliseconds elapsed{0};

  bool ok() const { return statusLine.find(" 200 ") != std::string::npos; }
  std::string header(const std::string& name) const;  // its value, or "" if it is not there
  std::string describe() const;                       // one line for test failure messages
};

// Sends `method path` to 127.0.0.1:port (or [::1]:port) and reads the reply until the
// connection closes. If sending fails part-way (the server answered early and closed), the
// reply is read all the same, as a browser or curl would.
FetchResult fetch(std::uint16_t port, const std::string& path, const FetchOptions& options = {});

// Runs `count` fetches of `path` at the same time, each on its own thread, and returns when
// all have ended (each is bounded by options.deadline).
std::vector<FetchResult> fetchAtOnce(std::uint16_t port, const std::string& path, int count,
                                     const FetchOptions& options = {});

// Connects, asks for `path`, reads about `readBytes` of the reply, then vanishes: with
// `reset`, abortively (SO_LINGER 0, so the proxy sees ECONNRESET); otherwise with a plain close.
void vanishMidResponse(std::uint16_t port, const std::string& path, std::uint64_t readBytes,
                       bool reset);

// For a test that plays the client by hand: a connected socket to 127.0.0.1:port, or an
// invalid Fd if the connect failed (on loopback: refused).
Fd connectClient(std::uint16_t port);

struct Ending {
  bool closed = false;   // the peer closed the connection (EOF or a reset) before the deadline
  std::string received;  // what arrived before that (the first 64 KiB)
};

// Reads whatever arrives on `fd` until the peer closes it, for up to `deadline`.
Ending readUntilClosed(int fd, milliseconds deadline);

}  // namespace rsp::test
