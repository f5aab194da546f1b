// part10-lua-waits/router.h — part 10: which site a request goes to.
//
// Once a request's head is complete and valid, and before any backend is chosen:
//
//   route(request) in Lua, if the config defines it ──▶ a site's name: that site
//        │ nil, or no route, or it failed                (any case: "A.Test" is "a.test")
//        ▼
//   the Host, as nginx's server_name matches it (sites.h) ──▶ a site, or the default site
//        │ neither
//        ▼
//   no site: the proxy answers 421 itself (answers.h) and no backend sees the request
//
// route is told one table, in the config's own Lua state, as chooseBackend is (chooser.h):
//
//   request.method, .target, .path        -- "GET", "/a/b?c" (as sent), "/a/b"
//   request.host                          -- lower-cased, no port: what Host matching uses
//   request.version                       -- "HTTP/1.1" or "HTTP/1.0"
//   request.headers["x-name"]             -- names lower-cased; repeated fields joined by ", "
//   request.client.address, .port         -- who connected
//
// It is bounded as chooseBackend is (lua_limits.h: luaTimeLimit, luaMemoryLimit): a run that
// overruns, raises an error, or returns something that is not nil or a site's name costs one
// log line per episode (common/log_episode.h), and that request goes by Host. After
// kOverrunsToSwitchOff overruns in a row, each of which held the whole loop, route is switched
// off until the next reload, with one line saying so.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/log_episode.h"
#include "config.h"
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

// route(request), called under the bounds of lua_limits.h.
class LuaRouter {
 public:
  static constexpr int kOverrunsToSwitchOff = 3;

  explicit LuaRouter(std::shared_ptr<lua_State> lua) : lua_(std::move(lua)) {}

  // Calls route. Returns true with `site` set to the name it returned ("" for nil), or false
  // with `error` saying what went wrong, in one line.
  bool route(const RequestHead& head, const std::string& host, const ClientAddress& client,
             std::string& site, std::string& error);
  // After kOverrunsToSwitchOff overruns in a row: not to be called again.
  bool switchedOff() const { return overrunsInRow_ >= kOverrunsToSwitchOff; }

 private:
  std::shared_ptr<lua_State> lua_;
  int overrunsInRow_ = 0;
};

class Router {
 public:
  // Sites as config.sites names them, in that order; route if config.hasRoute. The names must
  // be valid (loadConfig has checked them; Sites throws std::invalid_argument otherwise).
  explicit Router(const Config& config);

  // The site for a complete, valid request head: an index into config.sites, or nullopt when
  // no site takes its host and there is no default (421).
  std::optional<std::size_t> siteFor(const RequestHead& head, const ClientAddress& client,
                                     LogEpisode::Clock::time_point now = LogEpisode::Clock::now());

 private:
  std::optional<std::size_t> byRoute(const RequestHead& head, const std::string& host,
                                     const ClientAddress& client,
                                     LogEpisode::Clock::time_point now);

  Sites sites_;
  std::unordered_map<std::string, std::size_t> byName_;  // each site's name, lower-cased
  std::optional<LuaRouter> lua_;
  LogEpisode routeErrors_;  // a failing route: a line per episode, not per request
};

}  // namespace rsp
