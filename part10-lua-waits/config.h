// part10-lua-waits/config.h — part 10: the proxy's settings, read from a Lua file.
//
// Same as part9-keepalive/config.h except: routeTimeout; the file's Lua gets `rsp`
// (rsp_library.h) for route to wait with; `require` finds modules beside the config file first;
// and the backends route names itself ("host:port") are pooled with the top level's settings.
//
//   local redis = require "redis"  -- part10-lua-waits/redis.lua, beside this file
//   routeTimeout = 5               -- seconds route(request) may take in all, waits included
//                                  -- (504 after it)
//   function route(request)        -- may wait (rsp.sleep, rsp.tcp), and may return "host:port"
//     return redis.call({ host = "127.0.0.1", port = 6379 }, "GET", "site:" .. request.host)
//   end
//
// From part 9: the settings of kept-alive connections, and the HTTP health check.
//
//   keepaliveTimeout = 75          -- seconds a client may wait between requests (as nginx)
//   backendKeepalive = 32          -- idle connections kept per backend, for reuse; 0: none
//   backendIdleTimeout = 4         -- seconds one is kept (below the backend's own timeout)
//   checkPath = "/health"          -- a health check is GET checkPath, wanting 2xx or 3xx
//
// From part 8: sites, each with its own backends; the request head's bounds; and an optional
// route(request) in Lua.
//
//   sites = {
//     ["a.test"]   = { backends = { "127.0.0.1:8001" } },
//     ["*.b.test"] = { backends = { "127.0.0.1:8002", "127.0.0.1:8003" }, balance = "leastconn" },
//     ["mail.*"]   = { backends = { "127.0.0.1:8004" }, checkInterval = 0 },
//   }
//   defaultSite = "a.test"         -- for a Host no site names; without it: 421 (sites.h)
//   maxHeadSize = 16384            -- bytes of request head, at most (431 past it)
//   headerTimeout = 10             -- seconds for the whole head to arrive (408 after it)
//   function route(request)        -- optional: return a site's name, or nil to go by Host
//     if request.path:sub(1, 5) == "/api/" then return "api.test" end
//   end
//
// A site's balance and checkInterval default to the top-level ones. chooseBackend, if set,
// chooses within whichever site's backends a request goes to (client.backends are that site's).
// A part 7 file (backends, or backendAddress and backendPort, and no sites) still works: it
// makes one site, named "default", that is the default site, so it takes every Host.
//
// The rest as in part 7:
//
//   maxConnections = 10000         -- pairs open at once; by default what the descriptors allow
//   shutdownTimeout = 30           -- seconds open pairs get to finish on SIGTERM or SIGINT
//
// From part 6: several backends, how to balance over them, a health-check interval, and an
// optional Lua function that chooses the backend itself.
//
//   listenPort = 8000
//   backends = { "127.0.0.1:8001", "[::1]:8002", { address = "localhost", port = 8003 } }
//   balance = "leastconn"          -- or "roundrobin" (the default)
//   checkInterval = 2              -- seconds between checks of a down backend; 0: no checks
//   function chooseBackend(client) -- optional: return the index (from 1) of a backend
//     return client.port % #client.backends + 1
//   end
//   luaTimeLimit = 0.1             -- seconds one run of the file's Lua may take (lua_limits.h)
//   luaMemoryLimit = 64            -- MiB the file's Lua state may hold, a whole number
//
// The two Lua limits bound every call of chooseBackend and route; the file's own run, which comes
// before they are known, is bounded by their defaults.
//
// backendAddress and backendPort still set a single backend, so every earlier config file
// works; a file sets one of them, `backends` and `sites`. connectTimeout and idleTimeout as in
// part 5.
//
// The file is trusted code, like nginx.conf: the operator writes it. So it gets every standard
// library, and os.getenv("PORT") or a computed value are fine things to write in it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "lua_limits.h"

struct lua_State;

namespace rsp {

struct Timeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds idle{60000};
};

enum class Balance { kRoundRobin, kLeastConnections };

struct BackendAddress {
  std::string host;  // a name or an address, as written (without [] around IPv6)
  std::uint16_t port;
};

// What one pool of backends is made from (pool.h): a site's settings.
struct PoolSettings {
  std::vector<BackendAddress> backends;  // one or more
  Balance balance = Balance::kRoundRobin;
  std::chrono::milliseconds checkInterval{2000};  // 0: no health checks
  Timeouts timeouts;                              // connect also bounds a health check
  std::string checkPath;  // set: a check is GET checkPath, which must answer 2xx or 3xx
  std::size_t backendKeepalive = 32;  // idle connections kept per backend; 0: none
  std::chrono::milliseconds backendIdleTimeout{4000};
  // The config's Lua state when the file defines chooseBackend (chooser.h); null otherwise.
  std::shared_ptr<lua_State> lua;
};

struct Site {
  std::string name;  // as written in the file: "a.test", "*.b.test", "mail.*" (sites.h)
  PoolSettings pool;
};

struct Config {
  std::uint16_t listenPort;  // 0: any free port
  std::vector<Site> sites;   // one or more, sorted by name; a part 7 file makes one: "default"
  std::optional<std::size_t> defaultSite;  // an index into sites
  std::size_t maxHeadSize = 16384;         // bytes
  std::chrono::milliseconds headerTimeout{10000};
  std::chrono::milliseconds keepaliveTimeout{75000};  // a client's wait between requests
  Timeouts timeouts;
  LuaLimits luaLimits;
  int maxConnections = 0;  // 0: as many as the descriptor limit allows (descriptor_limit.h)
  std::chrono::milliseconds shutdownTimeout{30000};
  // The config's Lua state, kept alive for the proxy's lifetime when the file defines
  // chooseBackend or route (router.h); null otherwise. A pool's `lua` is this one, if it has one.
  std::shared_ptr<lua_State> lua;
  bool hasRoute = false;  // the file defines route(request)
  std::chrono::milliseconds routeTimeout{5000};  // part 10: route's wall time, waits included
  // Part 10: what the pool of a backend route names itself is made from (peers.h), with that
  // backend in `backends`: the top level's settings, and no health checks.
  PoolSettings peers;
};

// what() is the whole line to print, e.g.
// "Error parsing config file: rsp.lua:3: unexpected symbol near '='".
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& what)
      : std::runtime_error("Error parsing config file: " + what) {}
};

// Runs the file and checks the settings; throws ConfigError naming the file (and for Lua
// errors the line) and the setting that is wrong.
Config loadConfig(const std::string& path);

}  // namespace rsp
