// part7-limits/chooser.cpp — part 7: chooseBackend(client), routing decided in Lua.
// See chooser.h. Unchanged from part6-loadbalancer/chooser.cpp.
//
// As in config.cpp: a Lua error longjmps over C++ frames, so every call into Lua happens in
// callChooser(), which holds no C++ objects and runs under lua_pcall; it talks to the C++ side
// through a plain struct.
#include "chooser.h"

#include <lua.hpp>

namespace rsp {
namespace {

struct Call {  // crosses lua_pcall, so nothing in it has a destructor
  const char* clientAddress;
  int clientPort;
  const BackendView* backends;
  int count;
  int resultType;  // what chooseBackend returned
  bool isInteger;
  lua_Integer result;
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
  call->isInteger = lua_isinteger(lua, -1);
  call->result = lua_tointeger(lua, -1);
  return 0;
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
            0};
  lua_pushcfunction(lua, callChooser);
  lua_pushlightuserdata(lua, &call);
  const bool called = lua_pcall(lua, 1, 0, 0) == LUA_OK;
  if (!called) {
    error = "chooseBackend failed: ";
    error +=
        lua_type(lua, -1) == LUA_TSTRING ? lua_tostring(lua, -1) : "an error that is not a string";
  }
  lua_settop(lua, 0);
  if (!called) return false;
  if (!call.isInteger || call.result < 1 || call.result > call.count) {
    error =
        "chooseBackend returned " +
        (call.isInteger                ? std::to_string(call.result)
         : call.resultType == LUA_TNIL ? std::string("nil")
                                       : std::string("a ") + lua_typename(lua, call.resultType)) +
        ", not an index from 1 to " + std::to_string(call.count);
    return false;
  }
  index = static_cast<std::size_t>(call.result - 1);
  return true;
}

}  // namespace rsp
