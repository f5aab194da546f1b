// tests/parts/lua_config_test.cpp — parts 3 and 4 as a reader runs them: with a config file,
// good or bad. Each bad config is one line on stderr and exit status 1, nothing on stdout.
#include <catch2/catch.hpp>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;

namespace {

struct Outcome {
  ExitStatus status;
  std::string errors;
  std::string output;
};

Outcome runWithConfig(const std::string& lua) {
  const TempDir dir;
  ChildProcess proxy({kPartBinary, dir.write("bad.lua", lua).string()});
  const auto status = proxy.waitForExit(10s);
  REQUIRE(status.has_value());
  return {*status, proxy.errors(), proxy.output()};
}

}  // namespace

TEST_CASE("a config computed in Lua starts the proxy, which then relays", "[lua-config]") {
  TestBackend backend;
  const TempDir dir;
  const std::string lua =
      "local ports = { listen = 0, backend = " + std::to_string(backend.port()) +
      " }\nlistenPort = ports.listen\n"
      "backendAddress = table.concat({'127', '0', '0', '1'}, '.')\n"
      "backendPort = tostring(ports.backend)\n";
  ChildProcess proxy({kPartBinary, dir.write("rsp.lua", lua).string()});
  const auto port = proxy.waitForStarted(10s);
  REQUIRE(port.has_value());
  const FetchResult result = fetch(*port, bytes(100000));
  INFO(result.describe());
  CHECK(result.body.intact());
}

TEST_CASE("the sample config part3-lua/rsp.lua starts, with RSP_PORT from the environment",
          "[lua-config]") {
  ChildProcess proxy({kPartBinary, RSP_SOURCE_DIR "/part3-lua/rsp.lua"}, {"RSP_PORT=0"});
  const auto port = proxy.waitForStarted(10s);
  INFO(proxy.errors());
  CHECK(port.has_value());
  CHECK(proxy.stop().code == 0);  // SIGTERM stops the loop; the proxy exits cleanly
}

TEST_CASE("a config file that does not exist is one line and exit status 1", "[lua-config]") {
  ChildProcess proxy({kPartBinary, "/nonexistent/rsp.lua"});
  const auto status = proxy.waitForExit(10s);
  REQUIRE(status.has_value());
  CHECK(status->code == 1);
  CHECK(proxy.errors() ==
        "Error parsing config file: cannot open /nonexistent/rsp.lua: No such file or directory\n");
}

TEST_CASE("every bad config is one line naming the problem, and exit status 1", "[lua-config]") {
  const auto [lua, says] = GENERATE(table<std::string, std::string>({
      {"listenPort = = 1", ":1: unexpected symbol near '='"},
      {"error('stop here')", ":1: stop here"},
      {"backendAddress = 'x' backendPort = 1", "listenPort is not set"},
      {"listenPort = {} backendAddress = 'x' backendPort = 1", "not a table"},
      {"listenPort = true backendAddress = 'x' backendPort = 1", "not a boolean"},
      {"listenPort = 1.5 backendAddress = 'x' backendPort = 1", "not the fraction 1.5"},
      {"listenPort = 1 backendAddress = 'x' backendPort = 65536", "backendPort must be"},
      {"listenPort = 1 backendAddress = {} backendPort = 1", "backendAddress must be"},
  }));
  const Outcome outcome = runWithConfig(lua);
  INFO("config: " << lua);
  CHECK(outcome.status.exited);
  CHECK(outcome.status.code == 1);
  CHECK_THAT(outcome.errors, Catch::StartsWith("Error parsing config file: "));
  CHECK_THAT(outcome.errors, Catch::Contains("bad.lua"));
  CHECK_THAT(outcome.errors, Catch::Contains(says));
  CHECK(std::count(outcome.errors.begin(), outcome.errors.end(), '\n') == 1);
  CHECK(outcome.output.empty());
}
