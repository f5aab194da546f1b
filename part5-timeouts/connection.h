// part5-timeouts/connection.h — part 5: one client, relayed without losing a byte or waiting.
//
// Same as part4-slow-writes/connection.h except: the pair connects to the backend itself,
// through a Connector (connector.h), without blocking; and it keeps time. Its phase is one
// enum:
//
//   kConnecting ──▶ kRelaying ──▶ kLingering ──▶ kClosed
//        │              │                           ▲
//        └──────────────┴───────────────────────────┘ (failure, or a timeout)
//
// While connecting, the Connector's timer is the connect timeout, and what the client sends
// is queued in its flow (flow.h), under the usual backpressure. Then one timer per pair,
// whose meaning follows the phase: the idle timeout while relaying, the lingering close's
// deadline while lingering.
//
// From part 4: the pair is two directions, each a Flow that keeps the bytes its destination
// could not take yet and the rules for relaying them; the Connection is the glue.
//
//   client_ ──▶ toBackend_ ──▶ backend_      (the request)
//   client_ ◀── toClient_  ◀── backend_      (the reply)
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "backend.h"
#include "common/event_loop.h"
#include "common/fd.h"
#include "config.h"
#include "connector.h"
#include "flow.h"

namespace rsp {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // A lingering close reads and drops a peer's input for at most this long (and at most
  // Flow::kDropLimit bytes).
  static constexpr std::chrono::seconds kLinger{5};

  // Watches the client and starts connecting to the backend; the loop's handlers keep the
  // Connection alive from then on. `backend` must outlive it.
  static void start(EventLoop& loop, Fd client, const Backend& backend, const Timeouts& timeouts);

  Connection(EventLoop& loop, Fd client, const Backend& backend, const Timeouts& timeouts);
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

  Flow& flowFrom(const Side& side) { return &side == &client_ ? toBackend_ : toClient_; }
  Flow& flowTo(const Side& side) { return &side == &client_ ? toClient_ : toBackend_; }

  void connected(Fd backend, int error);
  void armTimer(Timers::Clock::time_point deadline);
  void handleTimer();
  bool idle();
  std::uint64_t bytesAcked() const;
  void handleEvent(Side& side, std::uint32_t events);
  void settle();
  void updateInterest(Side& side);
  void startLingering();
  void closePair(const char* why);

  EventLoop& loop_;
  const Backend& backendAddress_;
  const Timeouts timeouts_;
  Side client_;
  Side backend_;
  Flow toBackend_{client_.fd.get(), -1, "backend"};  // the backend's ends: set once connected
  Flow toClient_{-1, client_.fd.get(), "client"};
  Connector connector_;
  Phase phase_ = Phase::kConnecting;
  Timers::Id timer_{};                       // the one deadline of the current phase
  Timers::Clock::time_point lastActive_{};   // the latest event; the idle timer checks it
  std::uint64_t lastAcked_ = 0;              // bytesAcked() when the idle timer last looked
  Timers::Clock::time_point lastAckedAt_{};  // when it last saw that number grow
};

}  // namespace rsp
