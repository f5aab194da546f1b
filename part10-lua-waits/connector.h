// part10-lua-waits/connector.h — part 10: connecting to a backend without waiting, within a time.
// Unchanged from part5-timeouts/connector.h.
//
// Parts 2-4 called a blocking connect() inside the loop: while a backend took its time to
// answer (or dropped SYNs and never did), every client waited. A Connector only starts the
// handshake (backend.h) and lets the loop say when it has ended, as muduo's Connector does:
//
//   connect(backend) ──▶ startConnect() on the next address
//                          │ in progress               │ failed at once
//                          ▼                           │
//                        writable, or the timeout ─────┤ SO_ERROR != 0, or timed out
//                          │ SO_ERROR == 0             ▼
//                          ▼                         the next address; none left:
//                        done(socket, 0)             done({}, errno of the last failure)
//
// The socket it hands over is still registered with the loop (for writability): the receiver
// takes it over with EventLoop::replace(), which changes its handler and interest in one
// epoll_ctl.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "backend.h"
#include "common/event_loop.h"
#include "common/fd.h"

namespace rsp {

class Connector {
 public:
  // Called once per connect(): with the connected socket and 0, or an empty Fd and the errno
  // (ETIMEDOUT, ECONNREFUSED, EMFILE, ...) of the last address's failure. It may call
  // connect() again, for another backend.
  using Done = std::function<void(Fd socket, int error)>;

  Connector(EventLoop& loop, Done done) : loop_(loop), done_(std::move(done)) {}
  ~Connector() { cancel(); }
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  // Starts connecting to `backend` (which must outlive the attempt), each address within
  // `timeout`.
  void connect(const Backend& backend, std::chrono::milliseconds timeout);
  // Drops the attempt under way, if any: done is not called for it.
  void cancel();

 private:
  void tryNext();
  void handleWritable();
  void failed(int error);
  void finish(Fd socket, int error);

  EventLoop& loop_;
  const Done done_;
  const Backend* backend_ = nullptr;
  std::chrono::milliseconds timeout_{};
  std::size_t next_ = 0;  // the backend's address to try next
  Fd socket_;             // the attempt under way
  Timers::Id timer_{};    // its deadline
};

}  // namespace rsp
