// tests/parts/basics_test.cpp — a proxy's first duty: pass requests and replies through intact,
// one after another and many at once. Part 1 serves clients one at a time; parts 2-4 at once.
#include <catch2/catch.hpp>
#include <vector>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;

TEST_CASE("a 1 MiB response arrives byte-exact", "[basics]") {
  PartUnderTest part;
  const FetchResult result = fetch(part.port(), bytes(kMiB));
  INFO(result.describe());
  CHECK(result.ok());
  CHECK(result.body.intact());
}

TEST_CASE("sequential requests each succeed", "[basics]") {
  PartUnderTest part;
  for (int i = 0; i < 20; ++i) {
    const FetchResult result = fetch(part.port(), bytes(1000 + i * 4093));
    INFO("request " << i << ": " << result.describe());
    REQUIRE(result.ok());
    REQUIRE(result.body.intact());
  }
  CHECK(part.backend.connectionsAccepted() == 20);
}

TEST_CASE("200 clients at once are all answered byte-exact", "[basics][concurrency]") {
  PartUnderTest part;
  const auto results = fetchAtOnce(part.port(), bytes(4096), 200);
  int intact = 0;
  for (const FetchResult& result : results) {
    if (result.ok() && result.body.intact()) {
      ++intact;
    } else {
      UNSCOPED_INFO("a failed client: " << result.describe());
    }
  }
  CHECK(intact == 200);
}

// Part 1's lesson, and part 2's: the backend takes 1 s per request. One client at a time means
// four clients need four seconds; an event loop answers all four in about one.
TEST_CASE("four clients to a backend that waits 1 s", "[concurrency]") {
  PartUnderTest part;
  const auto start = std::chrono::steady_clock::now();
  const auto results = fetchAtOnce(part.port(), "/delay/1000", 4);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  for (const FetchResult& result : results) {
    INFO(result.describe());
    CHECK(result.ok());
    CHECK(result.text == "delayed 1000 ms\n");
  }
  INFO("four clients took " << seconds.count() << " s");
  if (kExpected.servesConcurrently) {
    CHECK(seconds.count() <= 2.5);
  } else {
    CHECK(seconds.count() >= 3.5);
  }
}
