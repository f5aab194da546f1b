// tests/unit/keepalive_backend_test.cpp — part 9's test backend and client, with no proxy
// between them: the backend serves many requests on one connection, answers each target as
// keepalive_backend.h says, and its scripts (closing idle connections, closing on the second
// request) do what they say; the client reads each response by its own framing.
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "http_bytes.h"
#include "keepalive_backend.h"
#include "keepalive_client.h"
#include "pattern.h"

using namespace rsp::test;
using namespace std::chrono_literals;

namespace {

std::string get(const std::string& target, const std::string& more = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: a.test\r\n" + more + "\r\n";
}

int statusOf(const std::optional<Response>& response) { return response ? response->status() : 0; }

}  // namespace

TEST_CASE("the keep-alive backend answers every target on one connection", "[keepalive-backend]") {
  KeepAliveBackend backend("b1");
  KeepAliveClient client(backend.port());
  REQUIRE(client.connected());
  const auto first = client.ask(get("/x"));
  REQUIRE(first);
  CHECK(first->status() == 200);
  CHECK(first->backend() == "b1");
  CHECK(first->field("X-Target") == "/x");
  CHECK(first->field("X-Request") == "1");
  CHECK(first->body == "b1\n");
  const auto head = client.ask("HEAD /x HTTP/1.1\r\nHost: a.test\r\n\r\n", /*toHead=*/true);
  REQUIRE(head);
  CHECK(head->field("Content-Length") == "3");
  CHECK(head->body.empty());
  CHECK(statusOf(client.ask(get("/status/204"))) == 204);
  const auto notModified = client.ask(get("/status/304"));
  REQUIRE(notModified);
  CHECK(notModified->status() == 304);
  CHECK(notModified->field("Content-Length") == "3");
  const auto chunked = client.ask(get("/chunked"));
  REQUIRE(chunked);
  CHECK(chunked->chunked);
  CHECK(chunked->body == KeepAliveBackend::kChunkedBody);
  CHECK(statusOf(client.ask(get("/early-hints"))) == 200);
  const auto bytes = client.ask(get("/bytes/100000"));
  REQUIRE(bytes);
  PatternChecker checker(100000);
  checker.feed(bytes->body.data(), bytes->body.size());
  checker.finish();
  CHECK(checker.intact());
  const auto last = client.ask(get("/last"));
  REQUIRE(last);
  CHECK(last->field("X-Request") == "8");
  CHECK(client.quietFor(100ms));
  CHECK(backend.connections() == 1);
  CHECK(backend.requests().size() == 8);
  CHECK(backend.countMethod("HEAD") == 1);
}

TEST_CASE("the keep-alive backend records bodies, and closes when told", "[keepalive-backend]") {
  KeepAliveBackend backend("b1");
  KeepAliveClient client(backend.port());
  const std::string chunkedBody = "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n";
  CHECK(statusOf(client.ask(
            "POST /a HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello")) == 200);
  CHECK(
      statusOf(client.ask("POST /b HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n" +
                          chunkedBody)) == 200);
  const auto closing = client.ask(get("/c", "Connection: close\r\n"));
  REQUIRE(closing);
  CHECK(closing->field("Connection") == "close");
  CHECK(client.closesWithin(2s));
  const auto requests = backend.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].body == "hello");
  CHECK(requests[1].body == chunkedBody);
  CHECK(decodeChunked(requests[1].body) == "hello world");
  CHECK(requests[2].target() == "/c");

  KeepAliveClient other(backend.port());
  const auto delimited = other.ask(get("/close-delimited"));
  REQUIRE(delimited);
  CHECK(delimited->closeDelimited);
  CHECK(delimited->body == "b1\n");
}

TEST_CASE("the keep-alive backend upgrades, then echoes", "[keepalive-backend]") {
  KeepAliveBackend backend("b1");
  KeepAliveClient client(backend.port());
  const auto switched = client.ask(get("/upgrade", "Connection: Upgrade\r\nUpgrade: echo\r\n"));
  REQUIRE(switched);
  CHECK(switched->status() == 101);
  REQUIRE(client.readAtLeast(14, 2s));
  CHECK(client.takePending() == "hello from b1\n");
  REQUIRE(client.send("ping\n"));
  REQUIRE(client.readAtLeast(5, 2s));
  CHECK(client.takePending() == "ping\n");
}

TEST_CASE("the keep-alive backend's scripts: idle close, close on the second request",
          "[keepalive-backend]") {
  KeepAliveBackend idle("idle", {.closeIdleAfter = 200ms});
  KeepAliveClient first(idle.port());
  CHECK(statusOf(first.ask(get("/1"))) == 200);
  CHECK(first.closesWithin(2s));

  KeepAliveBackend racing("racing", {.closeOnSecondRequest = true});
  KeepAliveClient second(racing.port());
  CHECK(statusOf(second.ask(get("/1"))) == 200);
  CHECK_FALSE(second.ask(get("/2")));
  CHECK(second.closed());
  CHECK(second.pending().empty());
  REQUIRE(racing.waitForRequests(2, 1s));
  CHECK(racing.requests()[1].target() == "/2");
}

TEST_CASE("the keep-alive backend answers GET /health with the status it was given",
          "[keepalive-backend]") {
  KeepAliveBackend sick("sick", {.healthStatus = 503});
  KeepAliveClient client(sick.port());
  CHECK(statusOf(client.ask(get("/health"))) == 503);
  CHECK(statusOf(client.ask(get("/"))) == 200);
  CHECK(sick.countTarget("/health") == 1);
}
