// part10-lua-waits/chunked.h — part 10: where a chunked body ends, found as its bytes pass by.
//
// Same as part8-http/chunked.h except: scan() can also hand over the chunk data, decoding the
// body, for a chunked response that goes to an HTTP/1.0 client (body.h).
//
// The proxy forwards a chunked body as it came; it only needs to know where the body ends, so
// that nothing after it reaches the backend. The scanner is fed the body's bytes as they arrive
// and keeps only the line it is in the middle of (bounded), never the data:
//
//   chunked-body = *chunk last-chunk trailer-section CRLF           (RFC 9112 7.1)
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   last-chunk   = 1*("0") [ chunk-ext ] CRLF
//
//   "5;a=b\r\n" "hello" "\r\n"  "0\r\n"  "Trailer-Field: x\r\n"  "\r\n" | next request...
//    size line   data    CRLF    last     trailer section         end  ^ scan() stops here
//
// Strict: a hex size without sign or space and below the cap; extensions that follow the
// grammar, within the line's bound; exactly CRLF after the data; trailer field lines that are
// valid, within their bound. Anything else is an error: the caller answers 400 to a request
// (part 8) and treats a response as broken (part 9, which reuses this for responses).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace rsp {

class ChunkedScanner {
 public:
  struct Limits {
    std::size_t maxLine = 4096;      // a chunk-size line, extensions included, or a trailer line
    std::size_t maxTrailer = 16384;  // the whole trailer section
    std::uint64_t maxChunkSize = std::numeric_limits<std::int64_t>::max();  // below 2^63
  };
  enum class Status { kNeedMore, kDone, kError };

  ChunkedScanner() = default;
  explicit ChunkedScanner(Limits limits) : limits_(limits) {}

  // Looks at the next bytes of the body. `used` says how many belong to it: all of them while
  // kNeedMore; with kDone, the bytes after `used` are not the body's. With `data`, the chunk
  // data among them is appended to it (decoding the body; part 9, for HTTP/1.0 clients).
  Status scan(std::string_view bytes, std::size_t& used, std::string* data = nullptr);
  const std::string& error() const { return error_; }  // once kError: one short line

 private:
  enum class State { kSizeLine, kData, kDataCr, kDataLf, kTrailerLine, kDone, kError };

  void step(char c);
  void lineByte(char c);
  void onSizeLine(std::string_view line);
  void onTrailerLine(std::string_view line);
  void fail(const char* reason);

  Limits limits_;
  State state_ = State::kSizeLine;
  std::string line_;             // the size or trailer line read so far (at most maxLine)
  std::uint64_t remaining_ = 0;  // kData: bytes of the chunk still to come
  std::size_t trailerBytes_ = 0;
  std::string error_;
};

}  // namespace rsp
