// tests/parts/faults_test.cpp — clients that vanish, a backend that is down: the proxy closes
// that one connection, keeps serving everyone else, and leaks no file descriptor. A stderr that
// nobody reads any more does not stop it either.
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "client.h"
#include "part_under_test.h"

using namespace rsp::test;

TEST_CASE("a client that disconnects mid-response does not stop the proxy", "[faults]") {
  PartUnderTest part;
  vanishMidResponse(part.port(), bytes(8 * kMiB), 64 * 1024, /*reset=*/false);
  const FetchResult next = fetch(part.port(), bytes(100000));
  INFO(next.describe());
  CHECK(next.ok());
  CHECK(next.body.intact());
  CHECK(part.running());
}

TEST_CASE("20 clients that reset mid-response leave no descriptor behind", "[faults]") {
  PartUnderTest part;
  const int before = openFdCount(part.pid());  // before any client: nothing still closing
  std::vector<std::thread> clients;
  for (int i = 0; i < 20; ++i) {
    clients.emplace_back([&] { vanishMidResponse(part.port(), bytes(8 * kMiB), 32768, true); });
  }
  for (auto& client : clients) client.join();
  const FetchResult next = fetch(part.port(), bytes(100000));
  INFO(next.describe());
  CHECK(next.body.intact());
  CHECK(part.running());
  CHECK(settledFdCount(part.pid(), before) == before);
}

TEST_CASE("1000 connections later the proxy holds no more descriptors", "[faults]") {
  PartUnderTest part;
  const int before = openFdCount(part.pid());  // before any client: nothing still closing
  int intact = 0;
  for (int i = 0; i < 1000; ++i) intact += fetch(part.port(), bytes(100)).body.intact();
  CHECK(intact == 1000);
  CHECK(settledFdCount(part.pid(), before) == before);
}

TEST_CASE("a backend that is down: the client is let go, and service resumes", "[faults]") {
  auto backend = std::make_unique<TestBackend>();
  const std::uint16_t backendPort = backend->port();
  RunningProxy proxy = startProxy(setupFor(backendPort));
  backend.reset();  // the backend goes away

  const FetchResult refused = fetch(proxy.port, bytes(100));
  INFO(refused.describe());
  CHECK(refused.connected);
  CHECK_FALSE(refused.ok());
  CHECK(refused.elapsed < 1s);
  CHECK(proxy.process->running());
  // One clear line, naming the backend and why: "cannot connect to backend 127.0.0.1:P:
  // Connection refused" (parts 2-5), "backend 127.0.0.1:P is down: Connection refused" (6-7).
  CHECK(proxy.process->waitForErrors("Connection refused", 2s));
  const std::string errors = proxy.process->errors();
  INFO("stderr: " << errors);
  const std::string line = errors.substr(0, errors.find("Connection refused"));
  CHECK_THAT(
      line.substr(line.rfind('\n') + 1),
      Catch::Contains("backend") && Catch::Contains("127.0.0.1:" + std::to_string(backendPort)));

  // Back up, on the same port. Parts 2-5 try the backend for every client; from part 6 on a
  // backend that failed is marked down until a health check (every 2 s) finds it up again.
  TestBackend again(backendPort);
  FetchResult served = fetch(proxy.port, bytes(100));
  for (int retry = 0; retry < 50 && !served.body.intact(); ++retry) {
    std::this_thread::sleep_for(100ms);
    served = fetch(proxy.port, bytes(100));
  }
  INFO(served.describe());
  CHECK(served.body.intact());
}

TEST_CASE("a log line to a closed pipe does not kill the proxy", "[faults]") {
  TestBackend backend;
  ProxySetup setup = setupFor(backend.port());
  setup.verbose = true;  // a line on stderr for every client
  TempDir dir;
  ChildProcess proxy(proxyCommand(setup, dir), {}, ChildProcess::Stderr::kClosedPipe);
  const std::optional<std::uint16_t> port = proxy.waitForStarted(10s);
  REQUIRE(port.has_value());
  for (int i = 0; i < 3; ++i) {
    const FetchResult served = fetch(*port, bytes(100000));
    INFO("client " << i << ": " << served.describe());
    CHECK(served.ok());
    CHECK(served.body.intact());
  }
  const std::optional<ExitStatus> ended = proxy.waitForExit(500ms);  // a dying one is gone by then
  INFO("the proxy " << (ended ? ended->describe() : "is still running"));
  CHECK_FALSE(ended.has_value());
}
