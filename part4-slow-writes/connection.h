// part4-slow-writes/connection.h — part 4: one client, relayed without losing a byte.
//
// Same as part2-epoll/connection.h except: the pair is two directions, each a Flow that keeps
// the bytes its destination could not take yet (a Buffer, buffer.h), and the Connection holds
// the rules for them.
//
//   client_ ──▶ recv ──▶ toBackend_.queued ──▶ send ──▶ backend_      (the request)
//   client_ ◀── send ◀── toClient_.queued  ◀── recv ◀── backend_      (the reply)
//
//  - Write at once when nothing is queued; queue what the socket did not take, behind what is
//    already queued, never around it. Ask for EPOLLOUT only while bytes are queued; the
//    writable event drains the queue.
//  - Backpressure: once kHighWater bytes are queued in a flow, stop reading its source; read
//    it again when the queue is down to kLowWater. A slow client slows the backend down
//    instead of growing the proxy's memory.
//  - Half-close: when a flow's source has sent everything (recv returns 0), flush the queue,
//    then shutdown(SHUT_WR) the destination: it gets our FIN after the last byte.
//  - An error in one direction is not an error in both. A failed send ends only the flow
//    toward that socket (its queue is dropped; its source is read only to drop what it sends,
//    so a peer still sending is not left blocked); the other flow goes on, so what the
//    failing peer already sent still reaches the other side.
//  - The pair closes when both flows are over. A socket whose input was not read to its end
//    is closed gently (lingering close): closing it now would answer that input with a reset.
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
  // kHighWater + kReadChunk (128 KiB) is ever queued in one flow.
  static constexpr std::size_t kReadChunk = 64 * 1024;
  static constexpr std::size_t kHighWater = 64 * 1024;  // stop reading the source here
  static constexpr std::size_t kLowWater = 16 * 1024;   // and start again here
  // A lingering close reads and drops a peer's input for at most this long, and this much.
  static constexpr int kLingerSeconds = 5;
  static constexpr std::size_t kLingerBytes = 16 * 1024 * 1024;

  // Registers both sockets with the loop, which keeps the Connection alive from then on.
  static void start(EventLoop& loop, Fd client, Fd backend);

  Connection(EventLoop& loop, Fd client, Fd backend);
  ~Connection();

 private:
  struct Side {
    Fd fd;
    const char* name;  // "client" or "backend", for the log
  };

  // One direction: bytes read from `from`, on their way to `to`.
  struct Flow {
    enum class State {
      kOpen,      // reading `from`, writing to `to`
      kFlushing,  // `from` has sent everything: write what is queued, then FIN to `to`
      kDone,      // nothing more goes this way (FIN passed on, or `to` failed)
    };
    Side& from;
    Side& to;
    Buffer queued{};  // read from `from`, not yet written to `to`
    State state = State::kOpen;
    bool paused = false;     // backpressure: the queue is full, `from` is not read
    bool fromEnded = false;  // `from`'s input was read to its end (FIN or error)
  };

  Flow& flowFrom(const Side& side) { return &side == &client_ ? toBackend_ : toClient_; }
  Flow& flowTo(const Side& side) { return &side == &client_ ? toClient_ : toBackend_; }
  bool wantsToRead(const Flow& flow) const;

  void handleEvent(Side& side, std::uint32_t events);
  void handleRead(Flow& flow);
  void handleWrite(Flow& flow);
  void forward(Flow& flow, const char* data, std::size_t size);
  void endFlow(Flow& flow, int error);
  void settle();
  void updateInterest(Side& side);
  void startLingering();
  void closePair(const char* why);

  EventLoop& loop_;
  Side client_;
  Side backend_;
  Flow toBackend_{client_, backend_};
  Flow toClient_{backend_, client_};
  bool lingering_ = false;   // both flows are over; draining input before closing
  std::size_t dropped_ = 0;  // bytes read and dropped (wantsToRead())
  Fd lingerTimer_;           // a timerfd: the lingering close's deadline
  bool closed_ = false;
};

}  // namespace rsp
