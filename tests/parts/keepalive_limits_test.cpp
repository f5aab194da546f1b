// tests/parts/keepalive_limits_test.cpp — part 9's lesson, the limits a kept-alive connection
// lives under: keepaliveTimeout closes one that sends nothing, headerTimeout runs from a head's
// first byte; a smuggled request on a kept-alive connection is refused and never reaches a
// backend; at maxConnections an idle client makes room; SIGTERM closes idle clients at once and
// lets a busy one finish; a reload keeps kept-alive clients, whose next requests see the new
// config.
#include <signal.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "keepalive.h"
#include "pattern.h"

using namespace rsp::test;
using Clock = std::chrono::steady_clock;

TEST_CASE("keepaliveTimeout closes a client that sends nothing more, and keeps one that goes on",
          "[keep-alive][timeouts]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port(), "keepaliveTimeout = 2\n"));
  KeepAliveClient idle(proxy.port);
  REQUIRE(statusOf(idle.ask(get("a.test"))) == 200);
  const auto start = Clock::now();
  CHECK(idle.closesWithin(8s));
  const auto elapsed = Clock::now() - start;
  CHECK(elapsed >= 1800ms);  // wide margins: keepaliveTimeout is 2 s
  CHECK(elapsed < 8s);

  // A request every 400 ms for 4.8 s, more than twice keepaliveTimeout: a timer that requests
  // did not restart would close it; each wait leaves 1.6 s to spare for a loaded machine.
  KeepAliveClient busy(proxy.port);
  for (int i = 0; i < 12; ++i) {
    INFO("request " << i + 1);
    CHECK(statusOf(busy.ask(get("a.test", "/" + std::to_string(i)))) == 200);
    std::this_thread::sleep_for(400ms);
  }
  CHECK_FALSE(busy.closed());
}

TEST_CASE("headerTimeout runs from a head's first byte, not from the last response",
          "[keep-alive][timeouts]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port(), "headerTimeout = 1\nkeepaliveTimeout = 10\n"));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test", "/1"))) == 200);
  std::this_thread::sleep_for(1500ms);  // idle past headerTimeout, well within keepaliveTimeout
  REQUIRE(statusOf(client.ask(get("a.test", "/2"))) == 200);
  REQUIRE(client.send("GET /3 HTTP/1.1\r\nHost: a.test\r\n"));  // and the rest never comes
  const auto start = Clock::now();
  const auto response = client.next(false, 6s);
  const auto elapsed = Clock::now() - start;
  CHECK(statusOf(response) == 408);
  CHECK(elapsed >= 900ms);
  CHECK(elapsed < 6s);
  CHECK(client.closesWithin(2s));
  CHECK(a.countTarget("/3") == 0);
}

