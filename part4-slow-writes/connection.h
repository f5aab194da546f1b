// part4-slow-writes/connection.h — part 4: one client, relayed without losing a byte.
//
// Same as part2-epoll/connection.h except: each side keeps the bytes it could not take yet
// (a Buffer, buffer.h), and the Connection holds the rules for them.
//
//  - Write at once when nothing is queued; queue what the socket did not take, behind what is
//    already queued, never around it. Ask for EPOLLOUT only while bytes are queued; the
//    writable event drains the queue.
//  - Backpressure: once kHighWater bytes are queued toward one side, stop reading the other;
//    read it again when the queue is down to kLowWater. A slow client slows the backend down
//    instead of growing the proxy's memory.
//  - Half-close: when one side has sent everything (its read returns 0), pass that on: flush
//    what is queued toward the other side, then shutdown(SHUT_WR) it. The Connection closes
//    when both directions are finished, or at once on an error.
//
//   backend ─▶ recv ─▶ send to client ─▶ client      client_.queued: what the client has
//                       │ EAGAIN / short  ▲                          not taken yet
//                       ▼                 │ EPOLLOUT
//                  client_.queued ────────┘          > kHighWater: stop reading the backend
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "buffer.h"
#include "common/event_loop.h"
#include "common/fd.h"

namespace rsp {

class Connection {
 public:
  // One recv() takes up to 64 KiB: on a large response that is a quarter of the system calls
  // of 16 KiB reads, which made the difference against HAProxy in ./tutorial bench. At most
  // kHighWater + kReadChunk (128 KiB) is ever queued toward one side.
  static constexpr std::size_t kReadChunk = 64 * 1024;
  static constexpr std::size_t kHighWater = 64 * 1024;  // stop reading the other side here
  static constexpr std::size_t kLowWater = 16 * 1024;   // and start again here

  // Registers both sockets with the loop, which keeps the Connection alive from then on.
  static void start(EventLoop& loop, Fd client, Fd backend);

  Connection(EventLoop& loop, Fd client, Fd backend);
  ~Connection();

 private:
  struct Side {
    Fd fd;
    const char* name;         // "client" or "backend", for the log
    Buffer queued{};          // read from the other side, not yet written to this one
    bool readOpen = true;     // false once this side has sent its FIN (recv returned 0)
    bool readPaused = false;  // backpressure: the queue toward the other side is full
  };

  Side& peerOf(const Side& side) { return &side == &client_ ? backend_ : client_; }
  void handleEvent(Side& side, std::uint32_t events);
  void handleRead(Side& from);
  void handleWrite(Side& to);
  void send(Side& to, const char* data, std::size_t size);
  void updateInterest(Side& side);
  void finishIfDone();
  void close(const Side& side, const char* why);

  EventLoop& loop_;
  Side client_;
  Side backend_;
  bool closed_ = false;
};

}  // namespace rsp
