// tests/parts/slow_writes_test.cpp — part 4's lesson: slow peers get every byte, in both
// directions, and the proxy's memory stays bounded while they take their time.
#include <catch2/catch.hpp>
#include <vector>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;

TEST_CASE("20 slow clients get every byte of 11 MiB, in bounded memory", "[slow-writes]") {
  PartUnderTest part;
  const std::int64_t idleKiB = residentKiB(part.pid());
  FetchOptions slow;
  slow.bytesPerSecond = 2'000'000;
  slow.receiveBuffer = 16 * 1024;
  slow.deadline = 60s;
  const std::vector<FetchResult> results = fetchAtOnce(part.port(), bytes(11 * kMiB), 20, slow);
  for (const FetchResult& result : results) {
    INFO(result.describe());
    CHECK(result.body.intact());
  }
  // Without backpressure the proxy would read each 11 MiB response from the fast backend at
  // once and hold it: 20 x 11 MiB. With it, each pair holds a few tens of KiB.
  const std::int64_t growthKiB = peakResidentKiB(part.pid()) - idleKiB;
  INFO("idle " << idleKiB << " KiB, peak growth " << growthKiB << " KiB");
  CHECK(growthKiB < 9 * 1024);
  CHECK(part.running());
}

TEST_CASE("an 8 MiB upload to a backend that reads slowly arrives byte-exact", "[slow-writes]") {
  PartUnderTest part;
  FetchOptions upload;
  upload.uploadBytes = 8 * kMiB;
  upload.deadline = 60s;
  // The backend reads 8 MB/s, so the client has to wait for it: the proxy queues toward the
  // backend, stops reading the client at its high-water mark, and loses nothing.
  const FetchResult result = fetch(part.port(), "/sum?rate=8000000", upload);
  INFO(result.describe());
  CHECK(result.ok());
  CHECK(result.text == sumReply(8 * kMiB, result.uploadChecksum));
}
