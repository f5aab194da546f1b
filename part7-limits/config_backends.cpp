// part7-limits/config_backends.cpp — part 7: reading the list of backends of a config file.
// See config.h for the settings, config_lua.h for how they come off the stack.
// Unchanged from part6-loadbalancer/config_backends.cpp.
//
//   backends     a list of "host:port" or { address = ..., port = ... }, one or more
//   backendAddress and backendPort instead: a file from part 3, 4 or 5, one backend
#include <string>
#include <vector>

#include "config_lua.h"

namespace rsp::config_lua {
namespace {

// "host:port" or "[v6 address]:port".
BackendAddress parseHostPort(const std::string& text, const std::string& name,
                             const std::string& path) {
  const std::size_t colon = text.rfind(':');
  const std::string port = colon == text.npos ? "" : text.substr(colon + 1);
  std::string host = colon == text.npos ? "" : text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const bool digits =
      !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == port.npos;
  if (host.empty() || !digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    throw ConfigError(path + ": " + name + " must be \"host:port\" with a port of 1-65535, not \"" +
                      text + "\"");
  }
  return {host, static_cast<std::uint16_t>(std::stoi(port))};
}

// One entry of `backends`: its three values start at `at` (see pushEntries()).
BackendAddress readEntry(lua_State* lua, int at, int number, const std::string& path) {
  const std::string name = "backends[" + std::to_string(number) + "]";
  if (lua_type(lua, at) == LUA_TSTRING) return parseHostPort(lua_tostring(lua, at), name, path);
  if (lua_type(lua, at) != LUA_TTABLE) {
    throw ConfigError(path + ": " + name +
                      " must be \"host:port\" or { address = ..., port = ... }, not " +
                      describe(lua, at));
  }
  return {readAddress(lua, at + 1, (name + ".address").c_str(), path),
          readPort(lua, at + 2, (name + ".port").c_str(), 1, path)};
}

}  // namespace

std::vector<BackendAddress> readBackends(lua_State* lua, const std::string& path) {
  const bool single = !lua_isnil(lua, kBackendAddress) || !lua_isnil(lua, kBackendPort);
  if (lua_isnil(lua, kBackends)) {  // a config file from part 3, 4 or 5: one backend
    return {{readAddress(lua, kBackendAddress, "backendAddress", path),
             readPort(lua, kBackendPort, "backendPort", 1, path)}};
  }
  if (single) {
    throw ConfigError(path + ": set either backends or backendAddress and backendPort, not both");
  }
  const lua_Integer count = lua_tointeger(lua, kBackendCount);
  if (lua_type(lua, kBackends) != LUA_TTABLE || count < 1) {
    throw ConfigError(
        path + ": backends must be a list of one or more backends, not " +
        (lua_type(lua, kBackends) == LUA_TTABLE ? "an empty list" : describe(lua, kBackends)));
  }
  std::vector<BackendAddress> backends;
  for (int at = kBackendCount + 1; static_cast<lua_Integer>(backends.size()) < count; at += 3) {
    backends.push_back(readEntry(lua, at, static_cast<int>(backends.size()) + 1, path));
  }
  return backends;
}

// Each entry of the list at `list` as three values: the entry, then its address and port fields
// (nil unless it is a table), after their count; so the C++ side reads plain values and never
// calls into Lua. A list that is not a table counts 0 entries.
void pushEntries(lua_State* lua, int list) {
  const lua_Integer count = lua_istable(lua, list) ? luaL_len(lua, list) : 0;
  luaL_checkstack(lua, 1, "too many backends");
  lua_pushinteger(lua, count);
  for (lua_Integer i = 1; i <= count; ++i) {
    luaL_checkstack(lua, 3, "too many backends");
    const bool isTable = lua_geti(lua, list, i) == LUA_TTABLE;
    if (isTable)
      lua_getfield(lua, -1, "address");
    else
      lua_pushnil(lua);
    if (isTable)
      lua_getfield(lua, -2, "port");
    else
      lua_pushnil(lua);
  }
}

}  // namespace rsp::config_lua
