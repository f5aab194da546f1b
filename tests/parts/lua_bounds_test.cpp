// tests/parts/lua_bounds_test.cpp — parts 6 and 7: the config's Lua runs inside the loop, so
// every run of it is bounded. A chooseBackend that never returns (even one that catches the
// overrun with pcall) costs its client luaTimeLimit and is then switched off; one that
// allocates without end fails at luaMemoryLimit; a config whose top level loops or allocates
// without end fails to load (at start-up one line and exit 1; at a reload, part 7's, the
// running config stays: limits_test.cpp). Also: chooseBackend may return a float with a whole
// value, and 1.5 is "not a whole number"; and 200 clients meeting a failing chooseBackend cost
// a handful of log lines, not 200.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <vector>

#include "client.h"
#include "part_under_test.h"
#include "refused_start.h"

using namespace rsp::test;
using Clock = std::chrono::steady_clock;

namespace {

RunningProxy startWithChooser(std::vector<std::uint16_t> backendPorts, const std::string& lua) {
  ProxySetup setup = setupFor(0, lua);
  setup.backendPorts = std::move(backendPorts);
  return startProxy(setup);
}

// Five clients at once, each given up after 5 s: how many were served, and the longest wait.
struct Crowd {
  int served = 0;
  milliseconds longest{0};
};
Crowd fiveAtOnce(std::uint16_t port) {
  FetchOptions options;
  options.deadline = 5s;
  Crowd crowd;
  for (const FetchResult& result : fetchAtOnce(port, bytes(100), 5, options)) {
    crowd.served += result.ok() && result.body.intact();
    crowd.longest = std::max(crowd.longest, result.elapsed);
  }
  return crowd;
}

// SIGTERM; how long the proxy took to exit, or nullopt if it had not after 3 s.
std::optional<milliseconds> exitsOnSigterm(RunningProxy& proxy) {
  const auto sent = Clock::now();
  proxy.process->sendSignal(SIGTERM);
  if (!proxy.process->waitForExit(3s)) return std::nullopt;
  return std::chrono::duration_cast<milliseconds>(Clock::now() - sent);
}

constexpr char kSpin[] = "function chooseBackend(client) while true do end end\n";
constexpr char kCaughtSpin[] =
    "function chooseBackend(client)\n"
    "  while true do pcall(function() while true do end end) end\n"
    "end\n";

}  // namespace

TEST_CASE("a chooseBackend that never returns holds its client for luaTimeLimit, not for good",
          "[lua-bounds]") {
  const std::string lua = GENERATE(as<std::string>{}, kSpin, kCaughtSpin);
  TestBackend b1(0, "b1");
  RunningProxy proxy = startWithChooser({b1.port()}, lua);
  INFO("chooseBackend: " << lua);
  const Crowd crowd = fiveAtOnce(proxy.port);
  // Before part 6 bounded it: 0 of 5 served, each client held until it gave up (5 s), and no
  // answer to SIGTERM. Now: luaTimeLimit (0.1 s) for each of three clients, then at once.
  UNSCOPED_INFO("served " << crowd.served << " of 5, the longest in " << crowd.longest.count()
                          << " ms");
  CHECK(crowd.served == 5);
  CHECK(crowd.longest < 3s);
  const std::optional<milliseconds> exited = exitsOnSigterm(proxy);
  UNSCOPED_INFO("SIGTERM answered " << (exited ? std::to_string(exited->count()) + " ms" : "never")
                                    << "; stderr: " << proxy.process->errors());
  CHECK(exited.has_value());
  CHECK_THAT(proxy.process->errors(), Catch::Contains("luaTimeLimit"));
}

TEST_CASE("three overruns in a row switch chooseBackend off, with one line", "[lua-bounds]") {
  TestBackend b1(0, "b1"), b2(0, "b2");
  RunningProxy proxy = startWithChooser({b1.port(), b2.port()}, kSpin);
  FetchOptions options;
  options.deadline = 5s;
  std::vector<milliseconds> held;
  for (int i = 0; i < 10; ++i) {
    const FetchResult result = fetch(proxy.port, bytes(100), options);
    INFO("client " << i << ": " << result.describe());
    CHECK(result.body.intact());
    held.push_back(result.elapsed);
  }
  const std::string errors = proxy.process->errors();
  INFO("stderr: " << errors);
  CHECK(linesContaining(errors, "switched off") == 1);
  // The clients after the third overrun go by balance at once: far below luaTimeLimit each.
  milliseconds afterward{0};
  for (std::size_t i = 3; i < held.size(); ++i) afterward += held[i];
  UNSCOPED_INFO("the first three clients waited "
                << held[0].count() << ", " << held[1].count() << ", " << held[2].count()
                << " ms; the next seven " << afterward.count() << " ms in all");
  CHECK(afterward < 2s);  // before: 5 s each, until they gave up
  CHECK(proxy.process->running());
}

