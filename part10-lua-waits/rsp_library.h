// part10-lua-waits/rsp_library.h — part 10: the `rsp` table the config's Lua gets.
//
//   rsp.sleep(0.5)          -- this route's coroutine waits half a second; the loop goes on
//   local sock = rsp.tcp()  -- a TCP socket that waits the same way (cosocket.h)
//   rsp.now()               -- seconds on a monotonic clock, for expiring a cache
//
// sleep and tcp work only inside route(request), which the proxy runs as a coroutine
// (coroutine.h); the config file's own run, chooseBackend, or a coroutine the Lua code makes
// itself get an error instead. Named after OpenResty's ngx.sleep and ngx.socket.tcp, which
// they follow. And `require "redis"` finds redis.lua beside the config file.
#pragma once

struct lua_State;

namespace rsp {

// Adds `rsp` and the socket's methods to a Lua state, and makes `require` look beside the
// config file first (redis.lua); runs under lua_pcall (it may raise).
void openRspLibrary(lua_State* lua, const char* configPath);

}  // namespace rsp
