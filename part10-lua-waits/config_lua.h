// part10-lua-waits/config_lua.h — part 10: what the files that read a config file share.
// Only config.cpp, config_backends.cpp and config_sites.cpp include it: where runConfig() leaves
// each setting on the Lua stack, and the readers of one value.
// Same as part9-keepalive/config_lua.h except: routeTimeout. From part 9: part 9's four settings.
//
// runConfig() (config.cpp) runs the file under lua_pcall() and leaves every setting on the
// stack, at the positions below, then the entries of `backends` and the sites, pushed by
// pushEntries() and pushSites(). The readers then look only at plain values on the stack and
// never call into Lua, so nothing can longjmp over a C++ frame (see config.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <lua.hpp>
#include <string>
#include <vector>

#include "config.h"

namespace rsp::config_lua {

// The globals read from the file, at these stack positions once runConfig() has returned.
inline constexpr const char* kSettings[] = {
    "listenPort",    "backendAddress", "backendPort",   "connectTimeout", "idleTimeout",
    "balance",       "checkInterval",  "chooseBackend", "maxConnections", "shutdownTimeout",
    "luaTimeLimit",  "luaMemoryLimit", "sites",         "defaultSite",    "maxHeadSize",
    "headerTimeout", "route",          "keepaliveTimeout", "backendKeepalive",
    "backendIdleTimeout", "checkPath", "routeTimeout", "backends"};
enum Position {
  kListenPort = 1,
  kBackendAddress,
  kBackendPort,
  kConnectTimeout,
  kIdleTimeout,
  kBalance,
  kCheckInterval,
  kChooseBackend,
  kMaxConnections,
  kShutdownTimeout,
  kLuaTimeLimit,
  kLuaMemoryLimit,
  kSites,
  kDefaultSite,
  kMaxHeadSize,
  kHeaderTimeout,
  kRoute,
  kKeepaliveTimeout,
  kBackendKeepalive,
  kBackendIdleTimeout,
  kCheckPath,
  kRouteTimeout,
  kBackends,
  kBackendCount  // how many entries `backends` has; then 3 values per entry, then the sites
};

// How a wrong value reads in a message: "a table", "a boolean", "8080.5", "\"http\"".
std::string describe(lua_State* lua, int index);

// The port at `index`: an integer, or a string of digits holding one, from `lowest` to 65535.
std::uint16_t readPort(lua_State* lua, int index, const char* name, long long lowest,
                       const std::string& path);

// A host name or address in a non-empty string.
std::string readAddress(lua_State* lua, int index, const char* name, const std::string& path);

// A time in seconds (fractions allowed), more than 0, or 0 or more with `zeroAllowed`;
// `otherwise` when the setting is not set.
std::chrono::milliseconds readSeconds(lua_State* lua, int index, const char* name,
                                      std::chrono::milliseconds otherwise, const std::string& path,
                                      bool zeroAllowed = false);

// "roundrobin" or "leastconn"; `otherwise` when the setting is not set.
Balance readBalance(lua_State* lua, int index, const std::string& setting, Balance otherwise,
                    const std::string& path);

// config_backends.cpp: the entries of the list at `list` (each as three values, after their
// count), pushed inside runConfig().
void pushEntries(lua_State* lua, int list);

// config_backends.cpp: the list `backends`, or the one backend of a file that sets
// backendAddress and backendPort instead.
std::vector<BackendAddress> readBackends(lua_State* lua, const std::string& path);

// config_backends.cpp: the list of backends at `list`, named `name` in messages, whose count
// pushEntries() left at `at`: moves `at` past it.
std::vector<BackendAddress> readBackendList(lua_State* lua, int list, int& at,
                                            const std::string& name, const std::string& path);

// config_sites.cpp: every site (each as six values), pushed inside runConfig().
void pushSites(lua_State* lua);

// config_sites.cpp: the sites of a file with `sites`, or the one site of a part 7 file, into
// config.sites and config.defaultSite. Each site's balance and checkInterval default to the
// top level's, in `defaults`.
void readSiteSettings(lua_State* lua, Config& config, PoolSettings defaults,
                      const std::string& path);

}  // namespace rsp::config_lua
