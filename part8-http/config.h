// part8-http/config.h — part 8: the proxy's settings, read from a Lua file.
//
// Same as part6-loadbalancer/config.h except: two more optional settings, and the file can be
// read again while the proxy runs (SIGHUP, see proxy.h).
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
// The two Lua limits bound every call of chooseBackend; the file's own run, which comes before
// they are known, is bounded by their defaults.
//
// backendAddress and backendPort still set a single backend, so every earlier config file
// works; a file sets either them or `backends`. connectTimeout and idleTimeout as in part 5.
//
// The file is trusted code, like nginx.conf: the operator writes it. So it gets every standard
// library, and os.getenv("PORT") or a computed value are fine things to write in it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
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

struct Config {
  std::uint16_t listenPort;  // 0: any free port
  std::vector<BackendAddress> backends;
  Balance balance = Balance::kRoundRobin;
  std::chrono::milliseconds checkInterval{2000};  // 0: no health checks
  Timeouts timeouts;
  LuaLimits luaLimits;
  int maxConnections = 0;  // 0: as many as the descriptor limit allows (descriptor_limit.h)
  std::chrono::milliseconds shutdownTimeout{30000};
  // The config's Lua state, kept alive for the proxy's lifetime when the file defines
  // chooseBackend (chooser.h); null otherwise.
  std::shared_ptr<lua_State> lua;
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
