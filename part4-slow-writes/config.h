// part4-slow-writes/config.h — part 4: the proxy's settings, read from a Lua file.
// Unchanged from part3-lua/config.h.
//
// The config file is a Lua 5.4 program. rsp runs it once, at start-up, in a fresh Lua state,
// then reads three globals from it:
//
//   listenPort = 8000               -- 0 picks any free port
//   backendAddress = "127.0.0.1"    -- a host name or an address
//   backendPort = "8888"            -- a port is an integer, or a string holding one
//
// The file is trusted code, like nginx.conf: the operator writes it. So it gets every standard
// library, and os.getenv("PORT") or a computed value are fine things to write in it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace rsp {

struct Config {
  std::uint16_t listenPort;  // 0: any free port
  std::string backendAddress;
  std::uint16_t backendPort;
};

// what() is the whole line to print, e.g.
// "Error parsing config file: rsp.lua:3: unexpected symbol near '='".
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& what)
      : std::runtime_error("Error parsing config file: " + what) {}
};

// Runs the file and checks the settings; throws ConfigError naming the file (and for Lua
// errors the line) and the setting that is wrong.
Config loadConfig(const std::string& path);

}  // namespace rsp