TEST_CASE("smuggling on a kept-alive connection is refused, and the hidden request reaches no one",
          "[keep-alive][http]") {
  const std::string hidden = "GET /hidden HTTP/1.1\r\nHost: a.test\r\n\r\n";
  const std::string chunked =
      "POST /smuggler HTTP/1.1\r\nHost: a.test\r\n"
      "Transfer-Encoding: chunked\r\n";
  char hiddenSize[16];
  std::snprintf(hiddenSize, sizeof hiddenSize, "%zx", hidden.size());
  const auto [name, smuggler] = GENERATE_COPY(table<std::string, std::string>({
      // A hop that reads Content-Length sees one request; one that reads chunked, two.
      {"CL.TE", "POST /smuggler HTTP/1.1\r\nHost: a.test\r\nContent-Length: " +
                    std::to_string(5 + hidden.size()) +
                    "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden},
      // The other way round: Content-Length 4 ends the body after the chunk-size line.
      {"TE.CL",
       chunked + "Content-Length: 4\r\n\r\n" + hiddenSize + "\r\n" + hidden + "\r\n0\r\n\r\n"},
      // 2^64: a parser whose size wraps reads the last chunk, and then a request.
      {"chunk-size overflow", chunked + "\r\n10000000000000000\r\n\r\n" + hidden},
      // Bare LF line endings: a lenient parser sees a whole body, then a request.
      {"bare LF in chunk lines", chunked + "\r\n5\nhello\n0\n\n" + hidden},
      // No CRLF after the chunk's data: a parser that skips two bytes there reads a request.
      {"no CRLF after chunk data", chunked + "\r\n5\r\nhello" + hidden + "\r\n0\r\n\r\n"},
      {"two Content-Lengths",
       "POST /smuggler HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0\r\n"
       "Content-Length: " +
           std::to_string(hidden.size()) + "\r\n\r\n" + hidden},
  }));
  INFO(name);
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test", "/first"))) == 200);  // kept alive now
  REQUIRE(client.send(smuggler));
  const auto refused = client.next();
  CHECK(statusOf(refused) == 400);
  CHECK(client.closesWithin(2s));
  INFO("after the 400: " << client.pending());
  CHECK(client.pending().find("HTTP/1.") == std::string::npos);  // no answer to a hidden one
  // The backend connection /first left in the pool, if the proxy reuses it, must be clean.
  KeepAliveClient next(proxy.port);
  const auto after = next.ask(get("a.test", "/after"));
  REQUIRE(after);
  CHECK(after->field("X-Target") == "/after");
  std::this_thread::sleep_for(200ms);  // a late forward would show here
  CHECK(a.countTarget("/hidden") == 0);
  for (const auto& request : a.requests()) {
    INFO("the backend received:\n" << request.head << request.body);
    CHECK((request.target() == "/first" || request.target() == "/after"));
  }
}

TEST_CASE("bytes a backend sends past its response never reach a client as a response",
          "[keep-alive][http]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  const auto first = client.ask(get("a.test", "/overrun"));
  REQUIRE(first);
  CHECK(first->body == "a\n");
  const auto next = client.ask(get("a.test", "/next"));  // not the backend's extra response
  REQUIRE(next);
  CHECK(next->backend() == "a");
  CHECK(next->field("X-Target") == "/next");
  KeepAliveClient other(proxy.port);  // nor does the pool hand it to another client
  const auto third = other.ask(get("a.test", "/other"));
  REQUIRE(third);
  CHECK(third->backend() == "a");
  CHECK(third->field("X-Target") == "/other");
  CHECK(client.pending().empty());
  CHECK(other.pending().empty());
}

TEST_CASE("a response with Transfer-Encoding and Content-Length is refused or sent chunked alone",
          "[keep-alive][http]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port()));
  KeepAliveClient client(proxy.port);
  const auto response = client.ask(get("a.test", "/te-and-cl"));
  REQUIRE(response);
  INFO(response->head << response->body);
  if (response->status() == 502) {  // the strict way: a message that might be smuggling
    CHECK(client.closesWithin(2s));
  } else {  // RFC 9112 6.3: chunked wins, and the Content-Length goes
    CHECK(response->status() == 200);
    CHECK(response->body == "hello");
    CHECK(response->field("Content-Length").empty());
    CHECK(statusOf(client.ask(get("a.test", "/next"))) == 200);
  }
}

TEST_CASE("at maxConnections an idle kept-alive client makes room for a new one",
          "[keep-alive][limits]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port(), "maxConnections = 2\n"));
  KeepAliveClient first(proxy.port), second(proxy.port);
  REQUIRE(statusOf(first.ask(get("a.test", "/1"))) == 200);
  REQUIRE(statusOf(second.ask(get("a.test", "/2"))) == 200);
  KeepAliveClient third(proxy.port);  // both others are idle: one of them goes
  const auto response = third.ask(get("a.test", "/3"));
  CHECK(statusOf(response) == 200);
  const bool firstClosed = first.closesWithin(1s);
  const bool secondClosed = second.closesWithin(1s);
  CHECK((firstClosed || secondClosed));
}

TEST_CASE("SIGTERM closes idle kept-alive clients at once, and exits 0", "[keep-alive][limits]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port(), "shutdownTimeout = 20\n"));
  std::vector<std::unique_ptr<KeepAliveClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<KeepAliveClient>(proxy.port));
    REQUIRE(statusOf(clients.back()->ask(get("a.test", "/" + std::to_string(i)))) == 200);
  }
  const auto start = Clock::now();
  proxy.process->sendSignal(SIGTERM);
  for (auto& client : clients) {
    CHECK(client->closesWithin(2s));
    client->close();  // and closes its end, as a client does when the server has closed
  }
  const auto status = proxy.process->waitForExit(15s);
  REQUIRE(status);
  CHECK(Clock::now() - start < 5s);  // not shutdownTimeout's 20 s
  CHECK(status->exited);
  CHECK(status->code == 0);
  REQUIRE(proxy.process->waitForErrors("shut down:", 2s));
  INFO(proxy.process->errors());
  CHECK(linesContaining(proxy.process->errors(), "shut down:") == 1);  // one line per episode
}

