// tests/parts/backend_reuse_test.cpp — part 9's lesson, the backend's side: idle connections to
// a backend are kept and reused (counted at the backend), up to backendKeepalive; one the
// backend has closed is never the reason a request fails; a request that gets no byte of answer
// on a reused connection is retried once if it is idempotent (RFC 9110 9.2.2), and a POST is
// answered 502 instead, never sent twice; checkPath makes the health check an HTTP GET.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <thread>

#include "keepalive.h"
#include "pattern.h"

using namespace rsp::test;

TEST_CASE(
    "100 requests, over one client connection and then ten more, take one or two backend "
    "connections",
    "[keep-alive][reuse]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient one(proxy.port);
  for (int i = 0; i < 50; ++i) {
    INFO("request " << i + 1 << " on one connection");
    REQUIRE(statusOf(one.ask(get("a.test", "/one/" + std::to_string(i)))) == 200);
  }
  for (int client = 0; client < 10; ++client) {
    KeepAliveClient each(proxy.port);
    for (int i = 0; i < 5; ++i) {
      INFO("client " << client + 1 << ", request " << i + 1);
      REQUIRE(statusOf(each.ask(get("a.test", "/each/" + std::to_string(i)))) == 200);
    }
  }
  INFO("backend connections: " << a.connections());
  CHECK(a.requests().size() == 100);
  CHECK(a.connections() <= 2);
  for (const auto& request : a.requests()) {
    CHECK(lowerCase(fieldValue(request.head, "Connection")).find("close") == std::string::npos);
  }
}

TEST_CASE("backendKeepalive = 0: every request takes a backend connection of its own",
          "[keep-alive][reuse]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port(), "backendKeepalive = 0\n"));
  KeepAliveClient client(proxy.port);
  for (int i = 0; i < 10; ++i) {
    INFO("request " << i + 1);
    REQUIRE(statusOf(client.ask(get("a.test", "/" + std::to_string(i)))) == 200);
  }
  CHECK(a.connections() == 10);
  CHECK_FALSE(client.closed());  // the client is still kept alive
}

TEST_CASE("a backend that closes idle connections after 300 ms: GETs spaced past it never fail",
          "[keep-alive][reuse]") {
  KeepAliveBackend a("a", {.closeIdleAfter = 300ms});
  RunningProxy proxy = startWith(oneSite(a.port(), "backendIdleTimeout = 4\n"));
  const int descriptors = openFdCount(proxy.pid());
  KeepAliveClient client(proxy.port);
  for (int i = 0; i < 6; ++i) {
    INFO("request " << i + 1);
    const auto response = client.ask(get("a.test", "/" + std::to_string(i)));
    CHECK(statusOf(response) == 200);
    std::this_thread::sleep_for(600ms);  // the backend closes its side meanwhile
  }
  CHECK(a.requests().size() == 6);
  CHECK_FALSE(client.closed());
  // The backend closed the last one too: the proxy noticed, and holds only the client's.
  CHECK(settledFdCount(proxy.pid(), descriptors + 1) == descriptors + 1);
}

TEST_CASE("the proxy closes a pooled connection idle for backendIdleTimeout",
          "[keep-alive][reuse]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port(), "backendIdleTimeout = 1\n"));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test"))) == 200);
  const auto start = std::chrono::steady_clock::now();
  CHECK(a.openConnections() == 1);  // kept for the next request
  CHECK(eventually(6s, [&] { return a.openConnections() == 0; }));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= 900ms);       // wide margins: backendIdleTimeout is 1 s
  CHECK_FALSE(client.closed());  // the client's own connection is kept (keepaliveTimeout 75 s)
  CHECK(statusOf(client.ask(get("a.test", "/again"))) == 200);  // on a new one
  CHECK(a.connections() == 2);
}

TEST_CASE(
    "an idempotent request on a reused connection the backend closes unanswered is "
    "retried once",
    "[keep-alive][reuse]") {
  const std::string method = GENERATE(as<std::string>{}, "GET", "HEAD", "PUT", "DELETE", "OPTIONS");
  INFO(method);
  KeepAliveBackend a("a", {.closeOnSecondRequest = true});
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test", "/first"))) == 200);
  const std::string body = method == "PUT" ? "hello" : "";  // a body the proxy still holds
  const auto second = client.ask(
      request(method, "/second", "Content-Length: " + std::to_string(body.size()) + "\r\n", body),
      /*toHead=*/method == "HEAD");  // on the reused connection, which the backend closes
  REQUIRE(second);
  CHECK(second->status() == 200);
  CHECK(second->field("X-Request") == "1");  // answered as a new connection's first
  CHECK(a.connections() == 2);
  CHECK(a.countTarget("/second") == 2);  // once unanswered, once retried
  CHECK(requestFor(a, "/second").body == body);
  CHECK_FALSE(client.closed());
}

