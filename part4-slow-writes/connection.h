// part4-slow-writes/connection.h — part 4: one client, relayed without losing a byte.
//
// Same as part2-epoll/connection.h except: the pair is two directions, each a Flow (flow.h)
// that keeps the bytes its destination could not take yet and the rules for relaying them.
// The Connection is the glue: it hands each socket's events to the two flows, watches each
// socket for what they want, and closes the pair when both are over.
//
//   client_ ──▶ toBackend_ ──▶ backend_      (the request)
//   client_ ◀── toClient_  ◀── backend_      (the reply)
//
// The pair closes when both flows are over. A socket whose input was not read to its end is
// closed gently (lingering close): closing it now would answer that input with a reset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/event_loop.h"
#include "common/fd.h"
#include "flow.h"

namespace rsp {

class Connection {
 public:
  // A lingering close reads and drops a peer's input for at most this long (and at most
  // Flow::kDropLimit bytes).
  static constexpr int kLingerSeconds = 5;

  // Registers both sockets with the loop, which keeps the Connection alive from then on.
  static void start(EventLoop& loop, Fd client, Fd backend);

  Connection(EventLoop& loop, Fd client, Fd backend);
  ~Connection();

 private:
  struct Side {
    Fd fd;
    const char* name;  // "client" or "backend", for the log
  };

  Flow& flowFrom(const Side& side) { return &side == &client_ ? toBackend_ : toClient_; }
  Flow& flowTo(const Side& side) { return &side == &client_ ? toClient_ : toBackend_; }

  void handleEvent(Side& side, std::uint32_t events);
  void settle();
  void updateInterest(Side& side);
  void startLingering();
  void closePair(const char* why);

  EventLoop& loop_;
  Side client_;
  Side backend_;
  Flow toBackend_{client_.fd.get(), backend_.fd.get(), "backend"};
  Flow toClient_{backend_.fd.get(), client_.fd.get(), "client"};
  bool lingering_ = false;  // both flows are over; draining input before closing
  Fd lingerTimer_;          // a timerfd: the lingering close's deadline
  bool closed_ = false;
};

}  // namespace rsp
