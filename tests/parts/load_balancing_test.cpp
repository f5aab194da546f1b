// tests/parts/load_balancing_test.cpp — part 6's lesson: one proxy, several backends. Round
// robin takes them in turn, leastconn picks the least busy, a chooseBackend function in the
// config decides per client (and cannot take the proxy down when it fails), and a dead backend
// costs the clients nothing while another is up. Every backend here has a name, which each
// reply carries (X-Backend), so the tests can count who answered.
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "client.h"
#include "part_under_test.h"
#include "refused_start.h"

using namespace rsp::test;

namespace {

ProxySetup balancing(std::vector<std::uint16_t> backendPorts, const std::string& lua = "") {
  ProxySetup setup = setupFor(0, lua);
  setup.backendPorts = std::move(backendPorts);
  return setup;
}

// Who answered a request for bytes(N): its backend's name, or "failed".
std::string answerer(const FetchResult& result) {
  return result.ok() && result.body.intact() ? result.header("X-Backend") : "failed";
}

// Sends `count` short requests one after another; counts who answered, e.g. "b1 5, b2 5".
std::string whoAnswers(std::uint16_t port, int count) {
  std::map<std::string, int> answered;
  for (int i = 0; i < count; ++i) ++answered[answerer(fetch(port, bytes(100)))];
  std::string tally;
  for (const auto& [name, n] : answered) {
    tally += (tally.empty() ? "" : ", ") + name + " " + std::to_string(n);
  }
  return tally;
}

}  // namespace

TEST_CASE("round robin: 300 requests over three backends give each 100", "[load-balancing]") {
  TestBackend b1(0, "b1"), b2(0, "b2"), b3(0, "b3");
  RunningProxy proxy = startProxy(balancing({b1.port(), b2.port(), b3.port()}));
  CHECK(whoAnswers(proxy.port, 300) == "b1 100, b2 100, b3 100");
}

TEST_CASE("a backend may be written as a table with address and port", "[load-balancing]") {
  TestBackend b1(0, "b1"), b2(0, "b2");
  const TempDir dir;
  const std::string lua = "listenPort = 0\nbackends = { '127.0.0.1:" + std::to_string(b1.port()) +
                          "', { address = '127.0.0.1', port = " + std::to_string(b2.port()) +
                          " } }\n";
  ChildProcess proxy({kPartBinary, dir.write("rsp.lua", lua).string()});
  const auto port = proxy.waitForStarted(10s);
  INFO(proxy.errors());
  REQUIRE(port.has_value());
  CHECK(whoAnswers(*port, 10) == "b1 5, b2 5");
}

TEST_CASE("leastconn: short requests go to the backend that holds no long one",
          "[load-balancing]") {
  TestBackend b1(0, "b1"), b2(0, "b2");
  RunningProxy proxy = startProxy(balancing({b1.port(), b2.port()}, "balance = 'leastconn'\n"));
  FetchResult held;
  std::jthread holder([&] { held = fetch(proxy.port, "/delay/3000"); });
  REQUIRE(eventually(5s, [&] { return b1.connectionsAccepted() + b2.connectionsAccepted() == 1; }));
  const std::string busy = b1.connectionsAccepted() == 1 ? "b1" : "b2";
  std::string shortOnes;
  for (int i = 0; i < 10; ++i) {
    shortOnes += answerer(fetch(proxy.port, bytes(100))) + " ";
    // The proxy counts a pair until it has seen our close: let it, or the next short request
    // might meet a count that is not down yet.
    std::this_thread::sleep_for(50ms);
  }
  holder.join();
  INFO("the long request went to " << busy << ", the short ones to: " << shortOnes);
  CHECK(held.ok());  // its body says how long it was delayed: not a pattern to check
  CHECK(held.header("X-Backend") == busy);
  const std::string other = busy == "b1" ? "b2 " : "b1 ";
  CHECK(shortOnes == other + other + other + other + other + other + other + other + other + other);
}

