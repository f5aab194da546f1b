// tests/parts/two_directions_test.cpp — part 4's rule that an error in one direction is not an
// error in both: a pair is two flows, and when one of them fails, what the other still carries
// is delivered. Also both flows busy at once, and a backend that resets while the client sends.
#include <catch2/catch.hpp>
#include <vector>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;

namespace {

// An 8 MiB upload to a backend that reads 100 KB of it, answers 413 and closes.
FetchResult uploadTooLarge(std::uint16_t port) {
  FetchOptions upload;
  upload.uploadBytes = 8 * kMiB;
  upload.deadline = 30s;
  return fetch(port, "/reject?after=100000", upload);
}

}  // namespace

TEST_CASE("a backend's early answer reaches a client that is still uploading", "[two-ways]") {
  PartUnderTest part;
  // Without a proxy the client gets the answer: this is what the proxy must not lose.
  const FetchResult direct = uploadTooLarge(part.backend.port());
  INFO("direct: " << direct.describe());
  REQUIRE(direct.statusLine == "HTTP/1.0 413 Payload Too Large");
  for (int run = 1; run <= 5; ++run) {
    const FetchResult result = uploadTooLarge(part.port());
    INFO("run " << run << ": " << result.describe());
    CHECK(result.statusLine.ends_with(" 413 Payload Too Large"));  // HTTP/1.1 from part 9 on
    CHECK(result.text == "too large: read 100000 bytes\n");
  }
  CHECK(part.running());
}

TEST_CASE("uploads and downloads at full speed in both directions at once", "[two-ways]") {
  PartUnderTest part;
  FetchOptions echo;
  echo.uploadBytes = 8 * kMiB;
  echo.readWhileSending = true;  // the backend echoes as it reads: both flows stay busy
  echo.deadline = 60s;
  const auto results = fetchAtOnce(part.port(), "/echo", 4, echo);
  for (const FetchResult& result : results) {
    INFO(result.describe());
    CHECK(result.ok());
    CHECK(result.body.received() == 8 * kMiB);
    CHECK(result.body.intact());
  }
}

TEST_CASE("a backend that resets mid-reply while clients upload leaves no descriptor behind",
          "[two-ways][faults]") {
  PartUnderTest part;
  const int before = openFdCount(part.pid());
  FetchOptions upload;
  upload.uploadBytes = 8 * kMiB;
  upload.deadline = 30s;
  const auto results = fetchAtOnce(part.port(), "/reset?after=100000", 10, upload);
  for (const FetchResult& result : results) {
    INFO(result.describe());
    // What the backend sent before its reset is delivered, then the reply ends early.
    CHECK(result.body.received() >= 100000);
    CHECK_FALSE(result.body.intact());
  }
  const FetchResult next = fetch(part.port(), bytes(100000));
  INFO("after: " << next.describe());
  CHECK(next.body.intact());
  CHECK(part.running());
  CHECK(settledFdCount(part.pid(), before) == before);
}

TEST_CASE("a backend that resets while the client still uploads: the client learns at once",
          "[two-ways][faults]") {
  PartUnderTest part;
  // The client sends all 8 MiB before it reads, and its small receive buffer cannot hold the
  // 2 MB the backend sent before its reset: the reply waits in the proxy while the client is
  // still sending. Its upload must go on (read and dropped) for it to get to its reading.
  FetchOptions upload;
  upload.uploadBytes = 8 * kMiB;
  upload.receiveBuffer = 16 * 1024;
  upload.deadline = 15s;
  const FetchResult result = fetch(part.port(), "/reset?after=5000000", upload);
  INFO(result.describe());
  CHECK_FALSE(result.timedOut);
  CHECK(result.statusLine == std::string(responseVersion(kPart)) + " 200 OK");
  CHECK(result.elapsed < 10s);
  CHECK(part.running());
}