TEST_CASE("a PUT too large to hold is not sent again half-empty: 502, or retried whole",
          "[keep-alive][reuse]") {
  KeepAliveBackend a("a", {.closeOnSecondRequest = true});
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test", "/first"))) == 200);
  std::string body(4 * kMiB, '\0');  // more than a proxy holds: it streams, so cannot resend
  fillPattern(body.data(), 0, body.size());
  REQUIRE(client.send(
      request("PUT", "/big", "Content-Length: " + std::to_string(body.size()) + "\r\n") + body));
  const auto response = client.next(false, 10s);
  REQUIRE(response);
  std::this_thread::sleep_for(300ms);  // a late retry would show here
  const auto requests = a.requests();
  INFO("status " << response->status() << ", PUTs received: " << a.countTarget("/big"));
  if (response->status() == 502) {
    CHECK(a.countTarget("/big") == 1);
  } else {
    CHECK(response->status() == 200);
    CHECK(a.countTarget("/big") == 2);
    for (const auto& one : requests) {
      if (one.target() == "/big") CHECK((one.body == body));  // never a part of it
    }
  }
}

TEST_CASE("a POST or PATCH in the same place gets 502, and the backend saw it only once",
          "[keep-alive][reuse]") {
  const std::string method = GENERATE(as<std::string>{}, "POST", "PATCH");
  INFO(method);
  KeepAliveBackend a("a", {.closeOnSecondRequest = true});
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test", "/first"))) == 200);
  const auto sent = client.ask(request(method, "/form", "Content-Length: 5\r\n", "hello"));
  CHECK(statusOf(sent) == 502);
  std::this_thread::sleep_for(300ms);  // a late retry would show here
  CHECK(a.countTarget("/form") == 1);
  CHECK(a.connections() == 1);
}

TEST_CASE("checkPath: a down backend is up again only when GET checkPath gets a 2xx or 3xx",
          "[keep-alive][reuse]") {
  const int health = GENERATE(200, 503);
  INFO("GET /health answers " << health);
  KeepAliveBackend good("good");
  std::uint16_t port = 0;
  {
    KeepAliveBackend gone("gone");
    port = gone.port();
  }  // refused from now on
  RunningProxy proxy =
      startWith("sites = { ['a.test'] = { backends = { '127.0.0.1:" + std::to_string(good.port()) +
                "', '127.0.0.1:" + std::to_string(port) + "' } } }\ncheckInterval = 0.2\n" +
                "checkPath = '/health'\n");
  for (int i = 0; i < 4; ++i) {  // one of them finds the second backend refusing: it is down
    KeepAliveClient client(proxy.port);
    REQUIRE(statusOf(client.ask(request("GET", "/", "Connection: close\r\n"))) == 200);
  }
  KeepAliveBackend back("back", {.healthStatus = health, .port = port});
  // Checks run while it is down: one that gets a 200 brings it up; 503 after 503 keeps it down.
  const std::size_t checks = health == 200 ? 1 : 2;
  CHECK(eventually(5s, [&] { return back.countTarget("/health") >= checks; }));
  int answeredByBack = 0;
  for (int i = 0; i < 10 && (health != 200 || answeredByBack == 0); ++i) {
    KeepAliveClient client(proxy.port);
    const auto response = client.ask(request("GET", "/", "Connection: close\r\n"));
    REQUIRE(statusOf(response) == 200);
    answeredByBack += response->backend() == "back";
    std::this_thread::sleep_for(50ms);
  }
  CHECK(answeredByBack == (health == 200 ? 1 : 0));
  for (const auto& seen : back.requests()) {  // checks, and the requests it answered
    CHECK(seen.method() == "GET");
    CHECK((seen.target() == "/health" || seen.target() == "/"));
  }
  CHECK(back.countTarget("/") == static_cast<std::size_t>(answeredByBack));
}
