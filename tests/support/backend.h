// tests/support/backend.h — the test backend: a small HTTP/1.0 server on a loopback thread.
//
//   GET /bytes/N     N bytes of the self-describing pattern (see pattern.h)
//   GET /delay/MS    a short text reply, sent MS milliseconds after the request arrived
//   POST /sum        reads the body (Content-Length bytes, or up to EOF) and replies
//                    "length=N fnv1a=HEX\n"; POST /sum?rate=BYTES_PER_SECOND reads it slowly
//   POST /echo       sends the body back as it arrives (Content-Length needed)
//   POST /reject?after=N   reads N bytes of the body, answers 413 and closes, the rest unread
//   POST /reset?after=N    sends the head of a long reply and N bytes of it, then a reset
//
// Every connection gets its own thread and is closed after one response (HTTP/1.0), so a
// proxy in front of it sees exactly one request and one reply per connection. A backend with a
// name says it in every reply's head, as "X-Backend: NAME", so a client can tell who answered.
//
// jam() makes it a backend that neither accepts nor refuses: see there.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/fd.h"

namespace rsp::test {

class TestBackend {
 public:
  // Listens on 127.0.0.1:port (0: any free port) and starts serving at once.
  explicit TestBackend(std::uint16_t port = 0, std::string name = "");
  ~TestBackend();
  TestBackend(const TestBackend&) = delete;
  TestBackend& operator=(const TestBackend&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& name() const { return name_; }
  std::uint64_t connectionsAccepted() const { return accepted_; }

  // Stops accepting, ends every connection's thread and closes the listening socket.
  void stop();

  // Stops accepting and fills the accept queue with connections nobody accepts. The kernel then
  // drops every new SYN, so a connect to this backend neither succeeds nor fails: the client
  // sends its SYN again after 1 s, 3 s, 7 s ... and gives up after about two minutes. The
  // connections already accepted go on. False if the queue would not fill.
  bool jam();
  // Closes the connections that filled the queue and accepts again: a connect still waiting
  // gets through at its next SYN.
  void unjam();

 private:
  struct Worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  void acceptLoop();
  Fd acceptUnlessJammed();
  void reapFinishedWorkers();

  std::string name_;
  std::uint16_t port_ = 0;  // before listener_: the listener's initialiser sets it
  Fd listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> accepted_{0};
  std::mutex jamMutex_;  // held from the check of jammed_ to the end of accept()
  bool jammed_ = false;
  std::vector<Fd> jammers_;  // our own connections, stuck in the accept queue
  std::mutex workersMutex_;
  std::list<std::unique_ptr<Worker>> workers_;
  std::thread acceptor_;
};

// Listens on 127.0.0.1 only (tests never open a port to the network). Port 0: any free port.
Fd listenOnLoopback(std::uint16_t port, std::uint16_t* bound);

}  // namespace rsp::test
