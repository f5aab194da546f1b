// part10-lua-waits/config.cpp — part 10: the proxy's settings, read from a Lua file. See config.h.
// Same as part9-keepalive/config.cpp except: routeTimeout, the settings of route's own backends
// (peers.h), and the file runs with the `rsp` table and finds modules beside it (rsp_library.h).
// From part 9: keepaliveTimeout, backendKeepalive, backendIdleTimeout and checkPath (config.h).
//
// A reload (SIGHUP) runs the file inside the loop: its run is bounded (lua_limits.h), so a file
// that loops or allocates without end fails to load and the running config stays.
//
// Lua reports an error by longjmp-ing back to the nearest protected call, right over whatever
// C++ frames are in the way, so their destructors never run. So every Lua call that can fail
// (loading the file, running it, reading its globals, even opening the libraries) happens
// inside runConfig(), a plain function with no C++ objects, called through lua_pcall(). Once
// it has returned, the C++ side only looks at the values it left on the stack. The sites are
// read in config_sites.cpp, lists of backends in config_backends.cpp; config_lua.h is shared.
#include "config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <lua.hpp>
#include <memory>

#include "config_lua.h"
#include "rsp_library.h"

namespace rsp {
namespace config_lua {

// Runs under lua_pcall with the file's path as a light userdata. Leaves the settings on the
// stack, or raises the Lua error as it is (the file's name and line are already in it).
int runConfig(lua_State* lua) {
  const char* path = static_cast<const char*>(lua_touserdata(lua, 1));
  lua_settop(lua, 0);
  luaL_openlibs(lua);
  openRspLibrary(lua, path);  // part 10: rsp.sleep, rsp.tcp; require "redis" beside the file
  if (luaL_loadfilex(lua, path, "t") != LUA_OK) return lua_error(lua);
  lua_call(lua, 0, 0);
  for (const char* setting : kSettings) lua_getglobal(lua, setting);
  pushEntries(lua, kBackends);
  if (lua_istable(lua, kSites)) pushSites(lua);
  return lua_gettop(lua);
}

std::string describe(lua_State* lua, int index) {
  switch (lua_type(lua, index)) {
    case LUA_TNUMBER: {
      if (lua_isinteger(lua, index)) return std::to_string(lua_tointeger(lua, index));
      char text[32];
      std::snprintf(text, sizeof text, "%g", lua_tonumber(lua, index));
      return std::string("the fraction ") + text;
    }
    case LUA_TSTRING:
      return "\"" + std::string(lua_tostring(lua, index)) + "\"";
    default:
      return std::string("a ") + lua_typename(lua, lua_type(lua, index));
  }
}

// A port is an integer, or a string of digits holding one; -1 if the value is neither.
long long portValue(lua_State* lua, int index) {
  if (lua_type(lua, index) == LUA_TNUMBER && lua_isinteger(lua, index)) {
    return lua_tointeger(lua, index);
  }
  if (lua_type(lua, index) != LUA_TSTRING) return -1;
  const std::string text = lua_tostring(lua, index);
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != text.npos) {
    return -1;
  }
  return std::stoll(text);
}

std::uint16_t readPort(lua_State* lua, int index, const char* name, long long lowest,
                       const std::string& path) {
  if (lua_isnil(lua, index)) throw ConfigError(path + ": " + name + " is not set");
  const long long port = portValue(lua, index);
  if (port < lowest || port > 65535) {
    const std::string range = lowest == 0 ? "0-65535, 0 for any free port" : "1-65535";
    throw ConfigError(path + ": " + name + " must be a port number (" + range +
                      ") or a string holding one, not " + describe(lua, index));
  }
  return static_cast<std::uint16_t>(port);
}

std::string readAddress(lua_State* lua, int index, const char* name, const std::string& path) {
  if (lua_isnil(lua, index)) throw ConfigError(path + ": " + name + " is not set");
  if (lua_type(lua, index) != LUA_TSTRING || lua_rawlen(lua, index) == 0) {
    throw ConfigError(path + ": " + name + " must be a host name or address in a string, not " +
                      describe(lua, index));
  }
  return lua_tostring(lua, index);
}

std::chrono::milliseconds readSeconds(lua_State* lua, int index, const char* name,
                                      std::chrono::milliseconds otherwise, const std::string& path,
                                      bool zeroAllowed) {
  if (lua_isnil(lua, index)) return otherwise;
  const double seconds = lua_type(lua, index) == LUA_TNUMBER ? lua_tonumber(lua, index) : -1;
  const double lowest = zeroAllowed ? 0 : 0.001;
  if (!(seconds >= lowest && seconds <= 1e6)) {  // also refuses NaN
    throw ConfigError(path + ": " + name + " must be a number of seconds " +
                      (zeroAllowed ? "0 or more" : "greater than 0") + " (at most 1000000), not " +
                      describe(lua, index));
  }
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

int readMaxConnections(lua_State* lua, const std::string& path) {
  if (lua_isnil(lua, kMaxConnections)) return 0;
  const bool integer =
      lua_type(lua, kMaxConnections) == LUA_TNUMBER && lua_isinteger(lua, kMaxConnections);
  const lua_Integer count = integer ? lua_tointeger(lua, kMaxConnections) : 0;
  if (count < 1 || count > 1000000000) {
    throw ConfigError(path + ": maxConnections must be a whole number, 1 or more, not " +
                      describe(lua, kMaxConnections));
  }
  return static_cast<int>(count);
}

// luaMemoryLimit, in MiB: a whole number from 1 to 1048576 (1 TiB).
std::size_t readLuaMemoryLimit(lua_State* lua, const std::string& path) {
  if (lua_isnil(lua, kLuaMemoryLimit)) return LuaLimits{}.memory;
  const bool integer =
      lua_type(lua, kLuaMemoryLimit) == LUA_TNUMBER && lua_isinteger(lua, kLuaMemoryLimit);
  const lua_Integer mebibytes = integer ? lua_tointeger(lua, kLuaMemoryLimit) : 0;
  if (mebibytes < 1 || mebibytes > 1024 * 1024) {
    throw ConfigError(path + ": luaMemoryLimit must be a whole number of MiB, 1 or more (at most " +
                      "1048576), not " + describe(lua, kLuaMemoryLimit));
  }
  return static_cast<std::size_t>(mebibytes) * 1024 * 1024;
}

// The bounds of every later run of the file's Lua (lua_limits.h). The state must already fit.
LuaLimits readLuaLimits(lua_State* lua, const std::string& path) {
  LuaLimits limits;
  limits.time = readSeconds(lua, kLuaTimeLimit, "luaTimeLimit", limits.time, path);
  limits.memory = readLuaMemoryLimit(lua, path);
  if (luaMemoryUsed(lua) > limits.memory) {
    throw ConfigError(path + ": the config's Lua already holds " +
                      std::to_string(luaMemoryUsed(lua) / 1024) + " KiB, more than luaMemoryLimit");
  }
  return limits;
}

Balance readBalance(lua_State* lua, int index, const std::string& setting, Balance otherwise,
                    const std::string& path) {
  if (lua_isnil(lua, index)) return otherwise;
  const std::string name = lua_type(lua, index) == LUA_TSTRING ? lua_tostring(lua, index) : "";
  if (name == "roundrobin") return Balance::kRoundRobin;
  if (name == "leastconn") return Balance::kLeastConnections;
  throw ConfigError(path + ": " + setting + " must be \"roundrobin\" or \"leastconn\", not " +
                    describe(lua, index));
}

// maxHeadSize, in bytes: a whole number from 256 (a request line and a Host) to 1048576.
std::size_t readMaxHeadSize(lua_State* lua, const std::string& path) {
  if (lua_isnil(lua, kMaxHeadSize)) return Config{}.maxHeadSize;
  const bool integer =
      lua_type(lua, kMaxHeadSize) == LUA_TNUMBER && lua_isinteger(lua, kMaxHeadSize);
  const lua_Integer bytes = integer ? lua_tointeger(lua, kMaxHeadSize) : 0;
  if (bytes < 256 || bytes > 1024 * 1024) {
    throw ConfigError(path + ": maxHeadSize must be a whole number of bytes, 256 or more (at " +
                      "most 1048576), not " + describe(lua, kMaxHeadSize));
  }
  return static_cast<std::size_t>(bytes);
}

// backendKeepalive: how many idle connections each backend keeps, 0 (none) to 100000.
std::size_t readBackendKeepalive(lua_State* lua, const std::string& path) {
  if (lua_isnil(lua, kBackendKeepalive)) return PoolSettings{}.backendKeepalive;
  const bool integer =
      lua_type(lua, kBackendKeepalive) == LUA_TNUMBER && lua_isinteger(lua, kBackendKeepalive);
  const lua_Integer count = integer ? lua_tointeger(lua, kBackendKeepalive) : -1;
  if (count < 0 || count > 100000) {
    throw ConfigError(path + ": backendKeepalive must be a whole number, 0 or more (at most " +
                      "100000), not " + describe(lua, kBackendKeepalive));
  }
  return static_cast<std::size_t>(count);
}

// checkPath: an origin-form target ("/health"), sent as is in the check's request line.
std::string readCheckPath(lua_State* lua, const std::string& path) {
  if (lua_isnil(lua, kCheckPath)) return {};
  const char* value = lua_type(lua, kCheckPath) == LUA_TSTRING ? lua_tostring(lua, kCheckPath) : "";
  const std::string target = value;
  const bool visible = std::all_of(target.begin(), target.end(),
                                   [](char c) { return c > 0x20 && c < 0x7f; });
  if (target.empty() || target.front() != '/' || !visible) {
    throw ConfigError(path + ": checkPath must be a path such as \"/health\", not " +
                      describe(lua, kCheckPath));
  }
  return target;
}

// A setting that must be a function if it is set: chooseBackend, route.
bool readFunction(lua_State* lua, int index, const char* name, const std::string& path) {
  const int type = lua_type(lua, index);
  if (type != LUA_TNIL && type != LUA_TFUNCTION) {
    throw ConfigError(path + ": " + name + " must be a function, not " + describe(lua, index));
  }
  return type == LUA_TFUNCTION;
}

}  // namespace config_lua

Config loadConfig(const std::string& path) {
  using namespace config_lua;
  // Bounded by the default limits (lua_limits.h): a file that loops or allocates without end
  // fails to load, with one line.
  std::shared_ptr<lua_State> state = newBoundedLua();
  if (!state) throw ConfigError("not enough memory to start Lua");
  lua_State* lua = state.get();
  lua_pushcfunction(lua, runConfig);
  lua_pushlightuserdata(lua, const_cast<char*>(path.c_str()));
  Overrun overrun = Overrun::kNone;
  if (boundedCall(lua, 1, LUA_MULTRET, overrun) != LUA_OK) {
    // The error value is usually a message; a chunk may also raise a table or nil.
    if (overrun == Overrun::kMemory) {
      throw ConfigError(
          path + ": the config used more than " + std::to_string(LuaLimits{}.memory / 1024 / 1024) +
          " MiB while it ran (luaMemoryLimit's default, which bounds the file's run)");
    }
    throw ConfigError(lua_type(lua, -1) == LUA_TSTRING
                          ? lua_tostring(lua, -1)
                          : path + ": the config raised an error that is " + describe(lua, -1));
  }
  Config config;
  config.listenPort = readPort(lua, kListenPort, "listenPort", 0, path);
  config.timeouts.connect =
      readSeconds(lua, kConnectTimeout, "connectTimeout", Timeouts{}.connect, path);
  config.timeouts.idle = readSeconds(lua, kIdleTimeout, "idleTimeout", Timeouts{}.idle, path);
  PoolSettings defaults;
  defaults.balance = readBalance(lua, kBalance, "balance", Balance::kRoundRobin, path);
  defaults.checkInterval =
      readSeconds(lua, kCheckInterval, "checkInterval", PoolSettings{}.checkInterval, path, true);
  defaults.timeouts = config.timeouts;
  defaults.checkPath = readCheckPath(lua, path);
  defaults.backendKeepalive = readBackendKeepalive(lua, path);
  defaults.backendIdleTimeout = readSeconds(lua, kBackendIdleTimeout, "backendIdleTimeout",
                                            PoolSettings{}.backendIdleTimeout, path);
  readSiteSettings(lua, config, defaults, path);
  config.maxHeadSize = readMaxHeadSize(lua, path);
  config.headerTimeout =
      readSeconds(lua, kHeaderTimeout, "headerTimeout", Config{}.headerTimeout, path);
  config.keepaliveTimeout =
      readSeconds(lua, kKeepaliveTimeout, "keepaliveTimeout", Config{}.keepaliveTimeout, path);
  config.maxConnections = readMaxConnections(lua, path);
  config.shutdownTimeout =
      readSeconds(lua, kShutdownTimeout, "shutdownTimeout", Config{}.shutdownTimeout, path, true);
  config.luaLimits = readLuaLimits(lua, path);
  const bool chooser = readFunction(lua, kChooseBackend, "chooseBackend", path);
  config.hasRoute = readFunction(lua, kRoute, "route", path);
  config.routeTimeout =
      readSeconds(lua, kRouteTimeout, "routeTimeout", Config{}.routeTimeout, path);
  config.peers = defaults;  // for route's "host:port" (peers.h): the top level's settings
  lua_settop(lua, 0);
  // chooseBackend runs for every new client, route for every request, in this same state
  // (chooser.h, router.h): keep it.
  setLuaLimits(lua, config.luaLimits);
  if (chooser || config.hasRoute) config.lua = std::move(state);
  if (chooser) {
    for (Site& site : config.sites) site.pool.lua = config.lua;
  }
  return config;
}

}  // namespace rsp
