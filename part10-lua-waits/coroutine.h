// part10-lua-waits/coroutine.h — part 10: a Lua function run as a coroutine on the event loop.
//
// Part 8 called route(request) with lua_pcall: it ran to its end inside the loop, so it could
// not wait for anything without stopping every other pair. Here it runs in a Lua thread of its
// own (lua_newthread), started and continued with lua_resume. When the Lua code calls something
// that cannot finish now (cosocket.h: rsp.sleep, a socket's connect, send or receive), that C
// function registers what it waits for with the loop and yields (lua_yield, lua_yieldk); the
// lua_resume that ran it returns LUA_YIELD, and the loop goes on with other pairs. When the
// socket is ready or the wait's timer fires, the loop's handler calls resume(), and the Lua code
// continues where it stopped, as if the call had simply taken a while:
//
//   start() ── lua_resume ──▶ route ... sock:receive() ── yield ──▶ back in the loop
//                                                                     │ EPOLLIN, or the timer
//   done(result) ◀── route returns ◀── ... continues ◀── lua_resume ◀──┘ (resume())
//
// This is OpenResty's cosocket model (ngx_http_lua_socket_tcp.c), built on Lua 5.4's own API.
// One coroutine waits for one thing at a time, so a LuaCoroutine holds at most one wait.
//
// Bounds (lua_limits.h): each run from a resume to the next yield is bounded by luaTimeLimit,
// and the state's memory by luaMemoryLimit; how long it may wait in all is the caller's timer
// (routeTimeout, connection.h). The coroutine keeps a shared_ptr to its Lua state: after a
// reload it finishes in the state it started in.
//
// Ownership: the sockets the Lua code opens belong to the coroutine (Cosocket, cosocket.h), not
// to Lua's garbage collector; stop() closes them all at once, when the run ends or is given up.
// Like a Connection, a LuaCoroutine is destroyed outside its own handlers (after stop()).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/event_loop.h"
#include "lua_limits.h"

struct lua_State;

namespace rsp {

struct Cosocket;

// How a run ended: the function returned (`value`: its first result, if it is a string; `nil`:
// it was nil or absent), or it failed (`error`, one line, and `overrun` if a bound stopped it).
struct CoroutineResult {
  bool returned = false;
  bool nil = true;
  std::string value;
  std::string type;  // the Lua type of the first result: "string", "nil", "table", ...
  std::string error;
  Overrun overrun = Overrun::kNone;
};

class LuaCoroutine {
 public:
  using Done = std::function<void(const CoroutineResult&)>;
  // Pushes the function and its arguments on the stack; runs under lua_pcall, so it must create
  // no C++ object (a Lua error longjmps over it). Returns how many arguments it pushed.
  using Pusher = int (*)(lua_State* lua, void* data);

  static constexpr std::size_t kMaxSockets = 8;  // a run's open sockets, at most

  LuaCoroutine(EventLoop& loop, std::shared_ptr<lua_State> lua);
  ~LuaCoroutine();
  LuaCoroutine(const LuaCoroutine&) = delete;
  LuaCoroutine& operator=(const LuaCoroutine&) = delete;

  // Runs what `push` pushes as a new coroutine. `done` is called once when it returns or fails,
  // possibly before start() returns (a function that never waits), and never after stop().
  void start(Pusher push, void* data, Done done);
  // Gives the run up (the request is over, or out of time): its sockets are closed and removed
  // from the loop, and the coroutine is never resumed again. Safe to call twice.
  void stop();

  // For the rsp library (cosocket.cpp). The coroutine a Lua thread is the run of, or null (the
  // config file's own run, or a coroutine the Lua code made itself).
  static LuaCoroutine* of(lua_State* thread);
  // Marks a state's main thread as no run's (openRspLibrary): Lua leaves its extra space
  // uninitialised, and every thread the Lua code makes copies it.
  static void markNoRun(lua_State* main);
  EventLoop& loop() { return loop_; }
  // A new socket, owned by this run; nullptr when it already has kMaxSockets, or no memory.
  Cosocket* newSocket() noexcept;
  Cosocket* socket(std::uint64_t id) noexcept;  // null: not this run's, or closed by stop()
  // Waits until `socket` is ready for `events` and its operation is done (Cosocket::advance), or
  // its deadline; then resumes. False if the loop could not take the registration.
  bool waitOn(Cosocket& socket, std::uint32_t events) noexcept;
  bool sleepUntil(Timers::Clock::time_point deadline) noexcept;
  // True from a wait's registration until the loop resumes the coroutine for it.
  bool waiting() const { return waiting_; }

 private:
  void resume(int arguments);
  void wake();
  void finish(int status, int results, Overrun overrun);
  void release();

  EventLoop& loop_;
  std::shared_ptr<lua_State> lua_;  // the state this run started in, kept across reloads
  lua_State* thread_ = nullptr;     // the coroutine; anchored in the registry as ref_
  int ref_ = -1;
  Done done_;
  std::vector<std::unique_ptr<Cosocket>> sockets_;
  Cosocket* waitingOn_ = nullptr;  // the socket of the current wait; null for a sleep
  bool waiting_ = false;
  Timers::Id timer_{};  // the current wait's deadline
  bool stopped_ = false;
};

}  // namespace rsp
