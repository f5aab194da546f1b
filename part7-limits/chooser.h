// part7-limits/chooser.h — part 7: chooseBackend(client), routing decided in Lua.
// Unchanged from part6-loadbalancer/chooser.h.
//
// If the config file defines chooseBackend, it is called for every new client, in the config's
// own Lua state (kept alive for this), with one table:
//
//   client.address, client.port                 -- who connected
//   client.backends[i].address, .port           -- as written in the config
//   client.backends[i].connections, .up         -- its open pairs; false once marked down
//
// and returns the index (from 1) of the backend to use. This is what OpenResty's
// balancer_by_lua lets nginx do. It runs inside the loop, so it must be quick; and a mistake
// in it (an error, a wrong type, an index out of range) must cost one log line, not the proxy.
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
  explicit LuaChooser(std::shared_ptr<lua_State> lua) : lua_(std::move(lua)) {}

  // Calls chooseBackend. Returns true with `index` (from 0) set, or false with `error` saying
  // what went wrong, in one line.
  bool choose(const std::string& clientAddress, int clientPort,
              const std::vector<BackendView>& backends, std::size_t& index, std::string& error);

 private:
  std::shared_ptr<lua_State> lua_;
};

}  // namespace rsp
