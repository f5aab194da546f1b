// part10-lua-waits/coroutine.cpp — part 10: a Lua function run as a coroutine on the event
// loop. See coroutine.h.
//
// As in router.cpp: a Lua error longjmps over C++ frames, so every call into Lua that may raise
// one (making the thread, anchoring it, letting it go) runs under lua_pcall in a plain function
// that makes no C++ objects. lua_resume is itself protected: an error in the coroutine comes
// back as its status.
#include "coroutine.h"

#include <exception>
#include <lua.hpp>

#include "cosocket.h"

namespace rsp {
namespace {

struct StartCall {  // crosses lua_pcall, so nothing in it has a destructor
  LuaCoroutine::Pusher push;
  void* data;
};

// Under lua_pcall on the main thread: a new thread with the function and its arguments on its
// stack, anchored in the registry so that the collector keeps it while it waits. Returns the
// thread and the anchor's number.
int newThread(lua_State* lua) {
  const StartCall* call = static_cast<const StartCall*>(lua_touserdata(lua, 1));
  lua_State* thread = lua_newthread(lua);
  const int count = call->push(lua, call->data);
  lua_xmove(lua, thread, count + 1);
  lua_pushvalue(lua, 2);
  lua_pushinteger(lua, luaL_ref(lua, LUA_REGISTRYINDEX));
  return 2;
}

int unref(lua_State* lua) {
  luaL_unref(lua, LUA_REGISTRYINDEX, static_cast<int>(lua_tointeger(lua, 1)));
  return 0;
}

LuaCoroutine*& runOf(lua_State* thread) {
  // Every thread has LUA_EXTRASPACE bytes of its own; a thread the Lua code makes gets a copy of
  // the main thread's, which is null (markNoRun()). So only a thread start() made points at its
  // run.
  return *static_cast<LuaCoroutine**>(lua_getextraspace(thread));
}

// The message of a failed run, from the error value on top of `lua`.
std::string errorOf(lua_State* lua, Overrun overrun) {
  if (overrun == Overrun::kMemory) return "it used more memory than luaMemoryLimit allows";
  std::size_t length = 0;
  const char* text = lua_type(lua, -1) == LUA_TSTRING ? lua_tolstring(lua, -1, &length) : nullptr;
  return text != nullptr ? std::string(text, length) : "an error that is not a string";
}

}  // namespace

LuaCoroutine::LuaCoroutine(EventLoop& loop, std::shared_ptr<lua_State> lua)
    : loop_(loop), lua_(std::move(lua)) {}

LuaCoroutine::~LuaCoroutine() { stop(); }

LuaCoroutine* LuaCoroutine::of(lua_State* thread) { return runOf(thread); }

void LuaCoroutine::markNoRun(lua_State* main) { runOf(main) = nullptr; }

void LuaCoroutine::start(Pusher push, void* data, Done done) {
  done_ = std::move(done);
  lua_State* main = lua_.get();
  StartCall call{push, data};
  lua_pushcfunction(main, newThread);
  lua_pushlightuserdata(main, &call);
  Overrun overrun = Overrun::kNone;
  if (boundedCall(main, 1, 2, overrun) != LUA_OK) {
    CoroutineResult result;
    result.error = errorOf(main, overrun);
    result.overrun = overrun;
    lua_settop(main, 0);
    stopped_ = true;
    return done_(result);
  }
  thread_ = lua_tothread(main, -2);
  ref_ = static_cast<int>(lua_tointeger(main, -1));
  lua_settop(main, 0);
  runOf(thread_) = this;
  resume(lua_gettop(thread_) - 1);  // the function's arguments; the function is below them
}

void LuaCoroutine::resume(int arguments) {
  int results = 0;
  Overrun overrun = Overrun::kNone;
  const int status = boundedResume(thread_, arguments, results, overrun);
  if (status == LUA_YIELD && waiting_) return;  // the loop resumes it (wake())
  if (status == LUA_YIELD) {
    // coroutine.yield() in route itself: nothing would ever resume it.
    lua_pushliteral(thread_, "route yielded without waiting on rsp.sleep or a socket");
    return finish(LUA_ERRRUN, 0, Overrun::kNone);
  }
  finish(status, results, overrun);
}

// The socket is ready, or the wait's deadline came: the coroutine goes on.
void LuaCoroutine::wake() {
  loop_.timers().cancel(timer_);
  try {
    if (waitingOn_ != nullptr && loop_.watches(waitingOn_->fd.get())) {
      loop_.modify(waitingOn_->fd.get(), 0);
    }
  } catch (const std::exception&) {
    // The socket stays watched for what it was: its next event finds no wait (onReady).
  }
  waiting_ = false;
  waitingOn_ = nullptr;
  try {
    resume(0);
  } catch (const std::exception& error) {  // bad_alloc making the result: give the run up
    CoroutineResult result;
    result.error = error.what();
    if (!stopped_) {
      release();
      done_(result);
    }
  }
}

void LuaCoroutine::finish(int status, int results, Overrun overrun) {
  CoroutineResult result;
  if (status == LUA_OK) {
    result.returned = true;
    const int first = lua_gettop(thread_) - results + 1;
    const int type = results > 0 ? lua_type(thread_, first) : LUA_TNIL;
    result.type = lua_typename(thread_, type);
    result.nil = type == LUA_TNIL;
    std::size_t length = 0;
    // lua_tolstring of a string does not allocate (of a number it would).
    const char* text = type == LUA_TSTRING ? lua_tolstring(thread_, first, &length) : nullptr;
    if (text != nullptr) result.value.assign(text, length);
  } else {
    result.error = errorOf(thread_, overrun);
    result.overrun = overrun;
  }
  release();
  // Last, and from a copy: it may stop() this run (then a no-op), or even destroy it.
  const Done done = std::move(done_);
  done(result);
}

void LuaCoroutine::stop() {
  if (!stopped_) release();
}

// Closes the sockets, drops the wait, and lets the collector have the thread.
void LuaCoroutine::release() {
  stopped_ = true;
  loop_.timers().cancel(timer_);
  waiting_ = false;
  waitingOn_ = nullptr;
  for (const auto& socket : sockets_) socket->close(loop_);
  if (thread_ == nullptr) return;
  runOf(thread_) = nullptr;  // should Lua code resume it (it kept it), it is no run of ours
  lua_State* main = lua_.get();
  lua_pushcfunction(main, unref);
  lua_pushinteger(main, ref_);
  Overrun overrun = Overrun::kNone;
  boundedCall(main, 1, 0, overrun);  // cannot fail but for memory: then the thread stays, idle
  lua_settop(main, 0);
  thread_ = nullptr;
}

Cosocket* LuaCoroutine::newSocket() noexcept {
  static std::uint64_t lastId = 0;  // ids are never reused, so a stale one finds nothing
  std::size_t open = 0;
  for (const auto& socket : sockets_) open += socket->fd ? 1 : 0;
  if (open >= kMaxSockets || sockets_.size() >= 4 * kMaxSockets) return nullptr;
  try {
    sockets_.push_back(std::make_unique<Cosocket>());
  } catch (const std::exception&) {
    return nullptr;
  }
  sockets_.back()->id = ++lastId;
  return sockets_.back().get();
}

Cosocket* LuaCoroutine::socket(std::uint64_t id) noexcept {
  if (stopped_) return nullptr;
  for (const auto& socket : sockets_) {
    if (socket->id == id) return socket.get();
  }
  return nullptr;
}

bool LuaCoroutine::waitOn(Cosocket& socket, std::uint32_t events) noexcept {
  const int fd = socket.fd.get();
  try {
    if (!loop_.watches(fd)) {
      loop_.add(fd, 0, [this, &socket](std::uint32_t) {
        // Only the wait's own socket, and only while its operation is unfinished.
        if (waiting_ && waitingOn_ == &socket && socket.advance()) wake();
      });
    }
    loop_.modify(fd, events);
    timer_ = loop_.timers().add(socket.deadline, [this, &socket] {
      socket.timedOut();
      wake();
    });
  } catch (const std::exception&) {
    try {  // not left watched: a level-triggered event nobody waits for would come back at once
      if (loop_.watches(fd)) loop_.modify(fd, 0);
    } catch (const std::exception&) {
      socket.close(loop_);
    }
    return false;
  }
  waitingOn_ = &socket;
  waiting_ = true;
  return true;
}

bool LuaCoroutine::sleepUntil(Timers::Clock::time_point deadline) noexcept {
  try {
    timer_ = loop_.timers().add(deadline, [this] { wake(); });
  } catch (const std::exception&) {
    return false;
  }
  waitingOn_ = nullptr;
  waiting_ = true;
  return true;
}

}  // namespace rsp
