// tests/support/launch.cpp — see launch.h.
#include "launch.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "common/error.h"
#include "expectations.h"

namespace rsp::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rsp-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throwErrno("mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const {
  const std::filesystem::path file = path_ / name;
  std::ofstream(file) << text;
  return file;
}

std::vector<std::string> proxyCommand(const ProxySetup& setup, const TempDir& dir) {
  std::vector<std::string> command{setup.binary};
  if (setup.verbose) command.push_back("--verbose");
  if (!expectationsFor(setup.part).takesLuaConfig) {
    command.push_back(std::to_string(setup.listenPort));
    command.push_back(setup.backendHost);
    command.push_back(std::to_string(setup.backendPort));
  } else {
    const std::string config = "listenPort = " + std::to_string(setup.listenPort) +
                               "\nbackendAddress = \"" + setup.backendHost +
                               "\"\nbackendPort = " + std::to_string(setup.backendPort) + "\n";
    command.push_back(dir.write("rsp.lua", config).string());
  }
  return command;
}

RunningProxy startProxy(const ProxySetup& setup) {
  RunningProxy proxy;
  proxy.dir = std::make_unique<TempDir>();
  proxy.process = std::make_unique<ChildProcess>(proxyCommand(setup, *proxy.dir));
  const auto port = proxy.process->waitForStarted(std::chrono::seconds(10));
  if (!port) {
    throw std::runtime_error("rsp-part" + std::to_string(setup.part) +
                             " did not start: " + proxy.process->errors());
  }
  proxy.port = *port;
  return proxy;
}

}  // namespace rsp::test
