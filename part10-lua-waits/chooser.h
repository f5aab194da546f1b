// part10-lua-waits/chooser.h — part 10: chooseBackend(client), routing decided in Lua.
// Unchanged from part6-loadbalancer/chooser.h.
//
// If the config file defines chooseBackend, it is called for every new client, in the config's
// own Lua state (kept alive for this), with one table:
//
//   client.address, client.port                 -- who connected
//   client.backends[i].address, .port           -- as written in the config
//   client.backends[i].connections, .up         -- its open pairs; false once marked down
//
// and returns the index (from 1) of the backend to use (a float with a whole value, such as
// `#client.backends / 2`, counts as that integer, as math.tointeger would have it). This is
// closest to OpenResty's `stream` balancer (balancer_by_lua under `stream {}`): called once per
// connection, it sees only the client's address and returns a backend. Parts 8-10 add what
// the HTTP balancer sees: routing per request, by Host. It runs inside the loop, so it must be
// quick; and a mistake in it (an error, a wrong type, an index out of range) must cost one log
// line, not the proxy. A call that runs past luaTimeLimit or luaMemoryLimit (lua_limits.h)
// fails like any other; kOverrunsToSwitchOff such calls in a row switch chooseBackend off,
// since each of them held the whole loop for up to luaTimeLimit.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

struct lua_State;

namespace rsp {

// What chooseBackend is told about one backend.
struct BackendView {
  const char* address;
  int port;
  int connections;
  bool up;
};

class LuaChooser {
 public:
  static constexpr int kOverrunsToSwitchOff = 3;

  explicit LuaChooser(std::shared_ptr<lua_State> lua) : lua_(std::move(lua)) {}

  // Calls chooseBackend. Returns true with `index` (from 0) set, or false with `error` saying
  // what went wrong, in one line.
  bool choose(const std::string& clientAddress, int clientPort,
              const std::vector<BackendView>& backends, std::size_t& index, std::string& error);
  // After kOverrunsToSwitchOff overruns in a row: not to be called again.
  bool switchedOff() const { return overrunsInRow_ >= kOverrunsToSwitchOff; }

 private:
  std::shared_ptr<lua_State> lua_;
  int overrunsInRow_ = 0;
};

}  // namespace rsp
