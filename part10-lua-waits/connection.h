// part10-lua-waits/connection.h — part 10: one client's requests, each routed and relayed.
//
// Same as part9-keepalive/connection.h except: a new phase, kRouting, while route(request) runs
// as a coroutine that may wait (router.h, coroutine.h). The request waits there, within
// routeTimeout (504 after it), its client not read: its body, or a pipelined next request, stays
// in the kernel until our head is queued; but a client that resets is closed at once. Every other
// pair goes on meanwhile. The coroutine, and
// the sockets its Lua opened, belong to the request (routeRun_; each request has a new one):
// they close when route answers, or when the pair answers for itself or closes, whichever comes
// first. route may also name a backend itself ("host:port"), whose pool comes from the Routing's
// peers (peers.h).
//
//   kReadingHead ──▶ kRouting ──▶ kConnecting ──▶ ...   (kRouting only if the config has route)
//                       │ routeTimeout: 504; no site: 421; the client reset: closed
//                       └──▶ our answer
//
// From part 9: a client connection carries one request after another, and a backend connection
// outlives the request it was opened for. After a response has gone out whole (its framing says
// where it ends: framing.h), the pair does not close:
//
//   kReadingHead ──▶ kConnecting ──▶ kRelaying ──▶ response delivered ─┬─▶ kReadingHead (next)
//        ▲  (or a kept backend       │  the response head is read     ├─▶ kLingering ──▶ kClosed
//        │   connection: no connect) │  first (response_reader.h)      │   (Connection: close)
//        └───────────────────────────┴─────────────────────────────────┘
//
//  - The client is kept alive unless it asked to close (or is HTTP/1.0 and did not ask to
//    stay), the response runs until the backend's close, the proxy is shutting down, or the
//    request's body was not all read when the response began. Between requests it may wait
//    keepaliveTimeout (then it is closed, without an answer); headerTimeout runs from the next
//    head's first byte. Each request is routed anew, with the config in force when it began.
//  - Pipelined requests wait their turn: at a request's end the flow from the client stops
//    reading, so the next one stays in the kernel, or in what was read past the end.
//  - The backend connection goes back to its backend's idle list (pool.h) if the response
//    ended cleanly and the backend did not ask to close; a request first tries a kept one.
//  - A kept connection may have been closed by the backend just as it was reused. A request
//    that got no byte of answer on one is sent again on a new connection, once, if that is
//    safe: its method is idempotent (RFC 9110 9.2.2) and rsp still holds all of it. Else 502.
//  - 101 Switching Protocols turns the pair into part 7's relay of bytes, both ways.
//
// From part 8: the pair reads the request's head (request_reader.h) before it connects
// anywhere, within headerTimeout (408 after it: the slowloris defence) and maxHeadSize (431),
// routes it (router.h) to a site, whose pool (pool.h) chooses the backend, and forwards the head
// the proxy writes (forward.h), then the body as its framing says. When the proxy must answer
// itself (answers.h), its answer goes to the client, then a FIN and the lingering close.
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
//   client_ ──▶ toBackend_ ──▶ backend_      (each request: our head, then the body)
//   client_ ◀── toClient_  ◀── backend_      (each response: our head, then the body; or our
//                                              answer)
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
#include "coroutine.h"
#include "flow.h"
#include "idle_clients.h"
#include "peers.h"
#include "pool.h"
#include "request_reader.h"
#include "response_reader.h"
#include "router.h"

namespace rsp {

// What a request is read and routed with: the config's head bounds and timeouts, its router and
// one pool per site (pools[i] for config.sites[i]). Shared: a request keeps the one it came
// under across a reload, as it keeps its pool; the client's next request takes the newest.
struct Routing {
  std::size_t maxHeadSize;
  std::chrono::milliseconds headerTimeout;
  std::chrono::milliseconds keepaliveTimeout;
  Timeouts timeouts;
  bool reuse;  // backendKeepalive > 0: backend connections are kept, so not told to close
  Router router;
  std::vector<std::shared_ptr<BackendPool>> pools;
  std::vector<std::string> sites;  // pools[i] is the pool of the site named sites[i]
  Peers peers;                     // part 10: the backends route named itself
};

// What the Proxy shares with every client connection: the routing of the config in force, and
// (for graceful shutdown and maxConnections) whether it is draining and who waits idle.
struct ClientsShared {
  std::shared_ptr<Routing> routing;
  bool draining = false;  // shutting down: no client is kept alive after its response
  IdleClients idle;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // A lingering close reads and drops a peer's input for at most this long (and at most
  // Flow::kDropLimit bytes).
  static constexpr std::chrono::seconds kLinger{5};