TEST_CASE(
    "SIGTERM while a response is awaited: it comes whole, says Connection: close, and then "
    "the proxy exits 0",
    "[keep-alive][limits]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port(), "shutdownTimeout = 20\n"));
  KeepAliveClient client(proxy.port);
  REQUIRE(statusOf(client.ask(get("a.test", "/first"))) == 200);
  REQUIRE(client.send(get("a.test", "/delay/1500")));
  REQUIRE(a.waitForRequests(2, 2s));
  proxy.process->sendSignal(SIGTERM);
  std::this_thread::sleep_for(300ms);
  CHECK(proxy.process->running());  // waiting for the backend's answer
  const auto response = client.next(false, 5s);
  REQUIRE(response);
  CHECK(response->body == "a\n");
  CHECK(lowerCase(response->field("Connection")) == "close");
  CHECK(client.closesWithin(2s));
  client.close();  // as a client does once the server has closed: the proxy lingers until then
  const auto status = proxy.process->waitForExit(5s);
  REQUIRE(status);
  CHECK(status->code == 0);
}

TEST_CASE("SIGTERM during a 32 MiB download: every byte arrives, then the close, then exit 0",
          "[keep-alive][limits]") {
  KeepAliveBackend a("a");
  RunningProxy proxy = startWith(oneSite(a.port(), "shutdownTimeout = 20\n"));
  KeepAliveClient client(proxy.port);
  REQUIRE(client.send(get("a.test", bytes(32 * kMiB))));
  REQUIRE(client.readAtLeast(kMiB, 5s));  // under way; most of it still to come
  proxy.process->sendSignal(SIGTERM);
  const auto response = client.next(false, 20s);
  REQUIRE(response);
  PatternChecker checker(32 * kMiB);
  checker.feed(response->body.data(), response->body.size());
  checker.finish();
  INFO(checker.summary());
  CHECK(checker.intact());
  CHECK(client.closesWithin(2s));
  client.close();
  const auto status = proxy.process->waitForExit(5s);
  REQUIRE(status);
  CHECK(status->code == 0);
}

TEST_CASE(
    "a reload keeps kept-alive clients, whose next request goes by the new config, and the "
    "pool of a backend that stays",
    "[keep-alive][limits]") {
  KeepAliveBackend before("before"), after("after"), kept("kept");
  RunningProxy proxy = startWith(twoSites(before.port(), kept.port()));
  KeepAliveClient client(proxy.port);
  CHECK(client.ask(get("a.test", "/1")).value_or(Response{}).backend() == "before");
  CHECK(client.ask(get("b.test", "/1")).value_or(Response{}).backend() == "kept");
  proxy.dir->write(proxy.config.filename(),
                   "listenPort = 0\n" + twoSites(after.port(), kept.port()));
  proxy.process->sendSignal(SIGHUP);
  REQUIRE(proxy.process->waitForErrors("reloaded", 5s));
  CHECK(client.ask(get("a.test", "/2")).value_or(Response{}).backend() == "after");
  CHECK(client.ask(get("b.test", "/2")).value_or(Response{}).backend() == "kept");
  CHECK_FALSE(client.closed());
  CHECK(kept.connections() == 1);  // its pooled connection went on from before the reload
}
