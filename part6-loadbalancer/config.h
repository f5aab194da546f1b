// part5-timeouts/config.h — part 5: the proxy's settings, read from a Lua file.
//
// Same as part3-lua/config.h except: two optional settings, in seconds (fractions allowed).
//
//   listenPort = 8000               -- 0 picks any free port
//   backendAddress = "127.0.0.1"    -- a host name or an address, resolved once at start-up
//   backendPort = "8888"            -- a port is an integer, or a string holding one
//   connectTimeout = 5              -- give up on a backend that has not accepted by then
//   idleTimeout = 60                -- close a pair that moved no byte either way for this long
//
// The file is trusted code, like nginx.conf: the operator writes it. So it gets every standard
// library, and os.getenv("PORT") or a computed value are fine things to write in it.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace rsp {

struct Timeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds idle{60000};
};

struct Config {
  std::uint16_t listenPort;  // 0: any free port
  std::string backendAddress;
  std::uint16_t backendPort;
  Timeouts timeouts;
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
