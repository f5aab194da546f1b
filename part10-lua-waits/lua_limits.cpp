// part10-lua-waits/lua_limits.cpp — part 10: every run of the config's Lua is bounded, in time
// and in memory. See lua_limits.h.
// Same as part9-keepalive/lua_limits.cpp (part 6's) except: boundedResume(), for a coroutine.
#include "lua_limits.h"

#include <cstdlib>
#include <lua.hpp>

namespace rsp {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kHookInstructions = 1000;  // how often the hook looks at the clock

// Lives as long as its Lua state: it is the allocator's userdata, so the hook finds it too.
struct Budget {
  LuaLimits limits;
  std::size_t used = 0;
  Clock::time_point deadline = Clock::time_point::max();  // none outside a run
  bool outOfTime = false;
  bool outOfMemory = false;
};

Budget& budgetOf(lua_State* lua) {
  void* budget = nullptr;
  lua_getallocf(lua, &budget);
  return *static_cast<Budget*>(budget);
}

// Lua's one allocation function: `size` 0 frees, anything else allocates or resizes. For a new
// block `block` is null and `oldSize` says what kind of object it is, not a size.
void* allocate(void* userdata, void* block, std::size_t oldSize, std::size_t size) {
  Budget& budget = *static_cast<Budget*>(userdata);
  const std::size_t old = block != nullptr ? oldSize : 0;
  if (size == 0) {
    std::free(block);
    budget.used -= old;
    return nullptr;
  }
  if (size > old && budget.used - old + size > budget.limits.memory) {
    budget.outOfMemory = true;
    return nullptr;  // Lua collects garbage and asks again, or raises "not enough memory"
  }
  void* resized = std::realloc(block, size);
  if (resized != nullptr) budget.used = budget.used - old + size;
  return resized;
}

void onCount(lua_State* lua, lua_Debug*) {
  Budget& budget = budgetOf(lua);
  if (Clock::now() < budget.deadline) return;
  budget.outOfTime = true;
  // From now on at every instruction: a pcall in the Lua code may catch this error, but the
  // instruction after it raises again, until the error reaches our lua_pcall.
  lua_sethook(lua, onCount, LUA_MASKCOUNT, 1);
  luaL_where(lua, 0);
  lua_pushfstring(lua, "ran longer than luaTimeLimit (%f s)",
                  std::chrono::duration<double>(budget.limits.time).count());
  lua_concat(lua, 2);
  lua_error(lua);
}

void arm(lua_State* lua, Budget& budget) {
  budget.deadline = Clock::now() + budget.limits.time;
  budget.outOfTime = false;
  budget.outOfMemory = false;
  lua_sethook(lua, onCount, LUA_MASKCOUNT, kHookInstructions);
}

}  // namespace

std::shared_ptr<lua_State> newBoundedLua(const LuaLimits& limits) {
  auto budget = std::make_shared<Budget>();
  budget->limits = limits;
  lua_State* lua = lua_newstate(allocate, budget.get());
  if (lua == nullptr) return nullptr;
  // The deleter owns the budget, which must outlive the state; lua_close runs finalizers, so
  // it gets a deadline too.
  return std::shared_ptr<lua_State>(lua, [budget](lua_State* state) {
    arm(state, *budget);
    lua_close(state);
  });
}

void setLuaLimits(lua_State* lua, const LuaLimits& limits) { budgetOf(lua).limits = limits; }

std::size_t luaMemoryUsed(lua_State* lua) { return budgetOf(lua).used; }

// Which bound, if any, ended a run that returned `status`.
Overrun overrunOf(int status, const Budget& budget) {
  return status == LUA_OK || status == LUA_YIELD ? Overrun::kNone
         : budget.outOfTime                      ? Overrun::kTime
         : budget.outOfMemory                    ? Overrun::kMemory
                                                 : Overrun::kNone;
}

int boundedCall(lua_State* lua, int arguments, int results, Overrun& overrun) {
  Budget& budget = budgetOf(lua);
  arm(lua, budget);
  const int status = lua_pcall(lua, arguments, results, 0);
  budget.deadline = Clock::time_point::max();
  overrun = overrunOf(status, budget);
  return status;
}

// The hook is per thread (a coroutine has its own), so it is armed on the coroutine itself.
int boundedResume(lua_State* thread, int arguments, int& results, Overrun& overrun) {
  Budget& budget = budgetOf(thread);
  arm(thread, budget);
  const int status = lua_resume(thread, nullptr, arguments, &results);
  budget.deadline = Clock::time_point::max();
  overrun = overrunOf(status, budget);
  return status;
}

}  // namespace rsp
