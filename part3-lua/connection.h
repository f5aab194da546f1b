// part3-lua/connection.h — part 3: one client, relayed to the backend by the event loop.
// Unchanged from part2-epoll/connection.h.
//
// A Connection owns two non-blocking sockets, the client's and the backend's, and registers a
// handler for each with the loop. Whatever arrives on one side is written to the other; when
// either side closes or fails, both are closed.
//
//   client ──▶ read ──▶ write ──▶ backend      (the request)
//   client ◀── write ◀── read ◀── backend      (the reply)
//
// The loop's handlers own the Connection through a shared_ptr: it lives while either of its
// sockets is registered, and it is destroyed after the batch of events in which close()
// removed them, never inside a callback.
#pragma once

#include <cstdint>
#include <memory>

#include "common/event_loop.h"
#include "common/fd.h"

namespace rsp {

class Connection {
 public:
  // Registers both sockets with the loop, which keeps the Connection alive from then on.
  static void start(EventLoop& loop, Fd client, Fd backend);

  Connection(EventLoop& loop, Fd client, Fd backend);
  ~Connection();

 private:
  struct Side {
    Fd fd;
    const char* name;  // "client" or "backend", for the log
  };

  void handleEvent(Side& from, Side& to, std::uint32_t events);
  void relay(Side& from, Side& to);
  void close(const Side& side, const char* why);

  EventLoop& loop_;
  Side client_;
  Side backend_;
  bool closed_ = false;
};

}  // namespace rsp
