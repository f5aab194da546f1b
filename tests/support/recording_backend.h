// tests/support/recording_backend.h — part 8: a backend that records what reached it.
//
// Part 8's tests must show what a backend received, and that for a refused request it received
// nothing at all: not a request, not a byte, not even a connection. This backend counts its
// connections and bytes and keeps every byte each connection brought, split into the request
// head, its body (by the head's Content-Length, or a chunked body up to its last chunk), and
// anything after. To each request it answers one small fixed reply that names it:
//
//   HTTP/1.1 200 OK\r\n                 its body is its name and a newline, so a client can
//   Content-Type: text/plain\r\n        tell who answered from the body or from X-Backend,
//   Content-Length: 3\r\n               as with TestBackend (backend.h)
//   Connection: close\r\n
//   X-Backend: b1\r\n
//   \r\n
//   b1\n
//
// then closes gently (its FIN, then it reads until the peer's, for up to a second), recording
// what still arrives. One request per connection, one thread per connection, loopback only.
//
// With Mode::kKeepAlive (part 9's tour lesson), it serves one request after another on a
// connection, as an HTTP/1.1 server does: its replies say no Connection: close, unless the
// request said close (then it replies so and closes as above), and it waits for the next
// request until the peer closes. received() then keeps the first request's head and body, and
// every byte of the connection; requests() counts them all.
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

class RecordingBackend {
 public:
  struct Received {
    std::string head;   // the request head, its blank line included; empty if it never ended
    std::string body;   // the body as the head frames it
    std::string bytes;  // everything the connection brought: head, body, and what came after
  };

  enum class Mode { kOneRequest, kKeepAlive };

  // Listens on 127.0.0.1, on a free port, and starts serving at once.
  explicit RecordingBackend(std::string name, Mode mode = Mode::kOneRequest);
  ~RecordingBackend();
  RecordingBackend(const RecordingBackend&) = delete;
  RecordingBackend& operator=(const RecordingBackend&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& name() const { return name_; }
  std::uint64_t connections() const { return connections_; }
  std::uint64_t requests() const { return requests_; }  // whole requests answered
  std::uint64_t bytesReceived() const;
  // One entry per connection, in the order they were accepted (a copy: they may still grow).
  std::vector<Received> received() const;
  // Waits until `count` connections have sent a whole head; false if the deadline came first.
  bool waitForRequests(std::size_t count, std::chrono::milliseconds deadline) const;

  // Stops accepting, ends every connection's thread and closes the listening socket.
  void stop();

 private:
  void acceptLoop();
  void serve(Fd connection, std::size_t slot);
  bool readMore(int fd, std::size_t slot, std::chrono::steady_clock::time_point until);
  std::size_t readRequest(int fd, std::size_t slot, std::size_t from);
  void reply(int fd, bool close);

  std::string name_;
  Mode mode_;
  std::uint16_t port_ = 0;  // before listener_: the listener's initialiser sets it
  Fd listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> requests_{0};
  mutable std::mutex mutex_;          // guards received_
  std::vector<Received> received_;    // one per accepted connection
  std::vector<std::thread> workers_;  // joined by stop(); only the acceptor touches the list
  std::thread acceptor_;
};

}  // namespace rsp::test
