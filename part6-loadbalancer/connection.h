// part6-loadbalancer/connection.h — part 6: one client, relayed to one of several backends.
//
// Same as part5-timeouts/connection.h except: the backend comes from a BackendPool (pool.h).
// The Proxy chooses it; when none of its addresses accepts, the pool hears of it (and may mark
// it down) and the client is tried on the next backend that is up, so a dead backend costs
// the client nothing while another is up.
//
// From part 5: the Connection connects to the backend itself, without blocking, and keeps
// time. Its phase is one enum:
//
//   kConnecting ──▶ kRelaying ──▶ kLingering ──▶ kClosed
//        │              │                           ▲
//        └──────────────┴───────────────────────────┘ (failure, or a timeout)
//
// One timer per pair, whose meaning follows the phase: the connect timeout while connecting,
// the idle timeout while relaying, the lingering close's deadline while lingering. What the
// client sends while the backend is still connecting is queued, under the usual backpressure.
//
// From part 4: the pair is two directions, each a Flow that keeps the bytes its destination
// could not take yet (a Buffer, buffer.h), and the Connection holds the rules for them.
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

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "buffer.h"
#include "common/event_loop.h"
#include "common/fd.h"
#include "config.h"
#include "pool.h"

namespace rsp {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // One recv() takes up to 64 KiB: on a large response that is a quarter of the system calls
  // of 16 KiB reads, which made the difference against HAProxy in ./tutorial bench. At most
  // kHighWater + kReadChunk (128 KiB) is ever queued in one flow.
  static constexpr std::size_t kReadChunk = 64 * 1024;
  static constexpr std::size_t kHighWater = 64 * 1024;  // stop reading the source here
  static constexpr std::size_t kLowWater = 16 * 1024;   // and start again here
  // A lingering close reads and drops a peer's input for at most this long, and this much.
  static constexpr std::chrono::seconds kLinger{5};
  static constexpr std::size_t kLingerBytes = 16 * 1024 * 1024;

  // Watches the client and starts connecting to the pool's backend `backend`; the loop's
  // handlers keep the Connection alive from then on. `pool` must outlive it.
  static void start(EventLoop& loop, Fd client, BackendPool& pool, std::size_t backend,
                    const Timeouts& timeouts);

  Connection(EventLoop& loop, Fd client, BackendPool& pool, std::size_t backend,
             const Timeouts& timeouts);
  ~Connection();

 private:
  enum class Phase {
    kConnecting,  // the backend's handshake is under way; the client's bytes are queued
    kRelaying,    // both flows at work
    kLingering,   // both flows over: reading and dropping input before closing
    kClosed,      // out of the loop; destroyed after this batch
  };

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

  void watch(Side& side);
  void connectNext();
  void finishConnect();
  void startRelaying();
  void armTimer(Timers::Clock::time_point deadline);
  void handleTimer();
  std::uint64_t bytesAcked() const;
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
  BackendPool& pool_;
  std::size_t backendIndex_;  // which of the pool's backends, held (acquire) until closed
  std::size_t backendsTried_ = 1;
  const Timeouts timeouts_;
  Side client_;
  Side backend_;
  Flow toBackend_{client_, backend_};
  Flow toClient_{backend_, client_};
  Phase phase_ = Phase::kConnecting;
  std::size_t nextAddress_ = 0;              // the backend's address to try next
  int connectError_ = 0;                     // why the latest attempt failed
  Timers::Id timer_{};                       // the one deadline of the current phase
  Timers::Clock::time_point lastActive_{};   // the latest event; the idle timer checks it
  std::uint64_t sent_ = 0;                   // bytes written to either socket
  std::uint64_t lastAcked_ = 0;              // bytesAcked() when the idle timer last looked
  Timers::Clock::time_point lastAckedAt_{};  // when it last saw that number grow
  std::size_t dropped_ = 0;                  // bytes read and dropped (wantsToRead())
};

}  // namespace rsp
