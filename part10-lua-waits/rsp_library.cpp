// part10-lua-waits/rsp_library.cpp — part 10: rsp.sleep and rsp.tcp, as Lua sees them. See
// rsp_library.h.
//
// The Lua-facing functions below are called by Lua and may raise Lua errors (luaL_check*,
// luaL_error), which longjmp: so they make no C++ object with a destructor, and what they ask of
// the C++ side (Cosocket, LuaCoroutine) never throws.
#include "rsp_library.h"

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <lua.hpp>

#include "coroutine.h"
#include "cosocket.h"

namespace rsp {
namespace {

constexpr const char* kSocketType = "rsp.socket";

struct SocketRef {  // the Lua value of a socket: an id, looked up in the running coroutine
  std::uint64_t id;
};

LuaCoroutine& runningRoute(lua_State* lua) {
  LuaCoroutine* run = LuaCoroutine::of(lua);
  if (run == nullptr) luaL_error(lua, "rsp.sleep and rsp.tcp work only inside route(request)");
  return *run;
}

// A call that may wait must be able to yield: not from inside a metamethod, string.gsub's or
// table.sort's function, and the like (Lua's "attempt to yield across a C-call boundary").
void checkCanWait(lua_State* lua) {
  if (!lua_isyieldable(lua)) {
    luaL_error(lua, "cannot wait here: inside a C call (a metamethod, string.gsub, table.sort...)");
  }
}

// The continuations' first check: the loop, and nothing else, resumed this coroutine.
LuaCoroutine& resumedByLoop(lua_State* lua) {
  LuaCoroutine& run = runningRoute(lua);
  if (run.waiting()) luaL_error(lua, "a route's coroutine was resumed by Lua code, not the loop");
  return run;
}

// "Connection refused" -> "connection refused", as OpenResty reports it.
void pushError(lua_State* lua, const char* error) {
  char text[128];
  std::snprintf(text, sizeof text, "%s", error);
  text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  lua_pushstring(lua, text);
}

int failure(lua_State* lua, const char* error) {
  lua_pushnil(lua);
  pushError(lua, error);
  return 2;
}

// What the finished operation returns to Lua, as OpenResty's do. A socket that failed for any
// reason but a receive's timeout is closed.
int outcome(lua_State* lua, LuaCoroutine& run, Cosocket& socket) {
  const Cosocket::Op op = socket.op;
  socket.op = Cosocket::Op::kNone;
  const bool receiving = op == Cosocket::Op::kReceiveBytes || op == Cosocket::Op::kReceiveLine;
  if (socket.error != nullptr) {
    const char* error = socket.error;
    socket.error = nullptr;
    if (!(receiving && std::strcmp(error, "timeout") == 0)) socket.close(run.loop());
    failure(lua, error);
    if (!receiving) return 2;
    lua_pushlstring(lua, socket.result.data(), socket.result.size());  // the partial bytes
    socket.result.clear();
    return 3;
  }
  if (receiving) {
    lua_pushlstring(lua, socket.result.data(), socket.result.size());
    socket.result.clear();
  } else {
    lua_pushinteger(lua, op == Cosocket::Op::kSend ? static_cast<lua_Integer>(socket.sent) : 1);
    socket.out.clear();
  }
  return 1;
}

int afterWait(lua_State* lua, int, lua_KContext id) {
  LuaCoroutine& run = resumedByLoop(lua);
  Cosocket* socket = run.socket(static_cast<std::uint64_t>(id));
  return socket != nullptr ? outcome(lua, run, *socket) : failure(lua, "closed");
}

// Finishes the operation now if it can; otherwise registers with the loop and yields.
int attempt(lua_State* lua, LuaCoroutine& run, Cosocket& socket, std::uint32_t events) {
  socket.deadline = Timers::Clock::now() + socket.timeout;
  if (socket.advance()) return outcome(lua, run, socket);
  if (!run.waitOn(socket, events)) {
    socket.op = Cosocket::Op::kNone;
    socket.close(run.loop());
    return failure(lua, "no memory to wait with");
  }
  return lua_yieldk(lua, 0, static_cast<lua_KContext>(socket.id), afterWait);
}

// The socket in argument 1, if it is this coroutine's and still there.
Cosocket* socketArgument(lua_State* lua) {
  const auto* ref = static_cast<const SocketRef*>(luaL_checkudata(lua, 1, kSocketType));
  return runningRoute(lua).socket(ref->id);
}

int socketConnect(lua_State* lua) {
  Cosocket* socket = socketArgument(lua);
  const char* host = luaL_checkstring(lua, 2);
  const lua_Integer port = luaL_checkinteger(lua, 3);
  luaL_argcheck(lua, port >= 1 && port <= 65535, 3, "a port from 1 to 65535");
  checkCanWait(lua);
  if (socket == nullptr) return failure(lua, "closed");
  LuaCoroutine& run = runningRoute(lua);
  socket->close(run.loop());  // connecting again starts afresh, as in OpenResty
  switch (socket->startConnect(host, static_cast<int>(port))) {
    case Cosocket::Connect::kDone:
      lua_pushinteger(lua, 1);
      return 1;
    case Cosocket::Connect::kNotNumeric:
      return failure(lua, "not a numeric address (no resolver runs inside the loop)");
    case Cosocket::Connect::kFailed: {
      const char* error = socket->error;
      socket->error = nullptr;
      socket->close(run.loop());
      return failure(lua, error);
    }
    case Cosocket::Connect::kUnderWay:
      break;
  }
  socket->error = nullptr;
  socket->op = Cosocket::Op::kConnect;  // EPOLLOUT says the handshake is over (advance())
  return attempt(lua, run, *socket, EPOLLOUT);
}

int socketSend(lua_State* lua) {
  Cosocket* socket = socketArgument(lua);
  std::size_t size = 0;
  const char* data = luaL_checklstring(lua, 2, &size);
  checkCanWait(lua);
  if (socket == nullptr || !socket->connected) return failure(lua, "closed");
  if (!socket->queue(data, size)) return failure(lua, "no memory for the bytes to send");
  socket->op = Cosocket::Op::kSend;
  return attempt(lua, runningRoute(lua), *socket, EPOLLOUT);
}

int socketReceive(lua_State* lua) {
  Cosocket* socket = socketArgument(lua);
  Cosocket::Op op = Cosocket::Op::kReceiveLine;
  lua_Integer bytes = 0;
  if (lua_type(lua, 2) == LUA_TNUMBER) {
    bytes = luaL_checkinteger(lua, 2);
    luaL_argcheck(lua, bytes >= 0 && bytes <= static_cast<lua_Integer>(Cosocket::kMaxReceive), 2,
                  "a number of bytes from 0 to 1048576");
    op = Cosocket::Op::kReceiveBytes;
  } else {
    luaL_argcheck(lua, std::strcmp(luaL_optstring(lua, 2, "*l"), "*l") == 0, 2,
                  "a number of bytes or \"*l\"");
  }
  checkCanWait(lua);
  if (socket == nullptr || !socket->connected) return failure(lua, "closed");
  socket->op = op;
  socket->want = static_cast<std::size_t>(bytes);
  return attempt(lua, runningRoute(lua), *socket, EPOLLIN);
}

int socketSetTimeout(lua_State* lua) {
  Cosocket* socket = socketArgument(lua);
  const lua_Number ms = luaL_checknumber(lua, 2);
  luaL_argcheck(lua, ms >= 1 && ms <= 1e9, 2, "milliseconds from 1 to 1000000000");
  if (socket != nullptr) socket->timeout = std::chrono::milliseconds(std::llround(ms));
  return 0;
}

int socketClose(lua_State* lua) {
  Cosocket* socket = socketArgument(lua);
  if (socket == nullptr || !socket->fd) return failure(lua, "closed");
  socket->close(runningRoute(lua).loop());
  lua_pushinteger(lua, 1);
  return 1;
}

int tcp(lua_State* lua) {
  Cosocket* socket = runningRoute(lua).newSocket();
  if (socket == nullptr) return failure(lua, "too many sockets in one route");
  auto* ref = static_cast<SocketRef*>(lua_newuserdatauv(lua, sizeof(SocketRef), 0));
  ref->id = socket->id;
  luaL_setmetatable(lua, kSocketType);
  return 1;
}

// Seconds on a clock that only goes forward (not the time of day), for a cache's expiry.
int now(lua_State* lua) {
  const auto sinceStart = Timers::Clock::now().time_since_epoch();
  lua_pushnumber(lua, std::chrono::duration<double>(sinceStart).count());
  return 1;
}

int afterSleep(lua_State* lua, int, lua_KContext) {
  resumedByLoop(lua);
  return 0;
}

int sleep(lua_State* lua) {
  LuaCoroutine& run = runningRoute(lua);
  const lua_Number seconds = luaL_checknumber(lua, 1);
  luaL_argcheck(lua, seconds >= 0 && seconds <= 1e6, 1, "seconds from 0 to 1000000");
  checkCanWait(lua);
  const auto wait = std::chrono::duration_cast<Timers::Clock::duration>(
      std::chrono::duration<double>(seconds));
  if (!run.sleepUntil(Timers::Clock::now() + wait)) return luaL_error(lua, "no memory to wait");
  return lua_yieldk(lua, 0, 0, afterSleep);
}

// `require "name"` looks for name.lua in the config file's folder first, then where Lua looks
// by default: a module shipped beside the config (redis.lua) needs no install.
void requireBeside(lua_State* lua, const char* configPath) {
  const char* slash = std::strrchr(configPath, '/');
  lua_getglobal(lua, "package");
  if (slash == nullptr) {
    lua_pushliteral(lua, ".");
  } else {
    lua_pushlstring(lua, configPath, static_cast<std::size_t>(slash - configPath));
  }
  lua_getfield(lua, -2, "path");
  lua_pushfstring(lua, "%s/?.lua;%s", lua_tostring(lua, -2), lua_tostring(lua, -1));
  lua_setfield(lua, -4, "path");
  lua_pop(lua, 3);
}

}  // namespace

void openRspLibrary(lua_State* lua, const char* configPath) {
  static const luaL_Reg kMethods[] = {{"connect", socketConnect}, {"send", socketSend},
                                      {"receive", socketReceive}, {"settimeout", socketSetTimeout},
                                      {"close", socketClose},     {nullptr, nullptr}};
  LuaCoroutine::markNoRun(lua);  // runs on the main thread, before any coroutine exists
  static const luaL_Reg kFunctions[] = {
      {"sleep", sleep}, {"tcp", tcp}, {"now", now}, {nullptr, nullptr}};
  luaL_newmetatable(lua, kSocketType);
  luaL_newlib(lua, kMethods);
  lua_setfield(lua, -2, "__index");
  lua_pop(lua, 1);
  luaL_newlib(lua, kFunctions);
  lua_setglobal(lua, "rsp");
  requireBeside(lua, configPath);
}

}  // namespace rsp