  // Watches the client (at `address`) for its request head; the loop's handlers keep the
  // Connection alive from then on. `onClosed` runs once, when it closes.
  static void start(EventLoop& loop, Fd client, const sockaddr_storage& address,
                    std::shared_ptr<ClientsShared> shared, std::function<void()> onClosed);

  Connection(EventLoop& loop, Fd client, const sockaddr_storage& address,
             std::shared_ptr<ClientsShared> shared, std::function<void()> onClosed);
  ~Connection();

 private:
  enum class Phase {
    // Nothing chosen yet: waiting for a request (keepaliveTimeout), or reading its head
    // (headerTimeout).
    kReadingHead,
    kRouting,     // route(request) runs, and may wait, within routeTimeout; the client unread
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

  // connection_http.cpp: the request's head, the route, our own answers.
  void readHead();
  void takeHead(RequestReader::Status status);
  void route();
  void routeAnswered(const Destination& to);
  void routed(const Destination& to);
  void forwardRequest();
  void answer(int status);
  void logRequest();
  // connection_response.cpp: the response's head, the end of an exchange, the next request.
  void readResponse();
  void takeResponseHead(ResponseReader::Status status);
  void startResponse();
  void noAnswer();
  void endExchange();
  void releaseBackend(bool keep);
  void awaitNextRequest();
  void closeAfterResponse();

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
  const sockaddr_storage address_;              // the client's, for chooseBackend
  const ClientAddress clientAddress_;           // the same as text, for route() and the log
  const std::shared_ptr<ClientsShared> shared_;
  std::shared_ptr<Routing> routing_;            // the config's when this request began
  Timers::Clock::time_point started_;           // this request's first byte (the log's time)
  RequestReader reader_;
  ResponseReader response_;
  MessageBody responseBody_;
  std::shared_ptr<BackendPool> pool_;  // the site's, once routed
  std::size_t backendIndex_ = 0;       // which of the pool's backends, held (acquire) until done
  std::size_t backendsTried_ = 1;
  bool headWhole_ = false;  // a complete, valid head was read: the access log has a request
  int answered_ = 0;        // the status of our own answer, if the proxy answered itself
  bool responding_ = false;        // the response head has gone on: the body follows
  bool keepClient_ = false;        // decided with the response head
  bool keepBackend_ = false;       // likewise: the backend's connection may be reused after it
  bool holding_ = false;           // pool_->acquire()d backendIndex_, not released yet
  bool reused_ = false;            // the backend's connection was a kept one
  bool retried_ = false;           // the request was sent again once already
  bool clientSentWhileHeld_ = false;  // the client sent more before its request was answered
  std::string replay_;             // the whole request as forwarded, if it came with its head
  std::uint64_t sentBefore_ = 0;   // toClient_.sent() when this request began
  int requests_ = 0;               // requests read on this connection
  IdleClients::Ticket idleTicket_ = 0;  // on shared_->idle while waiting for a request
  const std::function<void()> onClosed_;
  Side client_;
  Side backend_;
  Flow toBackend_{client_.fd.get(), -1, "backend"};  // the backend's ends: set once connected
  Flow toClient_{-1, client_.fd.get(), "client"};
  Connector connector_;
  std::unique_ptr<LuaCoroutine> routeRun_;  // route(request)'s, kept until the pair is destroyed
  Phase phase_ = Phase::kReadingHead;
  Timers::Id timer_{};                       // the one deadline of the current phase
  Timers::Clock::time_point lastActive_{};   // the latest event; the idle timer checks it
  std::uint64_t lastAcked_ = 0;              // bytesAcked() when the idle timer last looked
  Timers::Clock::time_point lastAckedAt_{};  // when it last saw that number grow
};

}  // namespace rsp
