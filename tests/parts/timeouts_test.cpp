// tests/parts/timeouts_test.cpp — part 5's lesson: the loop knows the time. A pair that moves no
// byte for idleTimeout is closed and its descriptors freed; a slow transfer that keeps moving is
// never cut; what a client sends while the backend's connect is in progress waits for it; and
// the backend's name is resolved once, at start-up. (No backend can stall the loop: see
// never_blocks_test.cpp.)
#include <poll.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "client.h"
#include "part_under_test.h"
#include "refused_start.h"

using namespace rsp::test;
using rsp::Fd;
using Clock = std::chrono::steady_clock;

namespace {

// A request without the blank line that ends it: the backend waits for the rest, which never
// comes, and no byte moves either way.
constexpr char kHalfRequest[] = "GET /bytes/100 HTTP/1.0\r\n";
// From part 8, a half request never reaches a backend (headerTimeout cuts it): a whole request
// that the backend takes 10 s to answer leaves a pair just as silent.
constexpr char kSlowRequest[] = "GET /delay/10000 HTTP/1.0\r\n\r\n";
const char* const kIdleRequest = readsRequestHead(kPart) ? kSlowRequest : kHalfRequest;

int closedAlready(const std::vector<Fd>& clients) {
  int closed = 0;
  for (const Fd& client : clients) {
    pollfd p{client.get(), POLLIN, 0};
    closed += ::poll(&p, 1, 0) > 0;  // readable: EOF or a reset (the backend never answers)
  }
  return closed;
}

}  // namespace

TEST_CASE("40 clients that send half a request are closed about idleTimeout later", "[timeouts]") {
  TestBackend backend;
  ProxySetup setup = setupFor(backend.port(), "idleTimeout = 1\n");
  setup.verbose = true;
  RunningProxy proxy = startProxy(setup);
  const int before = openFdCount(proxy.pid());

  const auto start = Clock::now();
  std::vector<Fd> clients;
  for (int i = 0; i < 40; ++i) {
    clients.push_back(connectClient(proxy.port));
    REQUIRE(sendText(clients.back().get(), kIdleRequest));
  }
  REQUIRE(eventually(5s, [&] { return backend.connectionsAccepted() == 40; }));
  std::this_thread::sleep_until(start + 500ms);
  CHECK(closedAlready(clients) == 0);

  // Each client closes once it has seen the end, as a real one does. From part 8 the end is
  // the proxy's 504 and a lingering close, which waits (up to Connection::kLinger, 5 s) for
  // the client to close before the proxy lets its descriptors go.
  int closed = 0;
  for (Fd& client : clients) {
    const auto left = std::chrono::duration_cast<milliseconds>(start + 6s - Clock::now());
    closed += readUntilClosed(client.get(), std::max(left, milliseconds(0))).closed;
    client.reset();
  }
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  INFO("the last of " << closed << " clients was closed after " << took.count() << " ms");
  CHECK(closed == 40);
  CHECK(settledFdCount(proxy.pid(), before) == before);
  CHECK(proxy.process->waitForErrors("idle", 1s));
}

TEST_CASE("a slow but steady client is never cut by idleTimeout", "[timeouts]") {
  TestBackend backend;
  RunningProxy proxy = startProxy(setupFor(backend.port(), "idleTimeout = 1\n"));
  // At 2 MB/s the proxy sees events all along. At 1 MB/s its send buffer toward the client
  // (megabytes, on loopback) drains for more than a second without one: the proxy must count
  // the bytes the kernel delivers meanwhile as activity, or it cuts a client that is reading.
  const auto rate = GENERATE(2'000'000, 1'000'000);
  FetchOptions slow;
  slow.bytesPerSecond = static_cast<std::uint64_t>(rate);
  slow.receiveBuffer = 16 * 1024;
  slow.deadline = 30s;
  const std::uint64_t size = rate == 2'000'000 ? 11 * kMiB : 6 * kMiB;  // about 6 s either way
  const FetchResult result = fetch(proxy.port, bytes(size), slow);
  INFO(rate << " B/s: " << result.describe());
  CHECK(result.body.intact());
}

