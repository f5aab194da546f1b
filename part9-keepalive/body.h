// part9-keepalive/body.h — part 9: where one request's body ends, counted as its bytes pass by.
//
// The proxy forwards exactly one request (LIMIT: part 9 reads the next one instead), so the
// flow toward the backend must know where the body ends, as its framing says (framing.h):
//
//   kNone     no body: it ends with the head
//   kLength   Content-Length bytes, counted down
//   kChunked  up to the end of the last chunk and its trailer section, as the chunked scanner
//             (chunked.h) finds it without keeping the data
//
// Whatever comes after the end is not the body's, and never reaches the backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chunked.h"
#include "framing.h"

namespace rsp {

class RequestBody {
 public:
  enum class Status { kMore, kDone, kBroken };

  RequestBody() = default;  // no body
  explicit RequestBody(const Framing& framing);

  // Looks at the next bytes from the client. `used` says how many belong to the body: all of
  // them with kMore, the first `used` with kDone (the end is among them) or kBroken (a chunked
  // body that breaks the grammar: what came before the broken byte).
  Status take(std::string_view bytes, std::size_t& used);
  bool done() const { return status_ == Status::kDone; }
  const std::string& error() const { return chunks_.error(); }  // once kBroken

 private:
  Framing::Kind kind_ = Framing::Kind::kNone;
  std::uint64_t remaining_ = 0;  // kLength: bytes still to come
  ChunkedScanner chunks_;        // kChunked
  Status status_ = Status::kDone;
};

}  // namespace rsp
