// tests/parts/keepalive_test.cpp — part 9's lesson, the client's side: the connection stays
// open after a response, every request on it is routed anew, pipelined requests are answered
// in order, and each response is framed so that the next one starts where it should: after
// HEAD, 204, 304 and 1xx (no body), chunked, large, close-delimited, or a 101 that turns the
// connection into a relay. Hop-by-hop fields stay on their hop; Connection: close and HTTP/1.0
// get the close they ask for. Every backend keeps its connections too (keepalive_backend.h).
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "keepalive.h"
#include "pattern.h"

using namespace rsp::test;

TEST_CASE("requests for two sites alternate on one connection, each routed anew", "[keep-alive]") {
  KeepAliveBackend a("a"), b("b");
  RunningProxy proxy = startWith(twoSites(a.port(), b.port()));
  KeepAliveClient client(proxy.port);
  REQUIRE(client.connected());
  for (int i = 0; i < 6; ++i) {
    const std::string site = i % 2 == 0 ? "a" : "b";
    const std::string target = "/" + std::to_string(i);
    INFO("request " << i + 1 << ", for " << site << ".test");
    const auto response = client.ask(get(site + ".test", target));
    REQUIRE(response);
    CHECK(response->status() == 200);
    CHECK(response->backend() == site);
    CHECK(response->field("X-Target") == target);
    CHECK(response->body == site + "\n");
  }
  CHECK_FALSE(client.closed());
  CHECK(a.requests().size() == 3);
  CHECK(b.requests().size() == 3);
}

TEST_CASE("pipelined requests, sent in one write, are answered in order", "[keep-alive]") {
  KeepAliveBackend a("a"), b("b");
  RunningProxy proxy = startWith(twoSites(a.port(), b.port()));
  KeepAliveClient client(proxy.port);
  // The first answer comes 300 ms late: the second, for another backend, must wait its turn.
  REQUIRE(client.send(get("a.test", "/delay/300") +
                      "POST /2 HTTP/1.1\r\nHost: b.test\r\nContent-Length: 5\r\n\r\nhello" +
                      get("a.test", "/3") +
                      "POST /4 HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3\r\nabc\r\n0\r\n\r\n"
                      "GET /5 HTTP/1.1\r\nHost: b.test\r\nConnection: close\r\n\r\n"));
  const std::vector<std::pair<std::string, std::string>> expected{
      {"/delay/300", "a"}, {"/2", "b"}, {"/3", "a"}, {"/4", "a"}, {"/5", "b"}};
  for (const auto& [target, backend] : expected) {
    INFO("the response to " << target << "; bytes left over: " << client.pending());
    const auto response = client.next();
    REQUIRE(response);
    CHECK(response->status() == 200);
    CHECK(response->field("X-Target") == target);
    CHECK(response->backend() == backend);
  }
  CHECK(client.closesWithin(2s));  // the last one said Connection: close
  CHECK(client.pending().empty());
  CHECK(requestFor(b, "/2").body == "hello");
  CHECK(decodeChunked(requestFor(a, "/4").body) == "abc");
}

TEST_CASE("after HEAD, 204, 304 and a 103, the next response starts where it should",
          "[keep-alive]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  const auto head = client.ask(request("HEAD", "/head"), /*toHead=*/true);
  REQUIRE(head);
  CHECK(head->status() == 200);
  CHECK(head->field("Content-Length") == "2");  // what a GET would carry; no body follows
  const auto noContent = client.ask(get("a.test", "/status/204"));
  REQUIRE(noContent);
  CHECK(noContent->status() == 204);
  const auto notModified = client.ask(get("a.test", "/status/304"));
  REQUIRE(notModified);
  CHECK(notModified->status() == 304);  // with a Content-Length, and no body
  const auto hinted = client.ask(get("a.test", "/early-hints"));
  REQUIRE(hinted);
  CHECK(hinted->status() == 200);
  CHECK(hinted->body == "a\n");
  const auto last = client.ask(get("a.test", "/last"));
  REQUIRE(last);
  CHECK(last->field("X-Target") == "/last");
  CHECK(last->body == "a\n");
  INFO("bytes after the last response: " << client.pending());
  CHECK(client.quietFor(300ms));
}

TEST_CASE("a chunked response, a chunked upload, then another request on the connection",
          "[keep-alive]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  const auto chunked = client.ask(get("a.test", "/chunked"));
  REQUIRE(chunked);
  CHECK(chunked->status() == 200);
  CHECK(chunked->body == KeepAliveBackend::kChunkedBody);
  const std::string upload = "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n";
  const auto uploaded =
      client.ask(request("POST", "/upload", "Transfer-Encoding: chunked\r\n", upload));
  CHECK(statusOf(uploaded) == 200);
  const auto after = client.ask(get("a.test", "/after"));
  REQUIRE(after);
  CHECK(after->field("X-Target") == "/after");
  CHECK(client.quietFor(300ms));
  CHECK(decodeChunked(requestFor(a, "/upload").body) == "hello world");
}

