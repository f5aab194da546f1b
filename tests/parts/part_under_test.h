// tests/parts/part_under_test.h — the part this test executable was linked for, running.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "backend.h"
#include "expectations.h"
#include "io.h"
#include "launch.h"
#include "procfs.h"

namespace rsp::test {

using namespace std::chrono_literals;

// The part under test: which part, its binary, and its row of the table. The files of
// tests/parts/ are compiled once, and linked into every part's test executable with
// part_under_test.cpp, the one file compiled once per part (with RSP_PART and RSP_PART_BINARY):
// so a test reads the part as a value, never as a macro. These are constant-initialised, so
// they hold their values before any test case registers, even in the TEST_CASE line itself.
extern constinit const int kPart;                // 1 ... kParts
extern constinit const char* const kPartBinary;  // the path of build/bin/rsp-partN
extern constinit const Expectations kExpected;   // expectationsFor(kPart)

// A test of a promise that a part breaks on purpose takes the tag [!shouldfail] where the
// table says the part breaks it, chosen from the table as the test case registers:
//
//   TEST_CASE("a slow client gets every byte of an 8 MiB response",
//             kExpected.keepsEveryByte ? "[missing-chunks]" : "[missing-chunks][!shouldfail]")
//
// Catch2 then turns "the bug showed" (an assertion failed) into a pass, and "the bug did not
// show" into a failure, within the test's own deadlines.

constexpr std::uint64_t kMiB = 1024 * 1024;

inline ProxySetup setupFor(std::uint16_t backendPort) {
  return {.part = kPart, .binary = kPartBinary, .backendPort = backendPort};
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

// How many lines of `text` (a child's stderr) contain `needle`.
inline int linesContaining(const std::string& text, const std::string& needle) {
  int count = 0;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    count += std::string_view(text).substr(at, end - at).find(needle) != std::string_view::npos;
    at = end + 1;
  }
  return count;
}

}  // namespace rsp::test
