// part10-lua-waits/idle_connections.h — part 10: a backend's connections kept open for the next
// request.
//
// Opening a connection to the backend costs a handshake (and, on the backend, an accept) per
// request; nginx's `keepalive 32` and HAProxy's `http-reuse` keep finished ones open instead.
// When a response has ended cleanly (its framing said where, the backend did not say close),
// the pair hands its backend connection here; the next request for that backend takes the
// newest one back (the one least likely to have been closed by the backend meanwhile):
//
//   pair A: response ends ──▶ keep(fd) ──▶ [ fd 9 | fd 12 | fd 15 ] ──▶ take() ──▶ pair B
//                                           oldest               newest
//
// While it waits here, a connection is watched for input: an idle connection has nothing to
// say, so any event means the backend closed it (a FIN, a reset) or broke the protocol, and it
// is dropped. It is also dropped after backendIdleTimeout, which should be shorter than the
// backend's own (4 s by default; many servers close after 5), and the oldest goes when more
// than `capacity` wait. A race remains: the backend may close it just as it is reused. The
// Connection retries such a request once, if it is safe to (connection.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>

#include "common/event_loop.h"
#include "common/fd.h"

namespace rsp {

class IdleConnections : public std::enable_shared_from_this<IdleConnections> {
 public:
  IdleConnections(EventLoop& loop, std::size_t capacity, std::chrono::milliseconds timeout)
      : loop_(loop), capacity_(capacity), timeout_(timeout) {}
  ~IdleConnections();
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;

  std::size_t capacity() const { return capacity_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  std::size_t size() const { return idle_.size(); }

  // Keeps `socket`, which the loop watches (for another handler, which this one replaces).
  void keep(Fd socket);
  // The newest connection kept, or an empty Fd. It stays registered with the loop under this
  // object's handler, until the caller gives it its own with EventLoop::replace(), at once.
  Fd take();

 private:
  struct Idle {
    Fd socket;
    Timers::Id timer;
  };

  void drop(int socket);

  EventLoop& loop_;
  const std::size_t capacity_;
  const std::chrono::milliseconds timeout_;
  std::deque<Idle> idle_;  // oldest first
};

}  // namespace rsp
