// part10-lua-waits/chooser.cpp — part 10: chooseBackend(client), routing decided in Lua.
// See chooser.h.
// Unchanged from part6-loadbalancer/chooser.cpp.
//
// As in config.cpp: a Lua error longjmps over C++ frames, so every call into Lua happens in
// callChooser(), which holds no C++ objects and runs under lua_pcall; it talks to the C++ side
// through a plain struct.
#include "chooser.h"

#include <cstdio>
#include <lua.hpp>

#include "lua_limits.h"

namespace rsp {
namespace {

struct Call {  // crosses lua_pcall, so nothing in it has a destructor
  const char* clientAddress;
  int clientPort;
  const BackendView* backends;
  int count;
  int resultType;  // what chooseBackend returned
  bool isInteger;  // an integer, or a float with a whole value
  lua_Integer result;
  lua_Number number;
};

void setField(lua_State* lua, const char* name, lua_Integer value) {
  lua_pushinteger(lua, value);
  lua_setfield(lua, -2, name);
}

int callChooser(lua_State* lua) {
  Call* call = static_cast<Call*>(lua_touserdata(lua, 1));
  lua_getglobal(lua, "chooseBackend");
  lua_createtable(lua, 0, 3);  // client
  lua_pushstring(lua, call->clientAddress);
  lua_setfield(lua, -2, "address");
  setField(lua, "port", call->clientPort);
  lua_createtable(lua, call->count, 0);  // client.backends
  for (int i = 0; i < call->count; ++i) {
    const BackendView& backend = call->backends[i];
    lua_createtable(lua, 0, 4);
    lua_pushstring(lua, backend.address);
    lua_setfield(lua, -2, "address");
    setField(lua, "port", backend.port);
    setField(lua, "connections", backend.connections);
    lua_pushboolean(lua, backend.up);
    lua_setfield(lua, -2, "up");
    lua_rawseti(lua, -2, i + 1);
  }
  lua_setfield(lua, -2, "backends");
  lua_call(lua, 1, 1);
  call->resultType = lua_type(lua, -1);
  int whole = 0;  // lua_tointegerx takes 2.0 as 2, not 2.5, and would take "2": not a number
  call->result = lua_tointegerx(lua, -1, &whole);
  call->isInteger = call->resultType == LUA_TNUMBER && whole;
  call->number = lua_tonumber(lua, -1);
  return 0;
}

// "7", "nil", "a string", "1.5, not a whole number".
std::string describeResult(lua_State* lua, const Call& call) {
  if (call.isInteger) return std::to_string(call.result);
  if (call.resultType == LUA_TNUMBER) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", call.number);
    return std::string(text) + ", not a whole number";
  }
  if (call.resultType == LUA_TNIL) return "nil";
  return std::string("a ") + lua_typename(lua, call.resultType);
}

}  // namespace

bool LuaChooser::choose(const std::string& clientAddress, int clientPort,
                        const std::vector<BackendView>& backends, std::size_t& index,
                        std::string& error) {
  lua_State* lua = lua_.get();
  Call call{clientAddress.c_str(),
            clientPort,
            backends.data(),
            static_cast<int>(backends.size()),
            LUA_TNIL,
            false,
            0,
            0};
  lua_pushcfunction(lua, callChooser);
  lua_pushlightuserdata(lua, &call);
  Overrun overrun = Overrun::kNone;
  const bool called = boundedCall(lua, 1, 0, overrun) == LUA_OK;
  overrunsInRow_ = overrun == Overrun::kNone ? 0 : overrunsInRow_ + 1;
  if (!called) {
    error = "chooseBackend failed: ";
    error += overrun == Overrun::kMemory        ? "it used more memory than luaMemoryLimit allows"
             : lua_type(lua, -1) == LUA_TSTRING ? lua_tostring(lua, -1)
                                                : "an error that is not a string";
  }
  lua_settop(lua, 0);
  if (!called) return false;
  if (!call.isInteger || call.result < 1 || call.result > call.count) {
    error = "chooseBackend returned " + describeResult(lua, call) + ", not an index from 1 to " +
            std::to_string(call.count);
    return false;
  }
  index = static_cast<std::size_t>(call.result - 1);
  return true;
}

}  // namespace rsp
