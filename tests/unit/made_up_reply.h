// tests/unit/made_up_reply.h — a reply as fetch() would have returned it, made up for the
// tests of the tools' reports and verdicts: the pattern body, with or without a hole in it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "client.h"

namespace rsp::test {

// A 200 OK reply carrying the pattern of `size` bytes without the bytes [holeBegin, holeEnd),
// that took 1.234 s.
inline FetchResult madeUpReply(std::uint64_t size, std::uint64_t holeBegin = 0,
                               std::uint64_t holeEnd = 0) {
  std::string body(size, '\0');
  fillPattern(body.data(), 0, size);
  body.erase(holeBegin, holeEnd - holeBegin);
  FetchResult result;
  result.connected = true;
  result.statusLine = "HTTP/1.0 200 OK";
  result.contentLength = size;
  result.body = PatternChecker(size);
  result.body.feed(body.data(), body.size());
  result.body.finish();
  result.elapsed = std::chrono::milliseconds(1234);
  return result;
}

}  // namespace rsp::test
