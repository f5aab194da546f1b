// part8-http/connection.h — part 8: one client, relayed to one of several backends.
//
// Same as part6-loadbalancer/connection.h except: the pair shares ownership of its pool, so
// that after a reload (SIGHUP) it keeps its backend while new clients use the new pool; it
// tells the Proxy when it closes (maxConnections, graceful shutdown); an exception escaping a
// handler closes this pair only; and running out of descriptors is not the backend's fault.
//
// From part 6: the backend comes from a BackendPool (pool.h). The Proxy chooses it; when none
// of its addresses accepts, the pool hears of it (and may mark it down) and the client is
// tried on the next backend that is up, so a dead backend costs the client nothing while
// another is up.
//
// From part 5: the pair connects to the backend itself,
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
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>

#include "backend.h"
#include "common/event_loop.h"
#include "common/fd.h"
#include "config.h"
#include "connector.h"
#include "flow.h"
#include "pool.h"

namespace rsp {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // A lingering close reads and drops a peer's input for at most this long (and at most
  // Flow::kDropLimit bytes).
  static constexpr std::chrono::seconds kLinger{5};

  // Watches the client and starts connecting to the pool's backend `backend`; the loop's
  // handlers keep the Connection alive from then on. `onClosed` runs once, when it closes.
  static void start(EventLoop& loop, Fd client, std::shared_ptr<BackendPool> pool,
                    std::size_t backend, const Timeouts& timeouts, std::function<void()> onClosed);

  Connection(EventLoop& loop, Fd client, std::shared_ptr<BackendPool> pool, std::size_t backend,
             const Timeouts& timeouts, std::function<void()> onClosed);
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
  const char* tryNextBackend(int error);
  void armTimer(Timers::Clock::time_point deadline);
  void handleTimer();
  bool idle();
  std::uint64_t bytesAcked() const;
  void handleEvent(Side& side, std::uint32_t events);
  void relay(Side& side, std::uint32_t events);
  template <typename Work>
  void guarded(Work work);
  void settle();
  void updateInterest(Side& side);
  void startLingering();
  void closePair(const char* why);

  EventLoop& loop_;
  const std::shared_ptr<BackendPool> pool_;  // the config's pool when this client came
  std::size_t backendIndex_;  // which of the pool's backends, held (acquire) until closed
  std::size_t backendsTried_ = 1;
  const Timeouts timeouts_;
  const std::function<void()> onClosed_;
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
