// tests/parts/lua_waits_test.cpp — part 10's lesson: route(request) runs as a coroutine that may
// wait (rsp.sleep, rsp.tcp) while every other pair moves; the worked example asks a real Redis
// (support/redis_server.h) with the redis.lua shipped beside the part's config; a route that
// fails in any way costs that request Host matching, and nothing else.
#include <signal.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "backend.h"
#include "http_client.h"
#include "procfs.h"
#include "redis_server.h"
#include "refused_start.h"

using namespace rsp::test;
using Clock = std::chrono::steady_clock;

namespace {

// The part's redis.lua, from its folder in the source tree (part10-lua-waits/ for part 10).
std::string redisModule() {
  const std::string prefix = "part" + std::to_string(kPart) + "-";
  for (const auto& entry : std::filesystem::directory_iterator(RSP_SOURCE_DIR)) {
    if (entry.path().filename().string().starts_with(prefix)) {
      std::ifstream file(entry.path() / "redis.lua");
      std::stringstream text;
      text << file.rdbuf();
      if (!text.str().empty()) return text.str();
    }
  }
  throw std::runtime_error("no redis.lua in the part's folder");
}

// As startWith(), with redis.lua beside the config, where `require "redis"` finds it.
RunningProxy startWithRedisModule(const std::string& lua) {
  RunningProxy proxy;
  proxy.dir = std::make_unique<TempDir>();
  proxy.dir->write("redis.lua", redisModule());
  proxy.config = proxy.dir->write("rsp.lua", "listenPort = 0\n" + lua);
  proxy.process = std::make_unique<ChildProcess>(
      std::vector<std::string>{kPartBinary, "--verbose", proxy.config.string()});
  const auto port = proxy.process->waitForStarted(10s);
  if (!port) throw std::runtime_error("the proxy did not start: " + proxy.process->errors());
  proxy.port = *port;
  return proxy;
}

std::string address(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// The sample config's route, with the cache's time and Redis's port as the test wants them.
std::string redisRoute(std::uint16_t redisPort, double cacheSeconds, int timeoutMs = 5000) {
  return "local redis = require 'redis'\n"
         "local server = { host = '127.0.0.1', port = " + std::to_string(redisPort) +
         ", timeout = " + std::to_string(timeoutMs) + " }\n"
         "local cache = {}\n"
         "function route(request)\n"
         "  if request.host == '' then return nil end\n"  // HTTP/1.0 without Host: by Host
         "  local hit = cache[request.host]\n"
         "  if hit and hit.expires > rsp.now() then return hit.backend or nil end\n"
         "  local backend, err = redis.call(server, 'GET', 'site:' .. request.host)\n"
         "  if err then error(err) end\n"
         "  cache[request.host] = { backend = backend or false, expires = rsp.now() + " +
         std::to_string(cacheSeconds) + " }\n"
         "  return backend\n"
         "end\n";
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("hosts go where Redis says, and a changed key counts once the cache's time is up",
          "[lua-waits]") {
  RedisServer redis;
  RecordingBackend a("a"), b("b"), fallback("fallback");
  redis.set("site:a.test", address(a.port()));
  redis.set("site:b.test", address(b.port()));
  RunningProxy proxy = startWithRedisModule("sites = { ['fallback.test'] = " +
                                            siteOf(fallback.port()) +
                                            " }\ndefaultSite = 'fallback.test'\n" +
                                            redisRoute(redis.port(), 1.0));
  CHECK(ask(proxy.port, get("a.test")).backend() == "a");
  CHECK(ask(proxy.port, get("B.Test:80")).backend() == "b");
  CHECK(ask(proxy.port, get("c.test")).backend() == "fallback");  // no key: by Host
  redis.set("site:a.test", address(b.port()));
  CHECK(ask(proxy.port, get("a.test")).backend() == "a");  // still the cached answer
  std::this_thread::sleep_for(1200ms);
  CHECK(ask(proxy.port, get("a.test")).backend() == "b");
  CHECK(proxy.process->errors().find("route failed") == std::string::npos);
}

TEST_CASE("20 requests whose route sleeps 0.5 s finish together, not one after another",
          "[lua-waits]") {
  RecordingBackend site("site");
  RunningProxy proxy = startWith("sites = { ['a.test'] = " + siteOf(site.port()) +
                                 " }\nfunction route(r) rsp.sleep(0.5) return 'a.test' end\n");
  const auto start = Clock::now();
  std::vector<std::future<Reply>> replies;
  for (int i = 0; i < 20; ++i) {
    replies.push_back(
        std::async(std::launch::async, [&] { return ask(proxy.port, get("a.test")); }));
  }
  for (auto& reply : replies) CHECK(reply.get().backend() == "site");
  const double seconds = secondsSince(start);
  CHECK(seconds >= 0.45);
  CHECK(seconds < 5.0);  // one after another would be 10 s
}

TEST_CASE("Redis stopped: a download goes on, and the lookup waiting on Redis finishes after",
          "[lua-waits]") {
  RedisServer redis;
  TestBackend downloads;
  RecordingBackend slow("slow");
  redis.set("site:slow.test", address(slow.port()));
  RunningProxy proxy = startWithRedisModule("sites = { ['d.test'] = " + siteOf(downloads.port()) +
                                            " }\ndefaultSite = 'd.test'\nrouteTimeout = 10\n" +
                                            redisRoute(redis.port(), 0));
  // 10 MiB at 2 MiB/s: a download that lasts through the 3 s Redis is stopped.
  std::vector<Clock::time_point> progress;
  FetchOptions options;
  options.bytesPerSecond = 2 * kMiB;
  options.onProgress = [&](std::uint64_t) { progress.push_back(Clock::now()); };
  auto download = std::async(std::launch::async, [&] {
    return fetch(proxy.port, bytes(10 * kMiB), options);
  });
  std::this_thread::sleep_for(300ms);
  redis.pause();
  const auto stopped = Clock::now();
  auto lookup = std::async(std::launch::async, [&] {
    return ask(proxy.port, get("slow.test"), 15s);
  });
  std::this_thread::sleep_for(3s);
  redis.resume();
  const Reply looked = lookup.get();
  CHECK(looked.backend() == "slow");
  CHECK(secondsSince(stopped) >= 2.9);  // it did wait for Redis
  const FetchResult fetched = download.get();
  CHECK(fetched.ok());
  CHECK(fetched.body.intact());
  // While Redis was stopped the download kept moving. A loop that waited on Redis would stall
  // it for the whole 3 s; a loaded machine (asan, tests in parallel) may stall it a second.
  std::size_t during = 0;
  double longestGap = 0;
  for (std::size_t i = 1; i < progress.size(); ++i) {
    if (progress[i] < stopped || progress[i] > stopped + 3s) continue;
    ++during;
    const std::chrono::duration<double> gap = progress[i] - progress[i - 1];
    longestGap = std::max(longestGap, gap.count());
  }
  CHECK(during > 10);
  CHECK(longestGap < 1.5);
}

TEST_CASE("Redis stopped for longer than routeTimeout: 504, and the proxy goes on",
          "[lua-waits]") {
  RedisServer redis;
  RecordingBackend slow("slow"), other("other");
  redis.set("site:slow.test", address(slow.port()));
  RunningProxy proxy = startWithRedisModule("sites = { ['other.test'] = " + siteOf(other.port()) +
                                            " }\ndefaultSite = 'other.test'\nrouteTimeout = 1\n" +
                                            redisRoute(redis.port(), 0));
  const int baseline = openFdCount(proxy.pid());  // before any client: nothing in flight
  CHECK(ask(proxy.port, get("slow.test")).backend() == "slow");
  redis.pause();
  const auto start = Clock::now();
  const Reply reply = ask(proxy.port, get("slow.test"));
  CHECK(reply.status() == 504);
  CHECK(secondsSince(start) >= 0.9);
  CHECK(secondsSince(start) < 3.0);
  CHECK(ask(proxy.port, "GET / HTTP/1.0\r\n\r\n").backend() == "other");  // no Redis needed
  redis.resume();
  CHECK(ask(proxy.port, get("slow.test")).backend() == "slow");
  CHECK(settledFdCount(proxy.pid(), baseline) == baseline);  // the timed-out socket is closed
}

TEST_CASE("a route that never yields, allocates without end or raises: that request goes by Host",
          "[lua-waits]") {
  const std::string bad =
      GENERATE(as<std::string>{}, "while true do end", "rsp.sleep(0.05) while true do end",
               "local t = {} while true do t[#t + 1] = ('x'):rep(1000) .. #t end",
               "error('no route for you')",
               "local s = rsp.tcp() s:connect('127.0.0.1', PORT) error('x')",
               "coroutine.yield()");
  RecordingBackend good("good"), fallback("fallback");
  std::string body = bad;
  if (const auto at = body.find("PORT"); at != std::string::npos) {
    body.replace(at, 4, std::to_string(good.port()));
  }
  RunningProxy proxy = startWith(
      "sites = { ['good.test'] = " + siteOf(good.port()) + ", ['fallback.test'] = " +
      siteOf(fallback.port()) + " }\ndefaultSite = 'fallback.test'\nluaTimeLimit = 0.05\n" +
      "luaMemoryLimit = 16\n"
      "function route(r)\n  if r.path == '/bad' then " + body + " end\n"
      "  rsp.sleep(0.2)\n  return 'good.test'\nend\n");
  INFO("route: " << body);
  const int baseline = openFdCount(proxy.pid());  // before any client: nothing in flight
  CHECK(ask(proxy.port, get("x.test")).backend() == "good");
  for (int i = 0; i < 2; ++i) {  // two, then one that works: never three overruns in a row
    auto during = std::async(std::launch::async, [&] { return ask(proxy.port, get("x.test")); });
    CHECK(ask(proxy.port, get("x.test", "/bad")).backend() == "fallback");
    CHECK(during.get().backend() == "good");  // others are served meanwhile
  }
  CHECK(ask(proxy.port, get("x.test")).backend() == "good");
  CHECK(proxy.process->waitForErrors("this request goes by Host", 2s));
  CHECK(proxy.process->running());
  CHECK(settledFdCount(proxy.pid(), baseline) == baseline);
}

TEST_CASE("rsp.sleep and rsp.tcp outside route are an error of the config", "[lua-waits]") {
  checkConfigError("listenPort = 0\nbackends = { '127.0.0.1:80' }\nrsp.sleep(1)\n",
                   "only inside route");
}

TEST_CASE("rsp.tcp's calls return what OpenResty's return, errors as nil and a reason",
          "[lua-waits]") {
  RecordingBackend site("site"), byHost("by-host"), quiet("quiet");
  std::uint16_t closedPort = 0;
  { const rsp::Fd probe = listenOnLoopback(0, &closedPort); }  // bound, then let go: refused
  RunningProxy proxy = startWith(
      "sites = { ['a.test'] = " + siteOf(site.port()) + ", ['b.test'] = " +
      siteOf(byHost.port()) + " }\n"
      "function route(r)\n"
      "  local s = rsp.tcp()\n"
      "  local ok, err = s:connect('127.0.0.1', " + std::to_string(closedPort) + ")\n"
      "  assert(ok == nil and err == 'connection refused', 'refused: ' .. tostring(err))\n"
      "  ok, err = s:connect('localhost', 80)\n"
      "  assert(ok == nil and err:find('numeric'), 'a name: ' .. tostring(err))\n"
      "  assert(s:connect('127.0.0.1', " + std::to_string(quiet.port()) + ") == 1, 'connect')\n"
      "  s:settimeout(100)\n"
      "  local data, partial\n"
      "  data, err, partial = s:receive('*l')\n"  // the backend waits for a whole head
      "  assert(data == nil and err == 'timeout' and partial == '', 'timeout: ' .. tostring(err))\n"
      "  assert(s:send('GET / HTTP/1.0\\r\\n\\r\\n') == 18, 'send')\n"
      "  assert(s:receive('*l') == 'HTTP/1.1 200 OK', 'a line, without CR LF')\n"
      "  data, err, partial = s:receive(100000)\n"
      "  assert(data == nil and err == 'closed' and partial:find('quiet'), 'closed: ' .. err)\n"
      "  assert(s:close() == nil, 'closed already')\n"
      "  return 'a.test'\n"
      "end\n");
  INFO(proxy.process->errors());
  CHECK(ask(proxy.port, get("b.test")).backend() == "site");  // by route: every assert held
}

TEST_CASE("a reload lets a waiting route finish in the Lua state it started in", "[lua-waits]") {
  RecordingBackend a("a"), b("b");
  const std::string sites =
      "sites = { ['a.test'] = " + siteOf(a.port()) + ", ['b.test'] = " + siteOf(b.port()) + " }\n";
  RunningProxy proxy = startWith(sites + "function route(r) rsp.sleep(1) return 'a.test' end\n");
  auto waiting = std::async(std::launch::async, [&] { return ask(proxy.port, get("x.test")); });
  std::this_thread::sleep_for(300ms);  // its route sleeps now, in the first config's state
  proxy.dir->write("rsp.lua", "listenPort = " + std::to_string(proxy.port) + "\n" + sites +
                                  "function route(r) return 'b.test' end\n");
  proxy.process->sendSignal(SIGHUP);
  REQUIRE(proxy.process->waitForErrors("reloaded", 5s));
  CHECK(ask(proxy.port, get("x.test")).backend() == "b");  // a new request: the new route
  CHECK(waiting.get().backend() == "a");                    // the old one, finished as it began
}

// Part 9 routes every request on a kept-alive connection anew: each waits for its own route,
// and a pipelined one, and a body, wait in the kernel meanwhile and come after, in order.
TEST_CASE("kept alive: each request waits for its own route, pipelined ones answered in order",
          "[lua-waits]") {
  RecordingBackend a("a"), b("b");
  RunningProxy proxy = startWith("sites = { ['a.test'] = " + siteOf(a.port()) +
                                 ", ['b.test'] = " + siteOf(b.port()) +
                                 " }\nfunction route(r) rsp.sleep(0.1)\n"
                                 "  return r.path == '/to-b' and 'b.test' or 'a.test' end\n");
  const std::string post =
      "POST /to-b HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello";
  const Reply reply = ask(proxy.port, post + get("a.test", "/to-a") + get("a.test", "/to-b"));
  CHECK(countOf(reply.text, "HTTP/1.1 200") == 3);
  const auto first = reply.text.find("X-Backend: b");
  const auto second = reply.text.find("X-Backend: a", first);
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(reply.text.find("X-Backend: b", second) != std::string::npos);
  REQUIRE(b.waitForRequests(2, 2s));
  CHECK(b.received().at(0).body == "hello");
  CHECK(a.received().size() == 1);
}

// The client is not read while its route waits, but epoll reports a reset even unasked (and,
// level-triggered, again and again): the pair closes at once, the route with it.
TEST_CASE("a client that resets while its route waits is closed at once, with no spinning",
          "[lua-waits]") {
  RecordingBackend site("site");
  RunningProxy proxy = startWith("sites = { ['a.test'] = " + siteOf(site.port()) +
                                     " }\nfunction route(r) rsp.sleep(1.5) return 'a.test' end\n",
                                 true);
  {
    const rsp::Fd fd = connectClient(proxy.port);
    REQUIRE(fd);
    sendText(fd.get(), get("a.test"));
    std::this_thread::sleep_for(300ms);  // its route sleeps now
    const linger abortive{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
  }  // closed with a reset
  const double cpuBefore = cpuSeconds(proxy.process->pid());
  CHECK(proxy.process->waitForErrors("left while its route ran", 1s));
  std::this_thread::sleep_for(1500ms);  // past the route's sleep: it never resumes
  CHECK(cpuSeconds(proxy.process->pid()) - cpuBefore < 0.3);
  CHECK(site.received().empty());
  CHECK(ask(proxy.port, get("a.test")).backend() == "site");
}
