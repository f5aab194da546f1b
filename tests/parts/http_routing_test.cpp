// tests/parts/http_routing_test.cpp — part 8's lesson, first half: the proxy reads the request
// head before it connects and routes it by Host (nginx's server_name order) or by
// route(request); with no site for the Host it answers 421 itself, and no backend sees a byte.
// Every backend here records what it received (recording_backend.h) and names itself.
#include <catch2/catch.hpp>
#include <string>

#include "http_client.h"
#include "refused_start.h"

using namespace rsp::test;

TEST_CASE("each Host goes to its site: exact, *.suffix, prefix.*, then the default", "[http]") {
  RecordingBackend exact("exact"), suffix("suffix"), prefix("prefix"), fallback("fallback");
  RunningProxy proxy = startWith(
      "sites = { ['a.test'] = " + siteOf(exact.port()) +
      ", ['*.b.test'] = " + siteOf(suffix.port()) + ", ['mail.*'] = " + siteOf(prefix.port()) +
      ", ['other.test'] = " + siteOf(fallback.port()) + " }\ndefaultSite = 'other.test'\n");
  const auto [request, expected] = GENERATE(table<std::string, std::string>({
      {get("a.test"), "exact"},
      {get("A.Test:8080"), "exact"},  // case and port do not count
      {get("a.test."), "exact"},      // nor one trailing dot
      {get("x.b.test"), "suffix"},
      {get("x.y.b.test"), "suffix"},
      {get("b.test"), "fallback"},  // *.b.test is not b.test itself
      {get("mail.example.org"), "prefix"},
      {get("mail.b.test"), "suffix"},     // any *. suffix before any .* prefix
      {get("nowhere.test"), "fallback"},  // the default site
      {"GET http://a.test/x HTTP/1.1\r\nHost: x.b.test\r\n\r\n", "exact"},  // the target wins
      {"GET / HTTP/1.0\r\n\r\n", "fallback"},  // no Host at all (HTTP/1.0)
  }));
  INFO(request);
  const Reply reply = ask(proxy.port, request);
  CHECK(reply.status() == 200);
  CHECK(reply.backend() == expected);
}

TEST_CASE("no site for the Host and no default: 421, and no backend sees a byte", "[http]") {
  RecordingBackend a("a");
  RunningProxy proxy = startWith("sites = { ['a.test'] = " + siteOf(a.port()) + " }\n");
  const Reply reply = ask(proxy.port, get("z.test"));
  CHECK(reply.status() == 421);
  CHECK(reply.closed);
  CHECK(reply.text.find("\r\nConnection: close\r\n") != std::string::npos);
  CHECK(ask(proxy.port, get("a.test")).backend() == "a");  // the site itself still answers
  CHECK(a.connections() == 1);
}

TEST_CASE("a part 7 config still works: one site takes every Host", "[http]") {
  RecordingBackend only("only");
  RunningProxy proxy = startProxy(setupFor(only.port()));
  CHECK(ask(proxy.port, get("anything.test")).backend() == "only");
  CHECK(ask(proxy.port, "GET / HTTP/1.0\r\n\r\n").backend() == "only");
}

TEST_CASE("route(request) sends /api/ to its own site, and nil goes by Host", "[http]") {
  RecordingBackend www("www"), api("api");
  RunningProxy proxy = startWith("sites = { ['www.test'] = " + siteOf(www.port()) +
                                 ", ['api.test'] = " + siteOf(api.port()) + R"( }
function route(r)
  assert(r.method == "GET" and r.version == "HTTP/1.1" and r.host == "www.test", "request")
  assert(r.headers["x-a"] == "1, 2" and r.client.address == "127.0.0.1", "headers, client")
  if r.path:sub(1, 5) == "/api/" then return "api.test" end
end
)");
  const std::string head = "HTTP/1.1\r\nHost: WWW.test:80\r\nX-A: 1\r\nX-A: 2\r\n\r\n";
  CHECK(ask(proxy.port, "GET /api/users?id=1 " + head).backend() == "api");
  CHECK(ask(proxy.port, "GET /index.html " + head).backend() == "www");
  CHECK(proxy.process->errors().find("route") == std::string::npos);
}

TEST_CASE("a route that fails is one line, and the request goes by Host", "[http]") {
  const std::string body = GENERATE(as<std::string>{}, "error('no route for you')", "return 42",
                                    "return 'nosuch.test'", "while true do end");
  RecordingBackend www("www"), api("api");
  RunningProxy proxy = startWith("sites = { ['www.test'] = " + siteOf(www.port()) +
                                 ", ['api.test'] = " + siteOf(api.port()) +
                                 " }\nluaTimeLimit = 0.05\nfunction route(r) " + body + " end\n");
  INFO("route: " << body);
  for (int i = 0; i < 5; ++i) CHECK(ask(proxy.port, get("www.test", "/api/x")).backend() == "www");
  CHECK(proxy.process->waitForErrors("route", 2s));
  CHECK(countOf(proxy.process->errors(), "this request goes by Host") == 1);  // one episode
  CHECK(proxy.process->running());
}

TEST_CASE("the real binary refuses a bad site setting in one line naming it", "[http]") {
  const auto [lua, setting] = GENERATE(table<std::string, std::string>({
      {"sites = {}", "sites"},
      {"sites = { ['a.test'] = {} }", "sites[\"a.test\"].backends"},
      {"sites = { ['w*.a.test'] = { backends = { '127.0.0.1:80' } } }", "w*.a.test"},
      {"sites = { ['a.test'] = { backends = { '127.0.0.1:80' } } } defaultSite = 'b'",
       "defaultSite"},
      {"backends = { '127.0.0.1:80' } maxHeadSize = 10", "maxHeadSize"},
      {"backends = { '127.0.0.1:80' } headerTimeout = -1", "headerTimeout"},
      {"backends = { '127.0.0.1:80' } route = 1", "route"},
  }));
  checkConfigError("listenPort = 0\n" + lua + "\n", setting);
}
