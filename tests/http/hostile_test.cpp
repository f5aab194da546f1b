// tests/http/hostile_test.cpp — part 8: every row of the hostile table, against our own code.
//
// The same verdict the proxy reaches, without a socket: parse the head within maxHeadSize
// (still incomplete at the limit: 431), decide the framing, then find the body's end (a
// Content-Length counted, a chunked body scanned). A row's status must be the one rsp answers;
// a valid row (200) must be a complete request whose body is all there.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "chunked.h"
#include "framing.h"
#include "hostile.h"
#include "http_parser.h"

namespace {

constexpr std::size_t kMaxHeadSize = 16 * 1024;  // the default maxHeadSize
constexpr int kIncomplete = -1;                  // the request never ends: a bad row

int bodyVerdict(const rsp::Framing& framing, std::string_view body) {
  if (framing.kind == rsp::Framing::Kind::kNone) return 200;
  if (framing.kind == rsp::Framing::Kind::kLength)
    return body.size() >= framing.length ? 200 : kIncomplete;
  rsp::ChunkedScanner scanner;
  std::size_t used = 0;
  switch (scanner.scan(body, used)) {
    case rsp::ChunkedScanner::Status::kDone:
      return 200;
    case rsp::ChunkedScanner::Status::kError:
      return 400;  // a request's broken body
    default:
      return kIncomplete;
  }
}

int verdict(std::string_view request) {
  rsp::RequestParser parser;
  const std::string_view window = request.substr(0, kMaxHeadSize);
  switch (parser.parse(window)) {
    case rsp::ParseStatus::kError:
      return parser.errorStatus();
    case rsp::ParseStatus::kNeedMore:
      return window.size() == kMaxHeadSize ? 431 : kIncomplete;
    case rsp::ParseStatus::kComplete:
      break;
  }
  const rsp::Framing framing = rsp::decideFraming(parser.head());
  if (framing.kind == rsp::Framing::Kind::kError) return framing.status;
  return bodyVerdict(framing, request.substr(parser.headLength()));
}

// The same verdict with the request fed one byte at a time, as a slow client sends it.
int verdictByteByByte(std::string_view request) {
  rsp::RequestParser parser;
  for (std::size_t n = 1; n <= std::min(request.size(), kMaxHeadSize); ++n) {
    const rsp::ParseStatus status = parser.parse(request.substr(0, n));
    if (status == rsp::ParseStatus::kError) return parser.errorStatus();
    if (status == rsp::ParseStatus::kComplete) return verdict(request);
  }
  return request.size() >= kMaxHeadSize ? 431 : kIncomplete;
}

}  // namespace

TEST_CASE("the hostile table has at least 30 rows, each with a clause", "[hostile]") {
  const auto rows = rsp::test::loadHostileTable(RSP_HOSTILE_TABLE);
  CHECK(rows.size() >= 30);
  for (const auto& row : rows) {
    INFO(row.name);
    CHECK(!row.clause.empty());
    CHECK((row.expected == 200 || row.expected == 400 || row.expected == 431 ||
           row.expected == 501 || row.expected == 505));
  }
}

TEST_CASE("every hostile row gets the status the table says", "[hostile]") {
  for (const auto& row : rsp::test::loadHostileTable(RSP_HOSTILE_TABLE)) {
    INFO(row.name << " (" << row.clause << ")");
    CHECK(verdict(row.request) == row.expected);
  }
}

TEST_CASE("every hostile row gets the same status when it arrives a byte at a time", "[hostile]") {
  for (const auto& row : rsp::test::loadHostileTable(RSP_HOSTILE_TABLE)) {
    INFO(row.name);
    CHECK(verdictByteByByte(row.request) == row.expected);
  }
}

TEST_CASE("the table's escapes decode to the bytes they name", "[hostile]") {
  CHECK(rsp::test::decodeEscapes(R"(a\r\n\t\\\x00\x7f)") == std::string("a\r\n\t\\\0\x7f", 7));
  CHECK(rsp::test::decodeEscapes(R"(\p{3}b)") == "aaab");
  CHECK_THROWS(rsp::test::decodeEscapes(R"(\q)"));
  CHECK_THROWS(rsp::test::decodeEscapes(R"(\x4)"));
}
