// tests/unit/route_coroutine_test.cpp — part 10: which site a request goes to, with route(request)
// run as a coroutine on a real event loop. Part 8's unit/router_test.cpp, case for case, where
// siteOf() now starts the route and runs the loop until it has answered; and what is new: a route
// that waits, one that names a backend itself, and the Lua thread left to the collector.
#include <catch2/catch.hpp>
#include <lua.hpp>
#include <memory>
#include <optional>
#include <string>

#include "common/event_loop.h"
#include "config.h"
#include "coroutine.h"
#include "http_parser.h"
#include "lua_limits.h"
#include "router.h"
#include "rsp_library.h"

using namespace std::chrono_literals;

namespace {

// Sites a.test (0), *.b.test (1) and api.test (2), with a.test the default; `lua` defines route.
rsp::Config configWith(const std::string& lua, std::optional<std::size_t> defaultSite = 0) {
  rsp::Config config{};
  for (const char* name : {"a.test", "*.b.test", "api.test"}) config.sites.push_back({name, {}});
  config.defaultSite = defaultSite;
  if (lua.empty()) return config;
  config.lua = rsp::newBoundedLua();
  luaL_openlibs(config.lua.get());
  rsp::openRspLibrary(config.lua.get(), "rsp.lua");  // require: ./name.lua first
  REQUIRE(luaL_dostring(config.lua.get(), lua.c_str()) == LUA_OK);
  rsp::setLuaLimits(config.lua.get(), {50ms, 8 * 1024 * 1024});
  config.hasRoute = true;
  return config;
}

rsp::RequestHead headOf(const std::string& request) {
  rsp::RequestParser parser;
  REQUIRE(parser.parse(request) == rsp::ParseStatus::kComplete);
  return parser.head();
}

const rsp::ClientAddress kClient{"127.0.0.1", 40000};

// Where route (or the Host) sends `request`, after running the loop as long as route waits.
rsp::Destination destinationOf(rsp::Router& router, const std::string& request) {
  const rsp::RequestHead head = headOf(request);
  if (!router.routes()) return router.byHost(head);
  rsp::EventLoop loop;
  const auto run = router.newRun(loop);
  std::optional<rsp::Destination> to;
  router.startRoute(*run, head, kClient, [&](const rsp::Destination& where) { to = where; });
  for (int turns = 0; !to && turns < 100; ++turns) loop.runOnce(100);
  REQUIRE(to);
  return *to;
}

std::optional<std::size_t> siteOf(rsp::Router& router, const std::string& request) {
  return destinationOf(router, request).site;
}

}  // namespace

TEST_CASE("without route, the Host decides, and no site with no default is nullopt",
          "[route-coroutine]") {
  rsp::Router router(configWith(""));
  CHECK(siteOf(router, "GET / HTTP/1.1\r\nHost: x.B.Test:8080\r\n\r\n") == 1u);
  CHECK(siteOf(router, "GET http://api.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n") == 2u);
  CHECK(siteOf(router, "GET / HTTP/1.1\r\nHost: z.test\r\n\r\n") == 0u);  // the default
  rsp::Router noDefault(configWith("", std::nullopt));
  CHECK(siteOf(noDefault, "GET / HTTP/1.1\r\nHost: z.test\r\n\r\n") == std::nullopt);
  CHECK(siteOf(noDefault, "GET / HTTP/1.0\r\n\r\n") == std::nullopt);
}

