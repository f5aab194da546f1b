// part4-slow-writes/config.cpp — part 4: the proxy's settings, read from a Lua file.
// See config.h.
// Unchanged from part3-lua/config.cpp.
//
// Lua reports an error by longjmp-ing back to the nearest protected call, right over whatever
// C++ frames are in the way, so their destructors never run. So every Lua call that can fail
// (loading the file, running it, reading its globals, even opening the libraries) happens
// inside runConfig(), a plain function with no C++ objects, called through lua_pcall(). Once
// it has returned, the C++ side only looks at the values it left on the stack.
#include "config.h"

#include <cstdio>
#include <lua.hpp>
#include <memory>

namespace rsp {
namespace {

// Runs under lua_pcall with the file's path as a light userdata. Leaves the three settings on
// the stack, or raises the Lua error as it is (the file's name and line are already in it).
int runConfig(lua_State* lua) {
  const char* path = static_cast<const char*>(lua_touserdata(lua, 1));
  luaL_openlibs(lua);
  if (luaL_loadfilex(lua, path, "t") != LUA_OK) return lua_error(lua);
  lua_call(lua, 0, 0);
  lua_getglobal(lua, "listenPort");
  lua_getglobal(lua, "backendAddress");
  lua_getglobal(lua, "backendPort");
  return 3;
}

// How a wrong value reads in a message: "a table", "a boolean", "8080.5", "\"http\"".
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

}  // namespace

Config loadConfig(const std::string& path) {
  const std::unique_ptr<lua_State, decltype(&lua_close)> state(luaL_newstate(), lua_close);
  if (!state) throw ConfigError("not enough memory to start Lua");
  lua_State* lua = state.get();
  lua_pushcfunction(lua, runConfig);
  lua_pushlightuserdata(lua, const_cast<char*>(path.c_str()));
  if (lua_pcall(lua, 1, 3, 0) != LUA_OK) {
    // The error value is usually a message; a chunk may also raise a table or nil.
    throw ConfigError(lua_type(lua, -1) == LUA_TSTRING
                          ? lua_tostring(lua, -1)
                          : path + ": the config raised an error that is " + describe(lua, -1));
  }
  Config config;
  config.listenPort = readPort(lua, -3, "listenPort", 0, path);
  config.backendAddress = readAddress(lua, -2, "backendAddress", path);
  config.backendPort = readPort(lua, -1, "backendPort", 1, path);
  return config;
}

}  // namespace rsp
