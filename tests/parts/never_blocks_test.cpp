// tests/parts/never_blocks_test.cpp — part 5's first promise: no backend can stall the loop.
//
// A backend whose accept queue is full drops SYNs, so a connect to it neither succeeds nor fails
// for about two minutes. Parts 2-4 connect with a blocking connect() inside the loop: while it
// waits, every transfer in flight waits too. From part 5 on the connect is non-blocking and gives
// up after connectTimeout. Parts 2-4 are expected to fail this (see expectations.h).
#include <catch2/catch.hpp>
#include <thread>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;
using rsp::Fd;
using Clock = std::chrono::steady_clock;

namespace {

// The longest wait between two arrivals of bytes, in a transfer that should keep moving.
class Gaps {
 public:
  void arrived() {
    const auto now = Clock::now();
    longest_ = std::max(longest_, now - last_);
    last_ = now;
  }
  milliseconds longest() const { return std::chrono::duration_cast<milliseconds>(longest_); }

 private:
  Clock::time_point last_ = Clock::now();
  Clock::duration longest_{0};
};

}  // namespace

TEST_CASE("a backend that drops SYNs stalls no transfer and its client is let go",
          kExpected.neverBlocks ? "[never-blocks]" : "[never-blocks][!shouldfail]") {
  TestBackend backend;
  ProxySetup setup = setupFor(backend.port());
  setup.verbose = true;
  // 2 s, not 1: a proxy that blocked for the whole connectTimeout would then leave a gap of 2 s
  // in the transfer below, over the 1.5 s it is allowed.
  if (kExpected.takesLuaConfig) setup.extraConfig = "connectTimeout = 2\n";
  RunningProxy proxy = startProxy(setup);

  // In flight: 4 MiB read steadily at 1 MiB/s, a few KiB every few milliseconds.
  std::atomic<std::uint64_t> received{0};
  Gaps gaps;
  FetchOptions steady;
  steady.bytesPerSecond = kMiB;
  steady.receiveBuffer = 16 * 1024;
  steady.deadline = 10s;
  steady.onProgress = [&](std::uint64_t bodyBytes) {
    gaps.arrived();
    received = bodyBytes;
  };
  FetchResult inFlight;
  std::jthread reader([&] {
    inFlight = fetch(proxy.port, bytes(4 * kMiB), steady);
    gaps.arrived();  // the end counts too: a transfer cut short ends in a long gap
  });
  REQUIRE(eventually(5s, [&] { return received > 0; }));
  REQUIRE(backend.jam());

  // A new client: the proxy's connect to the backend for it hangs.
  const auto start = Clock::now();
  const Fd client = connectClient(proxy.port);
  REQUIRE(sendText(client.get(), "GET /bytes/100 HTTP/1.0\r\n\r\n"));
  const Ending ending = readUntilClosed(client.get(), 6s);
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  reader.join();

  INFO("the new client was let go after " << took.count() << " ms");
  CHECK(ending.closed);
  if (readsRequestHead(kPart)) {  // part 8 on: the proxy says why, itself
    CHECK_THAT(ending.received, Catch::StartsWith("HTTP/1.1 504 Gateway Timeout\r\n"));
  } else {
    CHECK(ending.received.empty());
  }
  CHECK(took >= 1s);
  CHECK(proxy.process->waitForErrors("connect timed out", 1s));
  INFO("in flight: " << inFlight.describe() << "; longest gap " << gaps.longest().count() << " ms");
  CHECK(inFlight.body.intact());
  CHECK(gaps.longest() < 1500ms);
}
