// tests/unit/framing_test.cpp — part 8: decideFraming, one case per rule of RFC 9112 6.
#include <catch2/catch.hpp>
#include <string>

#include "framing.h"
#include "http_parser.h"

using Kind = rsp::Framing::Kind;

namespace {

rsp::Framing framingOf(const std::string& fields, const std::string& version = "HTTP/1.1") {
  rsp::RequestParser parser;
  const std::string head = "POST / " + version + "\r\nHost: a\r\n" + fields + "\r\n";
  REQUIRE(parser.parse(head) == rsp::ParseStatus::kComplete);
  return rsp::decideFraming(parser.head());
}

int statusOf(const std::string& fields, const std::string& version = "HTTP/1.1") {
  const rsp::Framing framing = framingOf(fields, version);
  return framing.kind == Kind::kError ? framing.status : 0;
}

}  // namespace

TEST_CASE("no framing field: no body", "[framing]") { CHECK(framingOf("").kind == Kind::kNone); }

TEST_CASE("Content-Length: one decimal value", "[framing]") {
  const auto framing = framingOf("Content-Length: 0042\r\n");
  CHECK(framing.kind == Kind::kLength);
  CHECK(framing.length == 42);
  CHECK(framingOf("Content-Length: 9223372036854775807\r\n").length == 9223372036854775807u);
  CHECK(statusOf("Content-Length: 9223372036854775808\r\n") == 400);   // past 2^63 - 1
  CHECK(statusOf("Content-Length: 18446744073709551616\r\n") == 400);  // past 2^64
  for (const char* bad : {"+1", "-1", "1 0", "1,1", "1, 1", "0x1", "1.0", "", "one"}) {
    INFO(bad);
    CHECK(statusOf(std::string("Content-Length: ") + bad + "\r\n") == 400);
  }
  CHECK(statusOf("Content-Length: 1\r\nContent-Length: 1\r\n") == 400);
}

TEST_CASE("Transfer-Encoding: a request's must end in chunked, once", "[framing]") {
  CHECK(framingOf("Transfer-Encoding: chunked\r\n").kind == Kind::kChunked);
  CHECK(framingOf("Transfer-Encoding: , Chunked ,\r\n").kind == Kind::kChunked);
  CHECK(statusOf("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n") == 501);
  CHECK(statusOf("Transfer-Encoding: gzip, chunked\r\n") == 501);
  CHECK(statusOf("Transfer-Encoding: chunked, gzip\r\n") == 400);
  CHECK(statusOf("Transfer-Encoding: chunked, chunked\r\n") == 400);
  CHECK(statusOf("Transfer-Encoding:\r\n") == 400);
  CHECK(statusOf("Transfer-Encoding: chunked;x=1\r\n") == 400);
  CHECK(statusOf("Transfer-Encoding: br, chunked\r\n") == 501);
  CHECK(statusOf("Transfer-Encoding: identity, chunked\r\n") == 501);  // gone since RFC 7230
}

TEST_CASE("Transfer-Encoding with Content-Length, or in HTTP/1.0: 400", "[framing]") {
  CHECK(statusOf("Content-Length: 1\r\nTransfer-Encoding: chunked\r\n") == 400);
  CHECK(statusOf("Transfer-Encoding: chunked\r\nContent-Length: 1\r\n") == 400);
  CHECK(statusOf("Transfer-Encoding: chunked\r\n", "HTTP/1.0") == 400);
  CHECK(framingOf("Content-Length: 3\r\n", "HTTP/1.0").length == 3);
}

TEST_CASE("CONNECT is refused before any body is looked for", "[framing]") {
  rsp::RequestParser parser;
  REQUIRE(parser.parse("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n") == rsp::ParseStatus::kComplete);
  CHECK(rsp::decideFraming(parser.head()).status == 501);
}
