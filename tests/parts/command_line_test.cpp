// tests/parts/command_line_test.cpp — how each part is started, and how it refuses to start.
// Parts 1-2 take LISTEN_PORT BACKEND_HOST BACKEND_PORT; parts 3-4 a Lua config file.
#include <catch2/catch.hpp>

#include "common/net.h"
#include "part_under_test.h"

using namespace rsp::test;

namespace {

ExitStatus runToEnd(ChildProcess& child) {
  const auto status = child.waitForExit(10s);
  REQUIRE(status.has_value());
  return *status;
}

}  // namespace

TEST_CASE("--help explains the command line", "[command-line]") {
  ChildProcess help({kPartBinary, "--help"});
  const ExitStatus status = runToEnd(help);
  CHECK(status.exited);
  CHECK(status.code == 0);
  CHECK_THAT(help.output(), Catch::Contains("Usage"));
  CHECK_THAT(help.output(), Catch::Contains(kExpected.takesLuaConfig ? "CONFIG" : "LISTEN_PORT"));
}

// Each part starts as a copy of the one before: this catches a copy that still calls itself by
// the old part's name.
TEST_CASE("--help names this part", "[command-line]") {
  ChildProcess help({kPartBinary, "--help"});
  REQUIRE(runToEnd(help).code == 0);
  CHECK_THAT(help.output(), Catch::StartsWith("rsp part " + std::to_string(kPart) + ": "));
}

TEST_CASE("a command line with nothing on it is refused with a message", "[command-line]") {
  ChildProcess bare({kPartBinary});
  const ExitStatus status = runToEnd(bare);
  CHECK(status.exited);
  CHECK(status.code != 0);
  CHECK_THAT(bare.errors(), Catch::Contains("required"));
}

TEST_CASE("a bad argument is refused with a message naming it", "[command-line]") {
  std::vector<std::string> command{kPartBinary, "0", "127.0.0.1", "99999"};
  std::string named = "BACKEND_PORT";
  if (kExpected.takesLuaConfig) {
    command = {kPartBinary, "one.lua", "two.lua"};  // one config file, not two
    named = "two.lua";
  }
  ChildProcess bad(command);
  const ExitStatus status = runToEnd(bad);
  CHECK(status.exited);
  CHECK(status.code != 0);
  CHECK_THAT(bad.errors(), Catch::Contains(named));
}

TEST_CASE("a port already in use is one clear line and exit status 1", "[command-line]") {
  const rsp::Listener taken = rsp::listenOn(0);
  ProxySetup setup = setupFor(9);
  setup.listenPort = taken.port;
  TempDir dir;
  ChildProcess proxy(proxyCommand(setup, dir));
  const ExitStatus status = runToEnd(proxy);
  CHECK(status.exited);
  CHECK(status.code == 1);
  CHECK(proxy.errors() ==
        "cannot listen on port " + std::to_string(taken.port) + ": Address already in use\n");
  CHECK(proxy.output().empty());
}

TEST_CASE("the Started line names the port that port 0 picked", "[command-line]") {
  PartUnderTest part;
  CHECK(part.port() != 0);
  CHECK(part.proxy.process->output() ==
        "Started. Listening on port " + std::to_string(part.port()) + ".\n");
}
