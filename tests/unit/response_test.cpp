// tests/unit/response_test.cpp — part 9: the response head, its framing and the head that goes
// on to the client.
#include <catch2/catch.hpp>
#include <string>

#include "body.h"
#include "forward.h"
#include "framing.h"
#include "http_parser.h"

using Kind = rsp::Framing::Kind;

namespace {

rsp::ResponseHead headOf(const std::string& bytes) {
  rsp::ResponseParser parser;
  REQUIRE(parser.parse(bytes) == rsp::ParseStatus::kComplete);
  CHECK(parser.headLength() == bytes.size());
  return parser.head();
}

std::string refusalOf(const std::string& bytes) {
  rsp::ResponseParser parser;
  if (parser.parse(bytes) != rsp::ParseStatus::kError) return "accepted";
  return parser.errorReason();
}

rsp::Framing framingOf(const std::string& fields, const std::string& method = "GET",
                       const std::string& status = "200 OK") {
  return rsp::decideResponseFraming(method, headOf("HTTP/1.1 " + status + "\r\n" + fields + "\r\n"));
}

}  // namespace

TEST_CASE("a status line: version, three digits, and a reason that may be empty", "[response]") {
  const rsp::ResponseHead head = headOf("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  CHECK(head.status == 404);
  CHECK(head.reason == "Not Found");
  CHECK(head.minorVersion == 1);
  CHECK(headOf("HTTP/1.0 204 \r\n\r\n").status == 204);
  CHECK(headOf("HTTP/1.0 204\r\n\r\n").minorVersion == 0);  // no space, no reason: as nginx
  for (const char* bad : {"HTTP/1.1 20 OK\r\n\r\n", "HTTP/2.0 200 OK\r\n\r\n", "http/1.1 200 OK\r\n\r\n",
                          "HTTP/1.1  200 OK\r\n\r\n", "HTTP/1.1 099 Low\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
                          "HTTP/1.1 200 OK\r\n folded\r\n\r\n", "HTTP/1.1 200 OK\n\n",
                          "HTTP/1.1 200 O\rK\r\n\r\n"}) {
    INFO(bad);
    CHECK(refusalOf(bad) != "accepted");
  }
}

TEST_CASE("a response's field names keep the backend's spelling", "[response]") {
  const rsp::ResponseHead head = headOf("HTTP/1.1 200 OK\r\nX-Backend: a\r\n\r\n");
  CHECK(head.fields[0].name == "x-backend");
  CHECK(head.fields[0].spelling == "X-Backend");
}

TEST_CASE("no body after HEAD, 1xx, 204 and 304, whatever the fields say", "[response]") {
  CHECK(framingOf("Content-Length: 10\r\n", "HEAD").kind == Kind::kNone);
  CHECK(framingOf("Content-Length: 10\r\n", "GET", "304 Not Modified").kind == Kind::kNone);
  CHECK(framingOf("Transfer-Encoding: chunked\r\n", "GET", "204 No Content").kind == Kind::kNone);
  CHECK(framingOf("", "GET", "100 Continue").kind == Kind::kNone);
}

TEST_CASE("a response body by chunked, by Content-Length, or until the close", "[response]") {
  CHECK(framingOf("Transfer-Encoding: chunked\r\n").kind == Kind::kChunked);
  const rsp::Framing length = framingOf("Content-Length: 12\r\n");
  CHECK(length.kind == Kind::kLength);
  CHECK(length.length == 12);
  CHECK(framingOf("").kind == Kind::kUntilClose);
}

TEST_CASE("framing rsp cannot be sure of is the backend's error: 502", "[response]") {
  for (const char* fields :
       {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "Transfer-Encoding: gzip\r\n",
        "Transfer-Encoding: gzip, chunked\r\n", "Content-Length: 5\r\nContent-Length: 6\r\n",
        "Content-Length: -1\r\n"}) {
    INFO(fields);
    const rsp::Framing framing = framingOf(fields);
    CHECK(framing.kind == Kind::kError);
    CHECK(framing.status == 502);
  }
  const rsp::ResponseHead old = headOf("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  CHECK(rsp::decideResponseFraming("GET", old).kind == Kind::kError);
}

TEST_CASE("the head toward the client: HTTP/1.1, the hop's fields dropped", "[response]") {
  const rsp::ResponseHead head = headOf(
      "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: keep-alive, X-Hop\r\n"
      "Keep-Alive: timeout=5\r\nX-Hop: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
  CHECK(rsp::forwardedResponseHead(head, {}) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
  CHECK(rsp::forwardedResponseHead(head, {.keepAlive = false}) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
        "connection: close\r\n\r\n");
  CHECK(rsp::forwardedResponseHead(head, {.keepAlive = false, .http10Client = true, .decode = true}) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nconnection: close\r\n\r\n");
  CHECK(rsp::forwardedResponseHead(head, {.keepAlive = true, .http10Client = true}).ends_with(
      "connection: keep-alive\r\n\r\n"));
}

TEST_CASE("a chunked body decoded for an HTTP/1.0 client, and what follows it kept", "[response]") {
  rsp::MessageBody body({Kind::kChunked, 0, 0, {}}, /*decode=*/true);
  std::size_t used = 0;
  const std::string bytes = "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nT: 1\r\n\r\nNEXT";
  CHECK(body.take(bytes.substr(0, 7), used) == rsp::MessageBody::Status::kMore);
  std::string decoded = body.decoded();
  CHECK(body.take(bytes.substr(7), used) == rsp::MessageBody::Status::kDone);
  decoded += body.decoded();
  CHECK(decoded == "hello world");
  CHECK(bytes.substr(7 + used) == "NEXT");
}
