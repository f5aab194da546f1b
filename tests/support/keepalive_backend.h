// tests/support/keepalive_backend.h — part 9: an HTTP/1.1 backend that keeps connections alive.
//
// Part 9's tests must show how many connections a backend needed for how many requests, and
// what each request looked like when it arrived. This backend counts both, records every
// request (head and body, as framed) with the connection it came on, and serves any number of
// requests per connection, one after the other. Its answers depend on the request's target:
//
//   any HEAD            the head of the 200 below, Content-Length included, and no body
//   GET /status/N       status N: 204 without a body or Content-Length, 304 with a
//                       Content-Length and no body, any other with the usual body
//   GET /early-hints    a 103 Early Hints first, then the usual 200
//   GET /chunked        a chunked body (several chunks, one with an extension): kChunkedBody
//   GET /bytes/N        N bytes of the pattern (pattern.h), with Content-Length
//   GET /delay/MS       the usual 200, MS milliseconds after the request arrived
//   GET /close-delimited   a body without Content-Length or chunked, ended by closing
//   GET /hop-by-hop     the usual 200 with hop-by-hop fields a proxy must not pass on:
//                       Connection: keep-alive, X-Hop / Keep-Alive / X-Hop, and one end-to-end
//                       field, X-End-To-End, that it must
//   GET /overrun        the usual 200, and in the same write a second response nobody asked
//                       for ("X-Backend: evil", body "smuggle"): response splitting
//   GET /te-and-cl      a chunked body ("hello") whose head also says Content-Length: 3
//   GET /upgrade        with an Upgrade field: 101 Switching Protocols, a greeting line
//                       ("hello from NAME\n"), then every byte that arrives is sent back
//   GET /health         status Options::healthStatus (200 unless asked otherwise)
//   anything else       the usual 200, below
//
//   HTTP/1.1 200 OK\r\n                 the body is the name and a newline; X-Backend names it
//   Content-Type: text/plain\r\n        too, X-Target says which target it answers and
//   Content-Length: 3\r\n               X-Request which request of its connection this was
//   X-Backend: b1\r\n                   (1, 2, ...): enough for a test to check order
//   X-Target: /x\r\n
//   X-Request: 1\r\n
//   \r\n
//   b1\n
//
// A request that says `Connection: close` gets `Connection: close` and the close after its
// answer. Options script how the backend treats connections (see there). One thread per
// connection, loopback only; a connection idle for 30 s (or closeIdleAfter) is closed, and
// every wait gives up at stop().
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/fd.h"

namespace rsp::test {

class KeepAliveBackend {
 public:
  struct Options {
    // Closes a connection that has been idle between requests this long (0: after 30 s), as
    // a real backend's keep-alive timeout does; the proxy must not reuse it after that.
    std::chrono::milliseconds closeIdleAfter{0};
    // Answers the first request on each connection; reads the second in full and closes
    // without a byte of answer: the race a proxy loses when it reuses a connection that the
    // backend is closing.
    bool closeOnSecondRequest = false;
    int healthStatus = 200;  // the status GET /health gets
    std::uint16_t port = 0;  // where to listen on 127.0.0.1; 0: a free port
  };

  struct Request {
    std::size_t connection = 0;  // which connection it came on: 0, 1, ... in order of accept
    std::string head;            // its head, the blank line included
    std::string body;            // its body as the head frames it (chunked: still chunked)
    std::string method() const { return head.substr(0, head.find(' ')); }
    std::string target() const;
  };

  // The body GET /chunked carries, once its chunks are decoded.
  static constexpr const char* kChunkedBody = "chunk one, chunk two, and the last chunk\n";

  // Listens on 127.0.0.1 (on options.port, or a free port) and starts serving at once.
  explicit KeepAliveBackend(std::string name, Options options);
  explicit KeepAliveBackend(std::string name) : KeepAliveBackend(std::move(name), Options{}) {}
  ~KeepAliveBackend();
  KeepAliveBackend(const KeepAliveBackend&) = delete;
  KeepAliveBackend& operator=(const KeepAliveBackend&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& name() const { return name_; }
  std::uint64_t connections() const { return connections_; }
  // Connections open now: accepted and not yet closed by either side.
  std::uint64_t openConnections() const { return open_; }
  // Every request read in full, in the order they arrived (a copy).
  std::vector<Request> requests() const;
  // How many requests had this method, or this target (GET /health from checks included).
  std::size_t countMethod(const std::string& method) const;
  std::size_t countTarget(const std::string& target) const;
  // Waits until `count` requests have arrived in full; false if the deadline came first.
  bool waitForRequests(std::size_t count, std::chrono::milliseconds deadline) const;

  // Stops accepting, ends every connection's thread and closes the listening socket.
  void stop();

 private:
  void acceptLoop();
  void serve(Fd connection, std::size_t index);
  bool answer(int fd, const Request& request, std::size_t nth);  // false: close now
  void echo(int fd);

  std::string name_;
  Options options_;
  std::uint16_t port_ = 0;  // before listener_: the listener's initialiser sets it
  Fd listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> open_{0};
  mutable std::mutex mutex_;          // guards requests_
  std::vector<Request> requests_;     // every request read in full, in order of arrival
  std::vector<std::thread> workers_;  // joined by stop(); only the acceptor touches the list
  std::thread acceptor_;
};

}  // namespace rsp::test
