// tests/parts/missing_chunks_test.cpp — the bug this series is about, and half-close.
//
// A backend sends a large response as fast as it can; a client with a small receive buffer
// waits a second before it reads. A proxy with non-blocking sockets then meets a full socket
// buffer toward the client: write() takes part of a chunk, or nothing (EAGAIN). Parts 2 and 3
// drop the rest, so the client gets a response with holes in it. Part 1 (blocking writes) and
// part 4 (a queue per connection) deliver every byte. See expectations.h for the table.
#include <catch2/catch.hpp>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;

TEST_CASE("a slow client gets every byte of an 8 MiB response",
          kExpected.keepsEveryByte ? "[missing-chunks]" : "[missing-chunks][!shouldfail]") {
  PartUnderTest part;
  // Several runs: one lucky run must not be able to hide the bug.
  for (int run = 1; run <= 3; ++run) {
    FetchOptions slow;
    slow.receiveBuffer = 4096;
    slow.pauseBeforeReading = 1s;
    slow.deadline = 30s;
    const FetchResult result = fetch(part.port(), bytes(8 * kMiB), slow);
    INFO("run " << run << ": " << result.describe());
    CHECK_FALSE(result.timedOut);
    CHECK(result.body.received() == 8 * kMiB);
    CHECK(result.body.intact());
  }
  CHECK(part.running());
}

TEST_CASE("a client that shuts down its write half still gets the whole response",
          kExpected.honoursHalfClose ? "[half-close]" : "[half-close][!shouldfail]") {
  PartUnderTest part;
  for (int run = 1; run <= 3; ++run) {
    FetchOptions halfClose;
    halfClose.shutdownAfterRequest = true;
    halfClose.deadline = 30s;
    const FetchResult result = fetch(part.port(), bytes(kMiB), halfClose);
    INFO("run " << run << ": " << result.describe());
    CHECK(result.ok());
    CHECK(result.body.intact());
  }
}
