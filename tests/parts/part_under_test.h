// tests/parts/part_under_test.h — the part this test executable was built for, running.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "backend.h"
#include "expectations.h"
#include "io.h"
#include "launch.h"
#include "procfs.h"

namespace rsp::test {

using namespace std::chrono_literals;

static_assert(RSP_PART >= 1 && RSP_PART <= kParts, "RSP_PART names a part");
constexpr Expectations kExpected = expectationsFor(RSP_PART);

// Catch2 tags for the tests of a promise a part breaks on purpose: [!shouldfail] turns "the
// bug showed" into a pass and "the bug did not show" into a failure.
#if RSP_PART == 2 || RSP_PART == 3
#define RSP_LOSES_BYTES "[!shouldfail]"
#define RSP_IGNORES_HALF_CLOSE "[!shouldfail]"
#else
#define RSP_LOSES_BYTES ""
#define RSP_IGNORES_HALF_CLOSE ""
#endif
static_assert((sizeof(RSP_LOSES_BYTES) > 1) == !kExpected.keepsEveryByte, "tags match table");
static_assert((sizeof(RSP_IGNORES_HALF_CLOSE) > 1) == !kExpected.honoursHalfClose,
              "tags match table");
// Parts 1-4 connect to the backend with a blocking connect(), inside the loop.
#if RSP_PART <= 4
#define RSP_BLOCKS_ON_CONNECT "[!shouldfail]"
#else
#define RSP_BLOCKS_ON_CONNECT ""
#endif
static_assert((sizeof(RSP_BLOCKS_ON_CONNECT) > 1) == !kExpected.neverBlocks, "tags match table");

constexpr std::uint64_t kMiB = 1024 * 1024;

inline ProxySetup setupFor(std::uint16_t backendPort) {
  return {.part = RSP_PART, .binary = RSP_PART_BINARY, .backendPort = backendPort};
}

// The same, with more Lua settings in its config file (parts 3 and up).
inline ProxySetup setupFor(std::uint16_t backendPort, const std::string& lua) {
  ProxySetup setup = setupFor(backendPort);
  setup.extraConfig = lua;
  return setup;
}

// A fresh test backend, and this part started in front of it on a free port.
struct PartUnderTest {
  TestBackend backend;
  RunningProxy proxy = startProxy(setupFor(backend.port()));

  std::uint16_t port() const { return proxy.port; }
  pid_t pid() const { return proxy.pid(); }
  bool running() const { return proxy.process->running(); }
};

inline std::string bytes(std::uint64_t n) { return "/bytes/" + std::to_string(n); }

// Checks `done()` every 10 ms until it is true (true) or `limit` has passed (false).
template <typename Condition>
bool eventually(std::chrono::milliseconds limit, Condition done) {
  for (auto end = std::chrono::steady_clock::now() + limit; !done();) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// Sends all of `text` on a socket the test holds (giving up after 5 s).
inline bool sendText(int fd, const std::string& text) {
  return sendAll(fd, text.data(), text.size(), GiveUp{std::chrono::steady_clock::now() + 5s});
}

// Waits (up to 5 s) for the proxy's open descriptors to come back down to `count`: closing is
// asynchronous in parts 2-4, so the count may lag the clients by a moment.
inline int settledFdCount(pid_t pid, int count) {
  int now = openFdCount(pid);
  for (auto end = std::chrono::steady_clock::now() + 5s;
       now > count && std::chrono::steady_clock::now() < end; now = openFdCount(pid)) {
    std::this_thread::sleep_for(20ms);
  }
  return now;
}

}  // namespace rsp::test
