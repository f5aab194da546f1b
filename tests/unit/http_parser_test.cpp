// tests/unit/http_parser_test.cpp — part 8: the request-head parser, as a function over bytes.
#include <catch2/catch.hpp>
#include <string>

#include "http_parser.h"

using rsp::ParseStatus;
using rsp::RequestParser;
using rsp::TargetForm;

namespace {

// Parses a whole head at once; fails the test unless it is complete.
rsp::RequestHead parsed(const std::string& bytes) {
  RequestParser parser;
  const ParseStatus status = parser.parse(bytes);
  INFO(parser.errorReason());
  REQUIRE(status == ParseStatus::kComplete);
  return parser.head();
}

// The error status for a head (0 if it is not an error).
int errorFor(const std::string& bytes) {
  RequestParser parser;
  return parser.parse(bytes) == ParseStatus::kError ? parser.errorStatus() : 0;
}

}  // namespace

TEST_CASE("a head yields its method, target, version and fields", "[http_parser]") {
  const auto head = parsed("GET /a/b?c=d HTTP/1.1\r\nHost: A.test:8080\r\nX-Two:  v \t\r\n\r\n");
  CHECK(head.method == "GET");
  CHECK(head.target == "/a/b?c=d");
  CHECK(head.form == TargetForm::kOrigin);
  CHECK(head.pathAndQuery == "/a/b?c=d");
  CHECK(head.path == "/a/b");
  CHECK(head.minorVersion == 1);
  CHECK(head.authority == "A.test:8080");
  REQUIRE(head.fields.size() == 2);
  CHECK(head.fields[1].name == "x-two");  // lower-cased
  CHECK(head.fields[1].value == "v");     // OWS trimmed
  CHECK(*head.find("x-two") == "v");
  CHECK(head.find("x-three") == nullptr);
}

TEST_CASE("the head's length stops before the body and the next request", "[http_parser]") {
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n";
  RequestParser parser;
  REQUIRE(parser.parse(head + "hiGET / HTTP/1.1\r\n") == ParseStatus::kComplete);
  CHECK(parser.headLength() == head.size());
}

TEST_CASE("fed a byte at a time, the parser resumes and agrees", "[http_parser]") {
  const std::string bytes = "\r\nPUT /x HTTP/1.0\r\nA: 1\r\nB: 2\r\n\r\n";
  RequestParser parser;
  for (std::size_t n = 1; n < bytes.size(); ++n)
    REQUIRE(parser.parse(std::string_view(bytes).substr(0, n)) == ParseStatus::kNeedMore);
  REQUIRE(parser.parse(bytes) == ParseStatus::kComplete);
  CHECK(parser.headLength() == bytes.size());
  CHECK(parser.head().method == "PUT");
  CHECK(parser.head().minorVersion == 0);
  CHECK(parser.head().fields.size() == 2);
  CHECK(parser.parse(bytes) == ParseStatus::kComplete);  // asking again changes nothing
}

TEST_CASE("the caller's size limit: still need-more at maxHeadSize means 431", "[http_parser]") {
  const std::size_t kMax = 1024;
  const std::string bytes = "GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n";
  RequestParser parser;
  CHECK(parser.parse(std::string_view(bytes).substr(0, kMax)) == ParseStatus::kNeedMore);
}

TEST_CASE("the four target forms", "[http_parser]") {
  const auto absolute = parsed("GET HTTP://B.test:81?q HTTP/1.1\r\nHost: a.test\r\n\r\n");
  CHECK(absolute.form == TargetForm::kAbsolute);
  CHECK(absolute.authority == "B.test:81");  // the target's host wins over Host (RFC 9112 3.2.2)
  CHECK(absolute.pathAndQuery == "?q");
  CHECK(absolute.path.empty());
  const auto connect = parsed("CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n");
  CHECK(connect.form == TargetForm::kAuthority);
  CHECK(connect.authority == "a.test:443");
  CHECK(parsed("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").form == TargetForm::kAsterisk);
  CHECK(errorFor("CONNECT a.test HTTP/1.1\r\nHost: a\r\n\r\n") == 400);  // no port
  CHECK(errorFor("GET mailto:x@y HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
}

TEST_CASE("errors are found as soon as their byte arrives", "[http_parser]") {
  CHECK(errorFor("GET / HTTP/1.1\r\nX: a\rb") == 400);  // bare CR, no need to wait for more
  CHECK(errorFor("GET / HTTP/1.1\n") == 400);           // bare LF
  CHECK(errorFor("GET / HTTP/2.0\r\n") == 505);         // before any field
}

TEST_CASE("each error has a reason", "[http_parser]") {
  RequestParser parser;
  REQUIRE(parser.parse("GET / HTTP/1.1\r\nX : y\r\n\r\n") == ParseStatus::kError);
  CHECK(parser.errorStatus() == 400);
  CHECK(parser.errorReason() == "whitespace before the colon");
  CHECK(parser.parse("GET / HTTP/1.1\r\nX : y\r\n\r\n") == ParseStatus::kError);  // stays failed
}

TEST_CASE("Host rules of RFC 9112 3.2", "[http_parser]") {
  CHECK(errorFor("GET / HTTP/1.1\r\n\r\n") == 400);
  CHECK(errorFor("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n") == 400);  // even in 1.0
  CHECK(errorFor("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == 400);
  CHECK(errorFor("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n") == 400);
  CHECK(errorFor("GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n") == 400);
  CHECK(parsed("GET / HTTP/1.1\r\nHost:\r\n\r\n").authority.empty());  // empty is allowed
  CHECK(parsed("GET / HTTP/1.1\r\nHost: a%2Eb:\r\n\r\n").authority == "a%2Eb:");
}
