// tests/unit/buffer_test.cpp — part 4's Buffer: bytes in, bytes out, in order.
#include <catch2/catch.hpp>
#include <string>

#include "buffer.h"

namespace {

std::string contents(const rsp::Buffer& buffer) {
  return std::string(buffer.data(), buffer.size());
}

}  // namespace

TEST_CASE("a new buffer is empty", "[buffer]") {
  rsp::Buffer buffer;
  CHECK(buffer.empty());
  CHECK(buffer.size() == 0);
}

TEST_CASE("bytes come out in the order they went in", "[buffer]") {
  rsp::Buffer buffer;
  buffer.append("hello, ", 7);
  buffer.append("world", 5);
  CHECK(contents(buffer) == "hello, world");
  buffer.consume(7);
  CHECK(contents(buffer) == "world");
  buffer.append("!", 1);
  CHECK(contents(buffer) == "world!");
  buffer.consume(6);
  CHECK(buffer.empty());
}

TEST_CASE("a long run of appends and partial consumes keeps every byte in order", "[buffer]") {
  rsp::Buffer buffer;
  std::string expected;  // what should be queued, kept the slow and obvious way
  unsigned next = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string chunk;
    for (int i = 0; i < 1 + round % 97; ++i) chunk += static_cast<char>('a' + next++ % 26);
    buffer.append(chunk.data(), chunk.size());
    expected += chunk;
    const std::size_t take = std::min<std::size_t>(expected.size(), round % 113);
    buffer.consume(take);
    expected.erase(0, take);
    REQUIRE(contents(buffer) == expected);
  }
}
