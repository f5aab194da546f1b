// tests/parts/log_bounds_test.cpp — parts 5 and up: a line that could come once per client is
// written once per episode (common/log_episode.h). Every log line is a blocking write to
// stderr: a flood of clients must not become a flood of lines, or a full pipe a stalled loop.
// 200 clients meet a dead backend, and the proxy writes a handful of lines, not 200. (A failing
// chooseBackend, parts 6 and up: lua_bounds_test.cpp.)
#include <catch2/catch.hpp>
#include <memory>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;

namespace {

constexpr int kClients = 200;

// kClients clients one after another; how many were served.
int sendClients(std::uint16_t port) {
  FetchOptions options;
  options.deadline = 5s;
  int served = 0;
  for (int i = 0; i < kClients; ++i) {
    const FetchResult result = fetch(port, bytes(100), options);
    served += result.ok() && result.body.intact();
  }
  return served;
}

}  // namespace

TEST_CASE("200 clients and a dead backend: a handful of lines, not one per client",
          "[log-bounds]") {
  auto dead = std::make_unique<TestBackend>();
  ProxySetup setup = setupFor(dead->port());
  if (kExpected.takesBackendList) {  // without checks, nothing marks it down
    setup.backendPorts = {dead->port()};
    setup.extraConfig = "checkInterval = 0\n";
  }
  RunningProxy proxy = startProxy(setup);
  dead.reset();
  CHECK(sendClients(proxy.port) == 0);
  const std::string errors = proxy.process->errors();
  const int lines = linesContaining(errors, "cannot connect to backend");
  UNSCOPED_INFO(kClients << " clients, " << lines << " lines about it; stderr ends: "
                         << errors.substr(errors.size() > 400 ? errors.size() - 400 : 0));
  CHECK(lines >= 1);
  CHECK(lines <= 5);
  CHECK(proxy.process->running());
}
