// part10-lua-waits/router.h — part 10: which site a request goes to.
//
// Same as part9-keepalive/router.h except: route(request) runs as a coroutine (coroutine.h)
// that may wait (rsp.sleep, rsp.tcp: rsp_library.h) while every other pair moves on, and it may
// name a backend itself. Once a request's head is complete and valid, before any backend is
// chosen:
//
//   route(request) in Lua, if the config defines it ──▶ a site's name: that site
//        │                                           ──▶ "host:port", a numeric address: that
//        │                                               backend, pooled by address (peers.h)
//        │ nil, or no route, or it failed                (any case: "A.Test" is "a.test")
//        ▼
//   the Host, as nginx's server_name matches it (sites.h) ──▶ a site, or the default site
//        │ neither
//        ▼
//   no site: the proxy answers 421 itself (answers.h) and no backend sees the request
//
// route is told one table, made in the config's own Lua state, as chooseBackend is (chooser.h):
//
//   request.method, .target, .path        -- "GET", "/a/b?c" (as sent), "/a/b"
//   request.host                          -- lower-cased, no port: what Host matching uses
//   request.version                       -- "HTTP/1.1" or "HTTP/1.0"
//   request.headers["x-name"]             -- names lower-cased; repeated fields joined by ", "
//   request.client.address, .port         -- who connected
//
// Each of its runs between waits is bounded as chooseBackend is (lua_limits.h: luaTimeLimit,
// luaMemoryLimit); how long it may wait in all is routeTimeout (the Connection's timer: 504).
// A run that overruns, raises an error, or returns something that is not nil, a site's name or
// "host:port" costs one log line per episode (common/log_episode.h), the sockets it opened, and
// that request goes by Host. After kOverrunsToSwitchOff overruns in a row, each of which held
// the whole loop, route is switched off until the next reload, with one line saying so.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/log_episode.h"
#include "config.h"
#include "coroutine.h"
#include "http_parser.h"
#include "sites.h"

struct lua_State;

namespace rsp {

struct ClientAddress {
  std::string address;  // "127.0.0.1", "::1": no brackets, no port
  int port = 0;
};

// The client's address and port, as route, the access log and X-Forwarded-For show them.
ClientAddress describeClient(const sockaddr_storage& client);

// Where a request goes: a site (an index into config.sites), or a backend route named, or, with
// neither, nowhere (421).
struct Destination {
  std::optional<std::size_t> site;
  std::optional<BackendAddress> backend;  // route's "host:port"
};

class Router {
 public:
  static constexpr int kOverrunsToSwitchOff = 3;
  using Routed = std::function<void(const Destination&)>;

  // Sites as config.sites names them, in that order; route if config.hasRoute. The names must
  // be valid (loadConfig has checked them; Sites throws std::invalid_argument otherwise).
  explicit Router(const Config& config);

  // True while requests are to wait for route(request): the config defines it, and it has not
  // been switched off.
  bool routes() const { return lua_ && overrunsInRow_ < kOverrunsToSwitchOff; }
  std::chrono::milliseconds routeTimeout() const { return routeTimeout_; }
  // A coroutine on the config's Lua state, for startRoute(); the caller keeps it for as long as
  // the request lasts (its sockets close with it).
  std::unique_ptr<LuaCoroutine> newRun(EventLoop& loop) const;
  // Starts route(request) in `run`. `routed` is called once with where the request goes (by
  // Host if route fails), maybe before this returns; never after run.stop().
  void startRoute(LuaCoroutine& run, const RequestHead& head, const ClientAddress& client,
                  Routed routed);
  // The site for a complete, valid request head by its Host alone.
  Destination byHost(const RequestHead& head) const;

 private:
  Destination routed(const RequestHead& head, const CoroutineResult& result,
                     LogEpisode::Clock::time_point now);

  Sites sites_;
  std::unordered_map<std::string, std::size_t> byName_;  // each site's name, lower-cased
  std::shared_ptr<lua_State> lua_;                        // null without route
  std::chrono::milliseconds routeTimeout_;
  int overrunsInRow_ = 0;
  LogEpisode routeErrors_;  // a failing route: a line per episode, not per request
};

}  // namespace rsp
