// part10-lua-waits/lua_limits.h — part 10: every run of the config's Lua is bounded, in time
// and in memory.
// Same as part9-keepalive/lua_limits.h (part 6's) except: boundedResume(), for a coroutine.
//
// chooseBackend runs inside the loop, for every new client. A `while true do end` in it would
// hold the one thread for good: no other client, no signal, only SIGKILL. A protected call
// (lua_pcall) catches errors, not loops. So the Lua state is made with two bounds of our own:
//
//  - Time. A count hook (lua_sethook with LUA_MASKCOUNT) runs every kHookInstructions VM
//    instructions and looks at the clock; past the run's deadline (luaTimeLimit, 0.1 s by
//    default) it raises an error. From then on it runs at every instruction, so Lua code that
//    catches the error with pcall cannot go on: its next instruction raises again.
//  - Memory. Lua asks one function for every allocation (lua_Alloc). Ours counts the bytes the
//    state holds and refuses to go past luaMemoryLimit (64 MiB by default): Lua then collects
//    its garbage, tries again, and raises "not enough memory" if that did not help. The
//    process is never the one to run out.
//
// What the hook cannot see: one long call to a C function (a pathological string.find over a
// long string) runs to its end before the next instruction is counted.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

struct lua_State;

namespace rsp {

struct LuaLimits {
  std::chrono::milliseconds time{100};    // luaTimeLimit: one run of Lua, at most
  std::size_t memory = 64 * 1024 * 1024;  // luaMemoryLimit: bytes the Lua state may hold
};

// What ended a bounded run that failed.
enum class Overrun { kNone, kTime, kMemory };

// A new Lua state with both bounds (luaL_newstate's, but with our allocator and hook); null if
// not even that much memory could be had. Closing it is bounded too: finalizers (__gc) run then.
std::shared_ptr<lua_State> newBoundedLua(const LuaLimits& limits = {});

// Changes the bounds of a state made by newBoundedLua(), e.g. once the config has set them.
void setLuaLimits(lua_State* lua, const LuaLimits& limits);
// The bytes the state holds now.
std::size_t luaMemoryUsed(lua_State* lua);

// lua_pcall(lua, arguments, results, 0) under the time bound. Returns its status, and sets
// `overrun` when the error was one of the bounds.
int boundedCall(lua_State* lua, int arguments, int results, Overrun& overrun);

// Part 10: lua_resume(thread, nullptr, arguments, &results) under the same bounds. The time
// bound is per run, from this resume to the coroutine's next yield (coroutine.h): a coroutine
// that waits on the loop may take any time in all, but holds the loop for luaTimeLimit at most.
int boundedResume(lua_State* thread, int arguments, int& results, Overrun& overrun);

}  // namespace rsp