TEST_CASE("a chooseBackend that allocates without end fails at luaMemoryLimit", "[lua-bounds]") {
  TestBackend b1(0, "b1");
  // 256 MiB at most, in case nothing stops it (as before part 6 bounded it).
  RunningProxy proxy = startWithChooser({b1.port()}, R"(
luaMemoryLimit = 16
function chooseBackend(client)
  local kept = {}
  for i = 1, 256 do kept[i] = string.rep("x", 1024 * 1024) .. i end
  return 1
end
)");
  for (int i = 0; i < 3; ++i) {
    const FetchResult result = fetch(proxy.port, bytes(100));
    INFO("client " << i << ": " << result.describe());
    CHECK(result.body.intact());
  }
  INFO("stderr: " << proxy.process->errors());
  CHECK(proxy.process->waitForErrors("luaMemoryLimit", 2s));
  CHECK(proxy.process->running());
  // Nothing stopped it before: 256 MiB at once. (Under ASan freed blocks stay a while.)
  const std::int64_t peak = peakResidentKiB(proxy.pid());
  UNSCOPED_INFO("peak resident memory " << peak / 1024 << " MiB");
  CHECK(peak < 200 * 1024);
}

TEST_CASE("a config whose top level loops or allocates without end is refused in one line",
          "[lua-bounds]") {
  const auto [lua, says] = GENERATE(table<std::string, std::string>({
      {"while true do end", "luaTimeLimit"},
      {"while true do pcall(function() while true do end end) end", "luaTimeLimit"},
      {"local t = {} for i = 1, 256 do t[i] = string.rep('x', 1 << 20) .. i end", "MiB"},
  }));
  checkRefused("listenPort = 0\nbackends = { '127.0.0.1:9' }\n" + lua + "\n", says);
}

TEST_CASE("a bad luaTimeLimit or luaMemoryLimit is one line naming it", "[lua-bounds]") {
  const auto [setting, value] = GENERATE(table<std::string, std::string>({
      {"luaTimeLimit", "0"},
      {"luaTimeLimit", "-1"},
      {"luaTimeLimit", "'fast'"},
      {"luaMemoryLimit", "0"},
      {"luaMemoryLimit", "1.5"},
      {"luaMemoryLimit", "'lots'"},
  }));
  checkConfigError(
      "listenPort = 0\nbackends = { '127.0.0.1:9' }\n" + setting + " = " + value + "\n", setting);
}

TEST_CASE("chooseBackend may return a float with a whole value, and 1.5 is not a whole number",
          "[lua-bounds]") {
  TestBackend b1(0, "b1"), b2(0, "b2"), b3(0, "b3");
  // #client.backends / 3 * 2 is 2.0 in Lua 5.4: a float. (Linux gives connect() even ports
  // first, so the clients' ports are split by 4, not 2.)
  RunningProxy proxy =
      startWithChooser({b1.port(), b2.port(), b3.port()},
                       "function chooseBackend(client)\n"
                       "  if client.port % 4 == 0 then return #client.backends / 3 * 2 end\n"
                       "  return 1.5\n"
                       "end\n");
  int whole = 0;
  for (int i = 0; i < 20; ++i) {
    const FetchResult result = fetch(proxy.port, bytes(100));
    INFO("client port " << result.localPort << ": " << result.describe());
    CHECK(result.body.intact());
    if (result.localPort % 4 != 0) continue;
    ++whole;
    CHECK(result.header("X-Backend") == "b2");
  }
  CHECK(whole > 0);  // some client did meet the whole float
  INFO("stderr: " << proxy.process->errors());
  CHECK(proxy.process->waitForErrors("1.5, not a whole number", 2s));
  CHECK(linesContaining(proxy.process->errors(), "returned 2") == 0);
}

TEST_CASE("200 clients and a failing chooseBackend: a handful of lines, not one per client",
          "[log-bounds]") {
  constexpr int kClients = 200;
  TestBackend b1(0, "b1");
  ProxySetup setup =
      setupFor(0, "function chooseBackend(client) error('no backend for you') end\n");
  setup.backendPorts = {b1.port()};
  RunningProxy proxy = startProxy(setup);
  FetchOptions options;
  options.deadline = 5s;
  int served = 0;
  for (int i = 0; i < kClients; ++i) served += fetch(proxy.port, bytes(100), options).ok();
  CHECK(served == kClients);
  const std::string errors = proxy.process->errors();
  const int lines = linesContaining(errors, "chooseBackend");
  UNSCOPED_INFO(kClients << " clients, " << lines << " lines about chooseBackend; stderr ends: "
                         << errors.substr(errors.size() > 400 ? errors.size() - 400 : 0));
  CHECK(lines >= 1);
  CHECK(lines <= 5);
}
