// part10-lua-waits/pool.h — part 10: the backends of one site, which of them are up, and the choice.
//
// Same as part8-http/pool.h except: each backend keeps its idle connections for reuse
// (idle_connections.h: backendKeepalive of them, for backendIdleTimeout), and a reload carries
// them over, with the health, for a backend that stays; and a health check may be an HTTP
// request (checkPath) instead of a bare connect.
//
// From part 8: a pool is made from a PoolSettings (config.h), one site's backends, balance and
// checks; the proxy has one pool per site.
//
// From part 7: a reload makes a new pool while pairs in flight still hold the old one, so a
// pool is shared (create() makes it), can be retired (no more checks), and may be destroyed
// while a health check is under way.
//
// A load balancer decides, for every new client, which backend gets it:
//  - roundrobin: each up backend in turn;
//  - leastconn: the up backend with the fewest open pairs (ties in round-robin order);
//  - chooseBackend(client), if the config defines it (chooser.h): the config decides, and a
//    mistake in it falls back to the balance above.
// Health, passive and active: a backend whose connect fails (refused, timed out) is marked
// down, and clients are tried on the next backend that is up; every checkInterval each down
// backend gets a TCP connect of its own, and one that accepts is marked up again. Each change
// is one log line. With checkInterval = 0 nothing would ever bring a backend back, so none is
// marked down: a failed connect just moves that client on, as HAProxy does without `check`.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend.h"
#include "chooser.h"
#include "common/event_loop.h"
#include "common/fd.h"
#include "common/log_episode.h"
#include "config.h"
#include "idle_connections.h"

namespace rsp {

class BackendPool : public std::enable_shared_from_this<BackendPool> {
 public:
  // Resolves every backend now (throws "cannot resolve ..." if one does not resolve) and
  // starts the periodic health check.
  static std::shared_ptr<BackendPool> create(EventLoop& loop, const PoolSettings& settings);
  BackendPool(const BackendPool&) = delete;
  BackendPool& operator=(const BackendPool&) = delete;
  // No more health checks: a newer config has replaced this pool; its pairs may go on.
  void retire();
  // After a reload: a backend that stays (same host and port) keeps the health `older` knew,
  // so a known-dead one does not cost the next client a connect. Down is kept only while
  // checks run (checkInterval > 0), since only a check brings a backend back. Its idle
  // connections stay too, if the keep-alive settings did not change.
  void carryOverFrom(const BackendPool& older);

  std::size_t size() const { return members_.size(); }
  const Backend& backend(std::size_t index) const { return members_[index].backend; }

  // The backend for a new client; nullopt when none is up.
  std::optional<std::size_t> choose(const sockaddr_storage& client);
  // The first backend that is up after `index` (wrapping round; `index` itself last).
  std::optional<std::size_t> nextUp(std::size_t index) const;

  // A pair starts or stops using a backend (leastconn counts these).
  void acquire(std::size_t index) { ++members_[index].connections; }
  void release(std::size_t index) { --members_[index].connections; }
  // Every address of the backend failed to connect, for `error` (an errno).
  void connectFailed(std::size_t index, int error);
  // A connect found no free local port (EADDRNOTAVAIL): the proxy's shortage, not the
  // backend's fault, so it stays up. One line per episode.
  void outOfLocalPorts(std::size_t index);

  // A kept connection to the backend, or an empty Fd (idle_connections.h).
  Fd takeIdle(std::size_t index) { return members_[index].idle->take(); }
  // A connection whose last response ended cleanly, kept for the next request.
  void keepIdle(std::size_t index, Fd socket) { members_[index].idle->keep(std::move(socket)); }

 private:
  struct Member {
    BackendAddress address;  // as configured: what chooseBackend sees
    Backend backend;         // resolved
    bool up = true;
    int connections = 0;
    bool checking = false;         // a health check is under way
    std::size_t checkAddress = 0;  // which of its addresses the next check tries
    LogEpisode connectFailures{};  // "cannot connect", once per episode (common/log_episode.h)
    std::shared_ptr<IdleConnections> idle{};  // shared with the next config's pool, if it stays
  };

  BackendPool(EventLoop& loop, const PoolSettings& settings);
  std::optional<std::size_t> byBalance();
  std::optional<std::size_t> byLua(const sockaddr_storage& client);
  void checkBackends();
  void scheduleCheck();
  void check(std::size_t index);
  void checked(std::size_t index, bool up);
  void markUp(std::size_t index);

  EventLoop& loop_;
  std::vector<Member> members_;
  Balance balance_;
  std::size_t cursor_ = 0;  // where round robin goes on from
  std::chrono::milliseconds checkInterval_;
  std::chrono::milliseconds checkTimeout_;
  std::string checkPath_;  // empty: a check is a TCP connect
  Timers::Id checkTimer_{};
  std::optional<LuaChooser> chooser_;
  std::vector<BackendView> views_;  // what chooseBackend is told; reused from call to call
  LogEpisode chooserErrors_;        // a failing chooseBackend: a line per episode, not per client
  LogEpisode portShortage_;
};

}  // namespace rsp
