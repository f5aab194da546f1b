// part6-loadbalancer/config_lua.h — part 6: what the files that read a config file share.
// Only config.cpp and config_backends.cpp include it: where runConfig() leaves each setting on
// the Lua stack, and the readers of one value.
// New in part 6, with config_backends.cpp: part5-timeouts/config.cpp kept these readers inside.
//
// runConfig() (config.cpp) runs the file under lua_pcall() and leaves every setting on the
// stack, at the positions below, then the entries of `backends`, pushed by pushEntries(). The
// readers then look only at plain values on the stack and never call into Lua, so nothing can
// longjmp over a C++ frame (see config.cpp).
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
    "listenPort",    "backendAddress", "backendPort",  "connectTimeout", "idleTimeout", "balance",
    "checkInterval", "chooseBackend",  "luaTimeLimit", "luaMemoryLimit", "backends"};
enum Position {
  kListenPort = 1,
  kBackendAddress,
  kBackendPort,
  kConnectTimeout,
  kIdleTimeout,
  kBalance,
  kCheckInterval,
  kChooseBackend,
  kLuaTimeLimit,
  kLuaMemoryLimit,
  kBackends,
  kBackendCount  // how many entries `backends` has; then 3 values per entry
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

}  // namespace rsp::config_lua