TEST_CASE("chooseBackend sees the client and the backends and its choice is obeyed",
          "[load-balancing]") {
  TestBackend b1(0, "b1"), b2(0, "b2"), b3(0, "b3");
  const std::string lua = R"(
function chooseBackend(client)
  assert(client.address == "127.0.0.1", "client.address is " .. tostring(client.address))
  assert(#client.backends == 3, "not three backends")
  for i, backend in ipairs(client.backends) do
    assert(backend.address == "127.0.0.1" and backend.up, "backend " .. i .. " looks wrong")
    assert(backend.connections >= 0, "backend " .. i .. " has no connection count")
  end
  assert(client.backends[2].port == )" +
                          std::to_string(b2.port()) +
                          R"(, "the second backend's port")
  return client.port % 3 + 1
end
)";
  RunningProxy proxy = startProxy(balancing({b1.port(), b2.port(), b3.port()}, lua));
  int obeyed = 0;
  for (int i = 0; i < 30; ++i) {
    const FetchResult result = fetch(proxy.port, bytes(100));
    const std::string expected = "b" + std::to_string(result.localPort % 3 + 1);
    if (answerer(result) == expected) {
      ++obeyed;
    } else {
      UNSCOPED_INFO("client port " << result.localPort << ": " << result.describe());
    }
  }
  CHECK(obeyed == 30);
  INFO("stderr: " << proxy.process->errors());
  CHECK(proxy.process->errors().find("chooseBackend") == std::string::npos);
}

TEST_CASE("a chooseBackend that fails is logged and the client is served anyway",
          "[load-balancing]") {
  const std::string body = GENERATE(as<std::string>{}, "error('no backend for you')", "return nil",
                                    "return 7", "return 'two'", "return 1.5");
  TestBackend b1(0, "b1"), b2(0, "b2"), b3(0, "b3");
  RunningProxy proxy = startProxy(balancing({b1.port(), b2.port(), b3.port()},
                                            "function chooseBackend(client) " + body + " end\n"));
  INFO("chooseBackend: " << body);
  const std::string answered = whoAnswers(proxy.port, 6);
  CHECK(answered.find("failed") == std::string::npos);
  CHECK(proxy.process->waitForErrors("chooseBackend", 2s));
  CHECK(proxy.process->running());
}

TEST_CASE("one of three backends dies: no client notices and it is back after a check",
          "[load-balancing]") {
  TestBackend b1(0, "b1"), b3(0, "b3");
  auto b2 = std::make_unique<TestBackend>(0, "b2");
  const std::uint16_t port2 = b2->port();
  RunningProxy proxy = startProxy(balancing({b1.port(), port2, b3.port()}, "checkInterval = 1\n"));
  b2.reset();  // killed: its connects are refused from now on

  const std::string answered = whoAnswers(proxy.port, 100);
  CHECK(answered.find("failed") == std::string::npos);
  CHECK(proxy.process->waitForErrors("is down", 1s));

  b2 = std::make_unique<TestBackend>(port2, "b2");  // back, on the same port
  const auto restarted = std::chrono::steady_clock::now();
  const bool back = eventually(4s, [&] { return answerer(fetch(proxy.port, bytes(100))) == "b2"; });
  INFO("b2 answered again after " << std::chrono::duration_cast<milliseconds>(
                                         std::chrono::steady_clock::now() - restarted)
                                         .count()
                                  << " ms; stderr: " << proxy.process->errors());
  CHECK(back);
  CHECK(proxy.process->waitForErrors("is up", 1s));
}

TEST_CASE("every backend down: each client is let go at once and nothing leaks",
          "[load-balancing]") {
  auto b1 = std::make_unique<TestBackend>(0, "b1");
  auto b2 = std::make_unique<TestBackend>(0, "b2");
  RunningProxy proxy = startProxy(balancing({b1->port(), b2->port()}));
  const int before = openFdCount(proxy.pid());
  b1.reset();
  b2.reset();
  for (int i = 0; i < 10; ++i) {
    const FetchResult result = fetch(proxy.port, bytes(100));
    INFO("client " << i << ": " << result.describe());
    CHECK(result.connected);
    CHECK_FALSE(result.ok());
    CHECK(result.elapsed < 1s);
  }
  CHECK(proxy.process->running());
  CHECK(settledFdCount(proxy.pid(), before) == before);
}

TEST_CASE("a bad list of backends or balance is one line naming it", "[load-balancing]") {
  const auto [lua, setting] = GENERATE(table<std::string, std::string>({
      {"backends = {}", "backends"},
      {"backends = '127.0.0.1:80'", "backends"},
      {"backends = { 42 }", "backends"},
      {"backends = { '127.0.0.1' }", "backends"},
      {"backends = { '127.0.0.1:70000' }", "backends"},
      {"backends = { { address = '127.0.0.1' } }", "backends"},
      {"backends = { { address = '127.0.0.1', port = 0 } }", "backends"},
      {"backends = { '127.0.0.1:80' } backendAddress = '127.0.0.1' backendPort = 80", "backends"},
      {"backends = { '127.0.0.1:80' } balance = 'random'", "balance"},
      {"backends = { '127.0.0.1:80' } checkInterval = -1", "checkInterval"},
  }));
  checkConfigError("listenPort = 0\n" + lua + "\n", setting);
}
