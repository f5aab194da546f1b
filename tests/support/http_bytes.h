// tests/support/http_bytes.h — parts 8 and up: where an HTTP message ends, read off its bytes.
//
// The test backends and the keep-alive client hold a message as the bytes that arrived, and
// need only three answers from them: a field's value, where a body ends, and what a chunked
// body carries. These are a test's answers, for well-formed messages: the proxy's own parser
// is the strict one (part 8 on), and a test that sends broken framing checks the proxy refuses
// it before any of this runs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rsp::test {

std::string lowerCase(std::string text);

// The value of the first field `name` (any case) in `head`, without surrounding blanks; empty
// if there is none.
std::string fieldValue(std::string_view head, std::string_view name);

// Where a chunked body that starts at body[0] ends (its last chunk and trailer section
// included), or npos while it has not arrived whole.
std::size_t chunkedEnd(std::string_view body);

// The data a whole chunked body carries, its chunk sizes, extensions and trailers removed.
std::string decodeChunked(std::string_view body);

// How many bytes of `after` a request's body takes, by its head (chunked, or Content-Length,
// or none), once they have all arrived; npos until then.
std::size_t requestBodyLength(const std::string& head, std::string_view after);

}  // namespace rsp::test
