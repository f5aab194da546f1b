// tests/unit/net_test.cpp — common/net.h and common/error.h.
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <string>

#include "common/error.h"
#include "common/net.h"

TEST_CASE("listening on port 0 reports the port really bound", "[net]") {
  const rsp::Listener listener = rsp::listenOn(0);
  CHECK(listener.port != 0);
  // Something can connect to it there.
  const rsp::Fd client = rsp::connectTo("127.0.0.1", listener.port);
  CHECK(client);
}

TEST_CASE("listening on a port in use names the port and the reason", "[net]") {
  const rsp::Listener first = rsp::listenOn(0);
  try {
    rsp::listenOn(first.port);
    FAIL("a second listener on the same port was allowed");
  } catch (const rsp::SystemError& error) {
    CHECK(error.code() == EADDRINUSE);
    CHECK(std::string(error.what()) ==
          "cannot listen on port " + std::to_string(first.port) + ": Address already in use");
  }
}

TEST_CASE("connecting to a closed port names host and port", "[net]") {
  std::uint16_t closedPort;
  {
    const rsp::Listener gone = rsp::listenOn(0);
    closedPort = gone.port;
  }
  try {
    rsp::connectTo("127.0.0.1", closedPort);
    FAIL("connected to a closed port");
  } catch (const rsp::SystemError& error) {
    CHECK(error.code() == ECONNREFUSED);
    CHECK(std::string(error.what()) ==
          "cannot connect to 127.0.0.1:" + std::to_string(closedPort) + ": Connection refused");
  }
}

TEST_CASE("a host that does not resolve is named in the error", "[net]") {
  CHECK_THROWS_WITH(rsp::connectTo("no-such-host.invalid", 80),
                    Catch::StartsWith("cannot resolve no-such-host.invalid: "));
}
