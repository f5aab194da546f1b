// tests/parts/oneshot_test.cpp — what only part 1 has: serve(), one client's whole visit, and
// what it logs about it.
#include <catch2/catch.hpp>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;

TEST_CASE("a backend that resets mid-reply is logged as an error and not as served", "[faults]") {
  TestBackend backend;
  ProxySetup setup = setupFor(backend.port());
  setup.verbose = true;  // so that a client served would be logged too
  RunningProxy proxy = startProxy(setup);
  FetchOptions post;
  post.uploadBytes = 100;
  const FetchResult cut = fetch(proxy.port, "/reset?after=100000", post);
  INFO(cut.describe());
  CHECK(proxy.process->waitForErrors("cannot read from backend: Connection reset by peer", 5s));
  INFO("stderr: " << proxy.process->errors());
  CHECK_THAT(proxy.process->errors(), !Catch::Contains("served"));

  const FetchResult next = fetch(proxy.port, bytes(100));  // and the next client is served
  INFO(next.describe());
  CHECK(next.body.intact());
  CHECK(proxy.process->waitForErrors("served", 2s));
}