TEST_CASE("an 8 MiB response, then another request on the same connection", "[keep-alive]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  REQUIRE(client.send(get("a.test", bytes(8 * kMiB))));
  const auto big = client.next(false, 20s);
  REQUIRE(big);
  PatternChecker checker(8 * kMiB);
  checker.feed(big->body.data(), big->body.size());
  checker.finish();
  INFO(checker.summary());
  CHECK(checker.intact());
  const auto next = client.ask(get("a.test", "/next"));
  REQUIRE(next);
  CHECK(next->field("X-Target") == "/next");
}

TEST_CASE("a 101 upgrade turns the connection into a relay, both ways", "[keep-alive]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test", "/before"))) == 200);  // a kept-alive connection
  const auto switched =
      client.ask(request("GET", "/upgrade", "Connection: Upgrade\r\nUpgrade: echo\r\n"));
  REQUIRE(switched);
  CHECK(switched->status() == 101);
  CHECK(lowerCase(switched->field("Upgrade")) == "echo");
  CHECK(lowerCase(switched->field("Connection")).find("upgrade") != std::string::npos);
  const std::string greeting = "hello from a\n";
  REQUIRE(client.readAtLeast(greeting.size(), 5s));
  CHECK(client.takePending() == greeting);
  std::string data(64 * 1024, '\0');  // well under what the socket buffers hold
  fillPattern(data.data(), 0, data.size());
  REQUIRE(client.send(data));
  CHECK(client.readAtLeast(data.size(), 5s));
  CHECK(client.takePending() == data);
  const auto upgrade = requestFor(a, "/upgrade");
  CHECK(fieldValue(upgrade.head, "Upgrade") == "echo");
  CHECK(lowerCase(fieldValue(upgrade.head, "Connection")).find("upgrade") != std::string::npos);
}

TEST_CASE("a chunked response to an HTTP/1.0 client arrives decoded, ended by the close",
          "[keep-alive]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  const auto response = client.ask("GET /chunked HTTP/1.0\r\nHost: a.test\r\n\r\n");
  REQUIRE(response);
  INFO(response->head);
  CHECK(response->status() == 200);
  CHECK_FALSE(response->chunked);
  CHECK(response->field("Transfer-Encoding").empty());
  CHECK(response->body == KeepAliveBackend::kChunkedBody);
  CHECK(client.closesWithin(2s));
}

TEST_CASE("a response that ends at the backend's close ends the client's connection, and says so",
          "[keep-alive]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test", "/before"))) == 200);
  const auto response = client.ask(get("a.test", "/close-delimited"));
  REQUIRE(response);
  CHECK(response->body == "a\n");
  CHECK(lowerCase(response->field("Connection")) == "close");
  CHECK(client.closed());
}

TEST_CASE("Connection: close from the client gets Connection: close, then the close",
          "[keep-alive]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test", "/1"))) == 200);
  const auto last = client.ask(request("GET", "/2", "Connection: close\r\n"));
  REQUIRE(last);
  CHECK(last->status() == 200);
  CHECK(lowerCase(last->field("Connection")) == "close");
  CHECK(client.closesWithin(2s));
  CHECK(client.pending().empty());
}

TEST_CASE("HTTP/1.0 is kept alive only when it asks, and is told so", "[keep-alive]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  const auto kept = client.ask("GET /1 HTTP/1.0\r\nHost: a.test\r\nConnection: keep-alive\r\n\r\n");
  REQUIRE(kept);
  CHECK(kept->status() == 200);
  CHECK(lowerCase(kept->field("Connection")) == "keep-alive");
  CHECK(client.quietFor(300ms));  // and it stays open
  const auto plain = client.ask("GET /2 HTTP/1.0\r\nHost: a.test\r\n\r\n");
  REQUIRE(plain);
  CHECK(plain->field("X-Target") == "/2");
  CHECK(client.closesWithin(2s));
}

TEST_CASE("hop-by-hop fields are not passed on, either way", "[keep-alive]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  const auto response =
      client.ask(request("GET", "/hop-by-hop",
                         "Connection: X-Foo\r\nX-Foo: 1\r\nKeep-Alive: timeout=5\r\n"
                         "Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Sum\r\n"
                         "Upgrade: h2c\r\nX-Kept: 1\r\n"));
  REQUIRE(response);
  INFO("to the client:\n" << response->head);
  CHECK(response->field("X-End-To-End") == "1");
  CHECK(response->field("X-Hop").empty());
  CHECK(response->field("Keep-Alive").empty());
  CHECK(lowerCase(response->field("Connection")).find("x-hop") == std::string::npos);
  const std::string forwarded = lowerCase(requestFor(a, "/hop-by-hop").head);
  INFO("to the backend:\n" << forwarded);
  CHECK(fieldValue(forwarded, "X-Kept") == "1");
  for (const char* field : {"X-Foo", "Keep-Alive", "Proxy-Connection", "TE", "Trailer"}) {
    INFO(field);
    CHECK(fieldValue(forwarded, field).empty());
  }
  CHECK(fieldValue(forwarded, "Upgrade").empty());  // Connection did not name it: no upgrade
  CHECK(fieldValue(forwarded, "Connection").find("x-foo") == std::string::npos);
}
