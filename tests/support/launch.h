// tests/support/launch.h — starts a part the way a reader would.
//
// Parts 1 and 2 take the backend on the command line (LISTEN_PORT BACKEND_HOST BACKEND_PORT);
// parts 3 and up read it from a Lua file, which is written here into a temporary directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "process.h"

namespace rsp::test {

// A directory under /tmp, removed with everything in it when this goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to a file in the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

struct ProxySetup {
  int part = 0;
  std::string binary;  // path of rsp-partN
  std::uint16_t listenPort = 0;
  std::string backendHost = "127.0.0.1";
  std::uint16_t backendPort = 0;
  bool verbose = false;
  std::string extraConfig{};                  // Lua lines appended to the config (parts 3 and up)
  std::vector<std::uint16_t> backendPorts{};  // if set: backends = { "127.0.0.1:P", ... } instead
                                              // of backendHost and backendPort (parts 6 and up)
  std::vector<std::string> commandPrefix{};   // e.g. {"prlimit", "--nofile=64:64", "--"}
  // If set: sites = { ["NAME"] = { backends = { "127.0.0.1:P" } }, ... } instead of any of the
  // backend settings above, one backend per site (parts 8 and up).
  std::vector<std::pair<std::string, std::uint16_t>> sites{};
};

// The Lua config file that `setup` describes (parts 3 and up).
std::string proxyConfig(const ProxySetup& setup);

// The command line that starts `setup`; for parts 3 and up it writes the config into `dir`.
std::vector<std::string> proxyCommand(const ProxySetup& setup, const TempDir& dir);

// A started proxy: the child process, the port it listens on, and its config's directory.
struct RunningProxy {
  std::unique_ptr<TempDir> dir;
  std::filesystem::path config;  // the config file it was started with (parts 3 and up)
  std::unique_ptr<ChildProcess> process;
  std::uint16_t port = 0;
  pid_t pid() const { return process->pid(); }
};

// Starts the proxy and waits (up to 10 s) for its Started line; throws with its stderr if it
// exits or stays silent instead.
RunningProxy startProxy(const ProxySetup& setup);

}  // namespace rsp::test
