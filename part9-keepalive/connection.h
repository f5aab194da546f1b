// part9-keepalive/connection.h — part 9: one client's request, routed by Host and relayed.
//
// Same as part7-limits/connection.h except: a new first phase. The pair reads the request's
// head (request_reader.h) before it connects anywhere, within headerTimeout from the accept
// (408 after it: the slowloris defence) and maxHeadSize (431). A complete, valid head is
// routed (router.h: route(), then the Host) to a site, whose pool (pool.h) chooses the
// backend; the Connector connects to it as in part 7. Toward the backend goes the head the
// proxy writes (forward.h), then the body as its framing says, and nothing after it (LIMIT:
// one request per client connection; part 9 reads the next). When the proxy must answer
// itself (answers.h: a refused head, no site, no backend, a timeout before the answer), its
// answer goes to the client, then a FIN and the lingering close, and no backend sees a byte.
//
//   kReadingHead ──▶ kConnecting ──▶ kRelaying ──▶ kLingering ──▶ kClosed
//        │  our answer     │  (502, 504)   ▲ (502, 504: no byte of answer yet)
//        └─────────────────┴───────────────┘
//
// From part 7: the pair shares ownership of its pool, so that after a reload (SIGHUP) it
// keeps its backend while new clients use the new pool; it tells the Proxy when it closes
// (maxConnections, graceful shutdown); an exception escaping a handler closes this pair only;
// and running out of descriptors is not the backend's fault.
//
// From part 6: the backend comes from a BackendPool (pool.h). When none of its addresses
// accepts, the pool hears of it (and may mark it down) and the client is tried on the next
// backend that is up, so a dead backend costs the client nothing while another is up.
//
// From part 5: the pair connects to the backend itself, through a Connector (connector.h),
// without blocking; and it keeps time. While connecting, the Connector's timer is the connect
// timeout, and the body the client sends is queued in its flow (flow.h), under the usual
// backpressure. Then one timer per pair, whose meaning follows the phase: headerTimeout while
// reading the head, the idle timeout while relaying, the lingering close's deadline while
// lingering.
//
// From part 4: the pair is two directions, each a Flow that keeps the bytes its destination
// could not take yet and the rules for relaying them; the Connection is the glue.
//
//   client_ ──▶ toBackend_ ──▶ backend_      (the request: our head, then the body)
//   client_ ◀── toClient_  ◀── backend_      (the reply, or our answer)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "common/event_loop.h"
#include "common/fd.h"
#include "config.h"
#include "connector.h"
#include "flow.h"
#include "pool.h"
#include "request_reader.h"
#include "router.h"

namespace rsp {

// What a request is read and routed with: the config's head bounds, its router and one pool
// per site (pools[i] for config.sites[i]). Shared: a pair keeps the one it came under across
// a reload, as it keeps its pool.
struct Routing {
  std::size_t maxHeadSize;
  std::chrono::milliseconds headerTimeout;
  Router router;
  std::vector<std::shared_ptr<BackendPool>> pools;
  std::vector<std::string> sites;  // pools[i] is the pool of the site named sites[i]
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // A lingering close reads and drops a peer's input for at most this long (and at most
  // Flow::kDropLimit bytes).
  static constexpr std::chrono::seconds kLinger{5};

  // Watches the client (at `address`) for its request head; the loop's handlers keep the
  // Connection alive from then on. `onClosed` runs once, when it closes.
  static void start(EventLoop& loop, Fd client, const sockaddr_storage& address,
                    std::shared_ptr<Routing> routing, const Timeouts& timeouts,
                    std::function<void()> onClosed);

  Connection(EventLoop& loop, Fd client, const sockaddr_storage& address,
             std::shared_ptr<Routing> routing, const Timeouts& timeouts,
             std::function<void()> onClosed);
  ~Connection();

 private:
  enum class Phase {
    // Nothing chosen yet: reading the request's head, within headerTimeout.
    kReadingHead,
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

  // connection_http.cpp: the head, the route, our own answers.
  void readHead();
  void route();
  void forwardRequest();
  void answer(int status);
  void logRequest() const;
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
  const sockaddr_storage address_;            // the client's, for chooseBackend
  const ClientAddress clientAddress_;         // the same as text, for route() and the log
  const std::shared_ptr<Routing> routing_;    // the config's when this client came
  const Timers::Clock::time_point accepted_;  // headerTimeout and the log's time run from here
  RequestReader reader_;
  std::shared_ptr<BackendPool> pool_;  // the site's, once routed
  std::size_t backendIndex_ = 0;       // which of the pool's backends, held (acquire) until closed
  std::size_t backendsTried_ = 1;
  bool headWhole_ = false;  // a complete, valid head was read: the access log has a request
  int answered_ = 0;        // the status of our own answer, if the proxy answered itself
  const Timeouts timeouts_;
  const std::function<void()> onClosed_;
  Side client_;
  Side backend_;
  Flow toBackend_{client_.fd.get(), -1, "backend"};  // the backend's ends: set once connected
  Flow toClient_{-1, client_.fd.get(), "client"};
  Connector connector_;
  Phase phase_ = Phase::kReadingHead;
  Timers::Id timer_{};                       // the one deadline of the current phase
  Timers::Clock::time_point lastActive_{};   // the latest event; the idle timer checks it
  std::uint64_t lastAcked_ = 0;              // bytesAcked() when the idle timer last looked
  Timers::Clock::time_point lastAckedAt_{};  // when it last saw that number grow
};

}  // namespace rsp