TEST_CASE("route sees method, target, path, host, version, headers and client",
          "[route-coroutine]") {
  rsp::Router router(configWith(R"(
function route(r)
  assert(r.method == "POST", "method " .. tostring(r.method))
  assert(r.target == "/api/v1?x=1", "target " .. tostring(r.target))
  assert(r.path == "/api/v1", "path " .. tostring(r.path))
  assert(r.host == "www.a.test", "host " .. tostring(r.host))
  assert(r.version == "HTTP/1.0", "version " .. tostring(r.version))
  assert(r.headers["x-a"] == "1, 2", "x-a " .. tostring(r.headers["x-a"]))
  assert(r.headers["X-A"] == nil, "names are lower-cased")
  assert(r.headers["content-length"] == "0", "content-length")
  assert(r.client.address == "127.0.0.1" and r.client.port == 40000, "client")
  return "API.test"
end)"));
  CHECK(siteOf(router,
               "POST /api/v1?x=1 HTTP/1.0\r\nHost: WWW.A.Test:81\r\nX-A: 1\r\n"
               "Content-Length: 0\r\nX-A: 2\r\n\r\n") == 2u);
}

TEST_CASE("route by path, and nil goes by Host", "[route-coroutine]") {
  rsp::Router router(configWith(R"(
function route(r)
  if r.path:sub(1, 5) == "/api/" then return "api.test" end
end)"));
  CHECK(siteOf(router, "GET /api/x HTTP/1.1\r\nHost: x.b.test\r\n\r\n") == 2u);
  CHECK(siteOf(router, "GET /www/x HTTP/1.1\r\nHost: x.b.test\r\n\r\n") == 1u);
  CHECK(siteOf(router, "GET http://x.b.test/api/ HTTP/1.1\r\nHost: a.test\r\n\r\n") == 2u);
}

TEST_CASE("a route that fails leaves the request to Host matching", "[route-coroutine]") {
  const std::string body = GENERATE(as<std::string>{}, "error('no site for you')", "return 7",
                                    "return {}", "return 'nosuch.test'", "return true", "error({})",
                                    "local t = {} for i = 1, 1e7 do t[i] = i end");
  INFO("route: " << body);
  rsp::Router router(configWith("function route(r) " + body + " end"));
  CHECK(siteOf(router, "GET /api/x HTTP/1.1\r\nHost: x.b.test\r\n\r\n") == 1u);
  CHECK(siteOf(router, "GET / HTTP/1.1\r\nHost: z.test\r\n\r\n") == 0u);
}

TEST_CASE("a route that overruns three times in a row is switched off", "[route-coroutine]") {
  const auto config = configWith(R"(
calls = 0
function route(r)
  calls = calls + 1
  if r.path == "/loop" then while true do end end
  return "api.test"
end)");
  rsp::Router router(config);
  const auto calls = [&] {
    lua_getglobal(config.lua.get(), "calls");
    const auto n = lua_tointeger(config.lua.get(), -1);
    lua_pop(config.lua.get(), 1);
    return n;
  };
  const std::string loop = "GET /loop HTTP/1.1\r\nHost: x.b.test\r\n\r\n";
  const std::string fine = "GET /fine HTTP/1.1\r\nHost: x.b.test\r\n\r\n";
  CHECK(siteOf(router, loop) == 1u);
  CHECK(siteOf(router, loop) == 1u);
  CHECK(siteOf(router, fine) == 2u);  // a run within bounds: the count starts again
  CHECK(siteOf(router, loop) == 1u);
  CHECK(siteOf(router, loop) == 1u);
  CHECK(siteOf(router, loop) == 1u);  // the third in a row
  CHECK(calls() == 6);
  CHECK(siteOf(router, fine) == 1u);  // switched off: by Host, and route is not called
  CHECK(calls() == 6);
}

TEST_CASE("route's stack is left empty, call after call", "[route-coroutine]") {
  const auto config = configWith("function route(r) if r.path == '/e' then error('x') end end");
  rsp::Router router(config);
  for (int i = 0; i < 100; ++i) {
    siteOf(router, i % 2 ? "GET /e HTTP/1.1\r\nHost: a.test\r\n\r\n"
                         : "GET /n HTTP/1.1\r\nHost: a.test\r\n\r\n");
  }
  CHECK(lua_gettop(config.lua.get()) == 0);
}

TEST_CASE("a route that waits answers once the loop has resumed it", "[route-coroutine]") {
  rsp::Router router(configWith("function route(r) rsp.sleep(0.05) return 'api.test' end"));
  const auto start = std::chrono::steady_clock::now();
  CHECK(siteOf(router, "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n") == 2u);
  CHECK(std::chrono::steady_clock::now() - start >= 40ms);
}

TEST_CASE("route may name a numeric host:port, and a name or a bad port goes by Host",
          "[route-coroutine]") {
  const auto [returned, backend] = GENERATE(table<std::string, std::string>({
      {"10.0.0.7:8080", "10.0.0.7:8080"},
      {"[::1]:81", "::1:81"},
      {"backend.internal:8080", ""},  // a name would need the resolver
      {"10.0.0.7:0", ""},
      {"10.0.0.7:65536", ""},
      {"10.0.0.7", ""},
  }));
  rsp::Router router(configWith("function route(r) return '" + returned + "' end"));
  const rsp::Destination to = destinationOf(router, "GET / HTTP/1.1\r\nHost: x.b.test\r\n\r\n");
  INFO(returned);
  if (backend.empty()) {
    CHECK(to.site == 1u);
    CHECK(!to.backend);
  } else {
    REQUIRE(to.backend);
    CHECK(to.backend->host + ":" + std::to_string(to.backend->port) == backend);
  }
}

TEST_CASE("a stopped route never answers, and its thread is collected", "[route-coroutine]") {
  const auto config = configWith("function route(r) rsp.sleep(10) return 'api.test' end");
  rsp::Router router(config);
  rsp::EventLoop loop;
  bool answered = false;
  const rsp::RequestHead head = headOf("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
  for (int i = 0; i < 50; ++i) {
    const auto run = router.newRun(loop);
    router.startRoute(*run, head, kClient, [&](const rsp::Destination&) { answered = true; });
    run->stop();
  }
  loop.runOnce(0);
  lua_gc(config.lua.get(), LUA_GCCOLLECT);
  const std::size_t afterStops = rsp::luaMemoryUsed(config.lua.get());
  CHECK_FALSE(answered);
  CHECK(loop.timers().empty());
  CHECK(afterStops < 256 * 1024);
}
