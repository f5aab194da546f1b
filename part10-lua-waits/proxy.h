// part10-lua-waits/proxy.h — part 10: the listening side, under pressure and under an operator.
//
// Same as part8-http/proxy.h except: what the Proxy shares with its client connections is the
// routing of the config in force and the list of kept-alive clients waiting for a request
// (connection.h's ClientsShared). At maxConnections the oldest of those is closed to make room;
// on SIGTERM they all are; and the descriptors that idle backend connections may hold are kept
// out of the default maxConnections.
//
// From part 8: one pool per site, and a router shared by the pairs, instead of one pool; a
// client is accepted before any backend is chosen (its request head decides), and a reload
// carries health over site by site.
//
// From part 7:
//  - Limits (proxy.cpp). The soft descriptor limit is raised to the hard one at start-up;
//    at maxConnections open pairs the listener is not watched, so new clients wait in the
//    kernel's backlog until a pair closes; out of descriptors (EMFILE, ENFILE, ...), accepting
//    pauses, with one log line, until a pair closes or a short back-off ends; and one wake-up
//    accepts at most kAcceptsPerWakeup clients, so a burst cannot starve pairs in flight.
//  - Operating it (lifecycle.cpp). shutDown() (SIGTERM, SIGINT) stops listening and lets
//    open pairs finish for up to shutdownTimeout; reload() (SIGHUP) reads the config file
//    again, for new clients only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/event_loop.h"
#include "common/fd.h"
#include "common/log_episode.h"
#include "common/net.h"
#include "config.h"
#include "connection.h"
#include "pool.h"

namespace rsp {

// Resolves every site's backends (throws "cannot resolve ...") and makes their pools and the
// router: what the pairs accepted under this config route their requests with.
std::shared_ptr<Routing> routingFor(EventLoop& loop, const Config& config);

class Proxy {
 public:
  static constexpr int kAcceptsPerWakeup = 64;               // cf. HAProxy's tune.maxaccept
  static constexpr std::chrono::milliseconds kBackOff{250};  // out of descriptors: wait this
  // An episode of shortage, logged once, lasts until accepts have gone this long without one.
  static constexpr std::chrono::seconds kEpisodeOver{5};

  // Resolves the backends and starts listening at once (port 0: any free port); throws if it
  // cannot do either. `configPath` is read again by reload().
  Proxy(EventLoop& loop, const Config& config, std::string configPath);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  std::uint16_t port() const { return listener_.port; }

  // Stops accepting and waits for open pairs, up to shutdownTimeout; then stops the loop.
  // A second call stops the loop at once.
  void shutDown();
  // Reads the config file again. New clients get its backends, balance, chooseBackend,
  // timeouts and limits; pairs in flight keep theirs. A file that fails to load changes nothing.
  void reload();

 private:
  void apply(const Config& config);
  void guardedAccept();
  void handleAccept();
  void accepted(Fd client, const sockaddr_storage& address);
  void outOfDescriptors(int error);
  void pairClosed();
  void resumeAccepting();
  void watchListener();
  void finishShutdown();

  EventLoop& loop_;
  const std::string configPath_;
  const int descriptorLimit_;
  std::shared_ptr<ClientsShared> shared_;  // requests in flight may still hold an older routing
  int maxConnections_ = 1;
  std::chrono::milliseconds shutdownTimeout_{0};
  Listener listener_;
  int open_ = 0;                              // pairs open now
  bool pausedForDescriptors_ = false;         // not accepting until a pair closes or...
  Timers::Id backOffTimer_{};                 // ...this fires
  Timers::Clock::time_point lastShortage_{};  // the latest EMFILE (or kin) on accept
  LogEpisode acceptFailures_;                 // other accept errors: a line per episode
  bool shuttingDown_ = false;
  int openAtShutdown_ = 0;
  Timers::Id shutdownTimer_{};
};

}  // namespace rsp
