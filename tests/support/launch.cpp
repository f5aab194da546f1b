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

std::string proxyConfig(const ProxySetup& setup) {
  std::string config = "listenPort = " + std::to_string(setup.listenPort) + "\n";
  if (!setup.sites.empty()) {
    config += "sites = {\n";
    for (const auto& [name, port] : setup.sites) {
      config +=
          "  [\"" + name + "\"] = { backends = { \"127.0.0.1:" + std::to_string(port) + "\" } },\n";
    }
    config += "}\n";
  } else if (setup.backendPorts.empty()) {
    config += "backendAddress = \"" + setup.backendHost +
              "\"\nbackendPort = " + std::to_string(setup.backendPort) + "\n";
  } else {
    std::string list;
    for (std::uint16_t port : setup.backendPorts) {
      list += (list.empty() ? "\"127.0.0.1:" : ", \"127.0.0.1:") + std::to_string(port) + "\"";
    }
    config += "backends = { " + list + " }\n";
  }
  return config + setup.extraConfig;
}

std::vector<std::string> proxyCommand(const ProxySetup& setup, const TempDir& dir) {
  const Expectations& expected = expectationsFor(setup.part);
  // A setting the part cannot take would be dropped silently, and the test would test nothing.
  if ((!expected.takesLuaConfig && !setup.extraConfig.empty()) ||
      (!expected.takesBackendList && !setup.backendPorts.empty()) ||
      (!readsRequestHead(setup.part) && !setup.sites.empty())) {
    throw std::invalid_argument("part " + std::to_string(setup.part) +
                                " cannot take this setup's settings");
  }
  std::vector<std::string> command = setup.commandPrefix;
  command.push_back(setup.binary);
  if (setup.verbose) command.push_back("--verbose");
  if (!expected.takesLuaConfig) {
    command.push_back(std::to_string(setup.listenPort));
    command.push_back(setup.backendHost);
    command.push_back(std::to_string(setup.backendPort));
  } else {
    command.push_back(dir.write("rsp.lua", proxyConfig(setup)).string());
  }
  return command;
}

RunningProxy startProxy(const ProxySetup& setup) {
  RunningProxy proxy;
  proxy.dir = std::make_unique<TempDir>();
  proxy.process = std::make_unique<ChildProcess>(proxyCommand(setup, *proxy.dir));
  if (expectationsFor(setup.part).takesLuaConfig) proxy.config = proxy.dir->path() / "rsp.lua";
  const auto port = proxy.process->waitForStarted(std::chrono::seconds(10));
  if (!port) {
    throw std::runtime_error("rsp-part" + std::to_string(setup.part) +
                             " did not start: " + proxy.process->errors());
  }
  proxy.port = *port;
  return proxy;
}

}  // namespace rsp::test
