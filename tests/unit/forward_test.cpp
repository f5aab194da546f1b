// tests/unit/forward_test.cpp — part 8: the head the backend receives.
#include <catch2/catch.hpp>
#include <string>

#include "forward.h"

namespace {

std::string forwarded(const std::string& head, const std::string& client = "127.0.0.1") {
  rsp::RequestParser parser;
  REQUIRE(parser.parse(head) == rsp::ParseStatus::kComplete);
  const rsp::Framing framing = rsp::decideFraming(parser.head());
  REQUIRE(framing.kind != rsp::Framing::Kind::kError);
  return rsp::forwardedHead(parser.head(), framing, client);
}

}  // namespace

TEST_CASE("a plain request goes as HTTP/1.1 with Host first and Connection: close", "[forward]") {
  CHECK(forwarded("GET /x?y HTTP/1.0\r\nAccept: */*\r\nHost: A.test\r\n\r\n") ==
        "GET /x?y HTTP/1.1\r\nhost: A.test\r\naccept: */*\r\n"
        "x-forwarded-for: 127.0.0.1\r\nconnection: close\r\n\r\n");
}

// An HTTP/1.1 request must carry Host (RFC 9112 3.2), and a backend such as nginx refuses an
// empty one; nginx, proxying, sends the upstream's name ($proxy_host). So does rsp.
TEST_CASE("an HTTP/1.0 request without Host gets the backend's name as Host", "[forward]") {
  rsp::RequestParser parser;
  REQUIRE(parser.parse("GET / HTTP/1.0\r\n\r\n") == rsp::ParseStatus::kComplete);
  const rsp::Framing framing = rsp::decideFraming(parser.head());
#if RSP_PART >= 9
  const std::string out = rsp::forwardedHead(parser.head(), framing, "::1", false, "[::1]:8001");
#else
  const std::string out = rsp::forwardedHead(parser.head(), framing, "::1", "[::1]:8001");
#endif
  CHECK(out ==
        "GET / HTTP/1.1\r\nhost: [::1]:8001\r\nx-forwarded-for: ::1\r\nconnection: close\r\n\r\n");
}

TEST_CASE("absolute-form becomes origin-form, and its host becomes Host", "[forward]") {
  CHECK(forwarded("GET http://b.test:81/p?q HTTP/1.1\r\nHost: a.test\r\n\r\n")
            .starts_with("GET /p?q HTTP/1.1\r\nhost: b.test:81\r\nx-forwarded-for"));
  CHECK(forwarded("GET http://b.test?q HTTP/1.1\r\nHost: a\r\n\r\n").starts_with("GET /?q "));
  CHECK(forwarded("OPTIONS http://b.test HTTP/1.1\r\nHost: a\r\n\r\n").starts_with("OPTIONS * "));
  CHECK(forwarded("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").starts_with("OPTIONS * "));
}

TEST_CASE("X-Forwarded-For lines merge into one, the client's address last", "[forward]") {
  const std::string out = forwarded(
      "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 10.0.0.1\r\nX-A: 1\r\n"
      "x-forwarded-for: 10.0.0.2, 10.0.0.3\r\n\r\n",
      "192.0.2.7");
  CHECK(out ==
        "GET / HTTP/1.1\r\nhost: a\r\nx-a: 1\r\n"
        "x-forwarded-for: 10.0.0.1, 10.0.0.2, 10.0.0.3, 192.0.2.7\r\nconnection: close\r\n\r\n");
}

TEST_CASE("Connection, what it names, Keep-Alive and Proxy-Connection are dropped", "[forward]") {
  const std::string out = forwarded(
      "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Hop\r\nConnection: Upgrade\r\n"
      "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nX-Hop: 1\r\nUpgrade: h2c\r\n"
      "X-Stay: 2\r\n\r\n");
#if RSP_PART >= 9  // Connection: upgrade with Upgrade asks for a protocol upgrade, passed on
  const std::string hop = "upgrade: h2c\r\nconnection: upgrade\r\n";
#else
  const std::string hop = "connection: close\r\n";
#endif
  CHECK(out == "GET / HTTP/1.1\r\nhost: a\r\nx-stay: 2\r\nx-forwarded-for: 127.0.0.1\r\n" + hop +
                   "\r\n");
}

TEST_CASE("the framing fields are rsp's decision, whatever Connection names", "[forward]") {
  CHECK(forwarded("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n")
            .find("content-length: 7\r\n") != std::string::npos);
  const std::string chunked = forwarded(
      "POST / HTTP/1.1\r\nHost: a\r\nConnection: transfer-encoding\r\n"
      "Transfer-Encoding: Chunked\r\n\r\n");
  CHECK(chunked.find("transfer-encoding: chunked\r\n") != std::string::npos);
}
