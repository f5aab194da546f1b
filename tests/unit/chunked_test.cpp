// tests/unit/chunked_test.cpp — part 8: the chunked-body scanner finds the end, and only that.
#include <catch2/catch.hpp>
#include <string>

#include "chunked.h"

using rsp::ChunkedScanner;
using Status = ChunkedScanner::Status;

namespace {

// Scans `body` in pieces of `step` bytes; returns the status and the body's length in `used`.
Status scanAll(const std::string& body, std::size_t step, std::size_t& total,
               ChunkedScanner scanner = ChunkedScanner()) {
  total = 0;
  for (std::size_t at = 0; at < body.size(); at += step) {
    std::size_t used = 0;
    const Status status = scanner.scan(std::string_view(body).substr(at, step), used);
    total += used;
    if (status != Status::kNeedMore) return status;
    REQUIRE(used == std::min(step, body.size() - at));  // all of it belongs to the body
  }
  return Status::kNeedMore;
}

Status statusOf(const std::string& body) {
  std::size_t total = 0;
  return scanAll(body, body.size(), total);
}

}  // namespace

TEST_CASE("the body ends after the last chunk and the trailers, in any pieces", "[chunked]") {
  const std::string body =
      "5;a=b\r\nhello\r\n1A\r\n" + std::string(26, 'x') + "\r\n0\r\nX-Sum: 1\r\n\r\n";
  for (const std::size_t step : {1, 2, 3, 7, 64, 1000}) {
    INFO(step);
    std::size_t total = 0;
    CHECK(scanAll(body + "GET / HTTP/1.1\r\n", step, total) == Status::kDone);
    CHECK(total == body.size());  // the next request is not the body's
  }
}

TEST_CASE("chunk data is skipped over, whatever bytes it holds", "[chunked]") {
  CHECK(statusOf("4\r\n\r\n\r\n\r\n0\r\n\r\n") == Status::kDone);
  CHECK(statusOf(std::string("3\r\n\0\n\r\r\n0\r\n\r\n", 13)) == Status::kDone);
}

TEST_CASE("chunk sizes: hex, no sign, no space, below 2^63", "[chunked]") {
  CHECK(statusOf("7fffffffffffffff\r\n") == Status::kNeedMore);
  CHECK(statusOf("8000000000000000\r\n") == Status::kError);
  CHECK(statusOf("fffffffffffffffff\r\n") == Status::kError);
  CHECK(statusOf("00000000000000000000005\r\nhello\r\n0\r\n\r\n") == Status::kDone);
  for (const char* bad : {"+5\r\n", "-5\r\n", " 5\r\n", "5 \r\n", "0x5\r\n", "\r\n", "g\r\n"}) {
    INFO(bad);
    CHECK(statusOf(bad) == Status::kError);
  }
}

TEST_CASE("a lower cap on chunk sizes is kept", "[chunked]") {
  ChunkedScanner scanner(ChunkedScanner::Limits{4096, 16384, 1000});
  std::size_t used = 0;
  CHECK(scanner.scan("3e9\r\n", used) == Status::kError);  // 1001
}

TEST_CASE("chunk extensions follow the grammar, within the line bound", "[chunked]") {
  for (const char* good : {"5;a\r\n", "5 ; a = b\r\n", "5;a=\"q \\\" x\";b\r\n", "5;a;b=c\r\n"}) {
    INFO(good);
    CHECK(statusOf(good) == Status::kNeedMore);
  }
  for (const char* bad :
       {"5;\r\n", "5;=b\r\n", "5;a=\r\n", "5;a=\"x\r\n", "5;a b\r\n", "5;a\x01\r\n", "5a;\r\n"}) {
    INFO(bad);
    CHECK(statusOf(bad) == Status::kError);
  }
  CHECK(statusOf("5;a=" + std::string(5000, 'b') + "\r\n") == Status::kError);
}

TEST_CASE("CRLF exactly after the data and at the end of every line", "[chunked]") {
  CHECK(statusOf("5\r\nhelloX") == Status::kError);
  CHECK(statusOf("5\r\nhello\rX") == Status::kError);
  CHECK(statusOf("5\r\nhello\n") == Status::kError);
  CHECK(statusOf("5\nhello") == Status::kError);
  CHECK(statusOf("5\r5\r\n") == Status::kError);
  CHECK(statusOf("0\r\n\n") == Status::kError);
}

TEST_CASE("trailers are field lines, bounded in all", "[chunked]") {
  CHECK(statusOf("0\r\nA: 1\r\nB: 2\r\n\r\n") == Status::kDone);
  CHECK(statusOf("0\r\nA 1\r\n\r\n") == Status::kError);
  CHECK(statusOf("0\r\nA: 1\r\n folded\r\n\r\n") == Status::kError);
  std::string many = "0\r\n";
  for (int i = 0; i < 1000; ++i) many += "X-Field: 0123456789\r\n";
  CHECK(statusOf(many + "\r\n") == Status::kError);
}

TEST_CASE("an error is final and has a reason", "[chunked]") {
  ChunkedScanner scanner;
  std::size_t used = 0;
  REQUIRE(scanner.scan("z\r\n", used) == Status::kError);
  CHECK(scanner.error() == "chunk size is not hex");
  CHECK(scanner.scan("0\r\n\r\n", used) == Status::kError);
  CHECK(used == 0);
}