TEST_CASE("an upload sent while the backend's connect is in progress arrives intact",
          "[timeouts]") {
  TestBackend backend;
  REQUIRE(backend.jam());  // the proxy's SYN is dropped, and sent again after 1 s
  RunningProxy proxy = startProxy(setupFor(backend.port(), "connectTimeout = 5\n"));
  FetchOptions upload;
  upload.uploadBytes = kMiB;
  upload.deadline = 20s;
  FetchResult result;
  std::jthread client([&] { result = fetch(proxy.port, "/sum", upload); });
  std::this_thread::sleep_for(500ms);  // the request goes out while the connect hangs
  backend.unjam();
  client.join();
  INFO(result.describe());
  CHECK(result.ok());
  CHECK(result.text == sumReply(kMiB, result.uploadChecksum));
  CHECK(result.elapsed >= 400ms);  // the reply waited for the connect
}

TEST_CASE("a part 3 config file works unchanged (the default timeouts are long)", "[timeouts]") {
  TestBackend backend;
  RunningProxy proxy = startProxy(setupFor(backend.port()));
  const Fd idle = connectClient(proxy.port);
  REQUIRE(sendText(idle.get(), kHalfRequest));
  const FetchResult result = fetch(proxy.port, bytes(100000));
  INFO(result.describe());
  CHECK(result.body.intact());
  CHECK_FALSE(readUntilClosed(idle.get(), 2s).closed);  // idleTimeout is 60 s by default
}

TEST_CASE("a backend name that does not resolve is one line at start-up", "[timeouts]") {
  const std::string errors =
      checkRefused("listenPort = 0\nbackendAddress = 'no-such-host.invalid'\nbackendPort = 80\n",
                   "cannot resolve");
  CHECK_THAT(errors, Catch::Contains("no-such-host.invalid"));
}

TEST_CASE("a bad connectTimeout or idleTimeout is one line naming it", "[timeouts]") {
  const auto [setting, value] = GENERATE(table<std::string, std::string>({
      {"connectTimeout", "0"},
      {"connectTimeout", "-1"},
      {"connectTimeout", "'soon'"},
      {"idleTimeout", "0"},
      {"idleTimeout", "{}"},
      {"idleTimeout", "true"},
  }));
  checkConfigError("listenPort = 0\nbackendAddress = '127.0.0.1'\nbackendPort = 9\n" + setting +
                       " = " + value + "\n",
                   setting);
}

TEST_CASE("a client that stops reading mid-download is cut after one idleTimeout and not two",
          "[timeouts]") {
  TestBackend backend;
  ProxySetup setup = setupFor(backend.port(), "idleTimeout = 3\n");
  setup.verbose = true;  // for the "idle for too long" line, the moment the pair is closed
  RunningProxy proxy = startProxy(setup);
  // The client reads steadily for 3 s (the idle timer fires meanwhile), then
  // stops reading for good: from then on no byte moves, and the queues toward it stay full.
  std::atomic<bool> stopped{false};
  Clock::time_point stoppedAt{};
  FetchOptions reader;
  reader.bytesPerSecond = 1'000'000;
  reader.receiveBuffer = 16 * 1024;
  reader.deadline = 20s;
  reader.onProgress = [&](std::uint64_t received) {
    if (received < 3'000'000 || stopped) return;
    stoppedAt = Clock::now();
    stopped = true;
    std::this_thread::sleep_for(8s);  // stops reading: the cut shows up after this
  };
  std::thread client([&] { fetch(proxy.port, bytes(std::uint64_t{1} << 30), reader); });
  REQUIRE(eventually(10s, [&] { return stopped.load(); }));
  const bool cut = proxy.process->waitForErrors("idle for too long", 8s);
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - stoppedAt);
  client.join();
  INFO("cut " << took.count() << " ms after the client stopped reading (idleTimeout 3 s)");
  CHECK(cut);
  // About one idleTimeout after the last byte moved (the timer looks every 0.75 s once only
  // acknowledgements move); two, counted from the proxy's last event, were 5.3 s here.
  CHECK(took < 4600ms);
}
