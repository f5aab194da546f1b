// tests/unit/pattern_test.cpp — the test body's pattern and its checker, which every
// missing-chunks verdict relies on: it must see a hole wherever there is one.
#include <catch2/catch.hpp>
#include <string>

#include "pattern.h"

using rsp::test::fillPattern;
using rsp::test::PatternChecker;

namespace {

std::string pattern(std::uint64_t offset, std::size_t size) {
  std::string text(size, '\0');
  fillPattern(text.data(), offset, size);
  return text;
}

}  // namespace

TEST_CASE("every 16-byte line of the pattern names its offset", "[pattern]") {
  CHECK(pattern(0, 32) == "000000000000000\n000000000000010\n");
  CHECK(pattern(0x1230, 16) == "000000000001230\n");
  CHECK(pattern(5, 4) == "0000");
  CHECK(pattern(12, 8) == "000\n0000");
}

TEST_CASE("a whole body, fed in odd pieces, is intact", "[pattern]") {
  const std::string body = pattern(0, 100000);
  PatternChecker checker(body.size());
  for (std::size_t at = 0; at < body.size(); at += 777) {
    checker.feed(body.data() + at, std::min<std::size_t>(777, body.size() - at));
  }
  checker.finish();
  CHECK(checker.intact());
  CHECK(checker.map(8) == "########");
  CHECK(checker.summary() == "received 100000 of 100000 bytes, intact");
}

TEST_CASE("a hole in the body is found, measured and mapped", "[pattern]") {
  const std::string body = pattern(0, 80000);
  const std::string holed = body.substr(0, 30003) + body.substr(50005);  // 20002 bytes lost
  PatternChecker checker(body.size());
  checker.feed(holed.data(), holed.size());
  checker.finish();
  CHECK_FALSE(checker.intact());
  CHECK(checker.missing() == 20002);
  // The first byte that is wrong: bytes after the cut that happen to equal the ones expected
  // there (the lines' leading zeros) are not wrong, so it lies within the line of the cut.
  REQUIRE(checker.firstBadOffset().has_value());
  CHECK(*checker.firstBadOffset() >= 30003);
  CHECK(*checker.firstBadOffset() < 30016);
  CHECK(checker.map(8) == "###-.-##");
}

TEST_CASE("a truncated body is missing its tail", "[pattern]") {
  const std::string body = pattern(0, 4096);
  PatternChecker checker(8192);
  checker.feed(body.data(), body.size());
  checker.finish();
  CHECK_FALSE(checker.intact());
  CHECK(checker.missing() == 4096);
  CHECK(checker.firstBadOffset() == 4096);
  CHECK(checker.map(2) == "#.");
}

TEST_CASE("a wrong byte is not intact even when the length is right", "[pattern]") {
  std::string body = pattern(0, 1024);
  body[500] = 'x';
  PatternChecker checker(body.size());
  checker.feed(body.data(), body.size());
  checker.finish();
  CHECK_FALSE(checker.intact());
  CHECK(checker.firstBadOffset() == 500);
}
