// part10-lua-waits/body.h — part 10: where a message's body ends, counted as its bytes pass by.
//
// Same as part8-http/body.h except: responses too, so a body may also run until the close
// (kUntilClose: a response with neither Content-Length nor chunked), and a chunked body can be
// decoded on the way (decode: for an HTTP/1.0 client, which does not know chunked).
//
// Each side of a pair must know where each message ends, as its framing says (framing.h):
//
//   kNone        no body: it ends with the head
//   kLength      Content-Length bytes, counted down
//   kChunked     up to the end of the last chunk and its trailer section, as the chunked
//                scanner (chunked.h) finds it without keeping the data
//   kUntilClose  everything until the backend's FIN (the connection cannot be reused)
//
// Whatever comes after the end is not the body's: for a request, it is the next pipelined
// request; for a response, bytes the backend should not have sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "chunked.h"
#include "framing.h"

namespace rsp {

class MessageBody {
 public:
  enum class Status { kMore, kDone, kBroken };

  MessageBody() = default;  // no body
  // With `decode`, a chunked body's data is also collected, without its chunk lines (decoded()).
  explicit MessageBody(const Framing& framing, bool decode = false);

  // Looks at the next bytes of the message. `used` says how many belong to the body: all of
  // them with kMore, the first `used` with kDone (the end is among them) or kBroken (a chunked
  // body that breaks the grammar: what came before the broken byte).
  Status take(std::string_view bytes, std::size_t& used);
  bool done() const { return status_ == Status::kDone; }
  bool decoding() const { return decode_; }
  // With decode, after each take(): the chunk data among the bytes it used.
  const std::string& decoded() const { return decoded_; }
  const std::string& error() const { return chunks_.error(); }  // once kBroken

 private:
  Framing::Kind kind_ = Framing::Kind::kNone;
  std::uint64_t remaining_ = 0;  // kLength: bytes still to come
  ChunkedScanner chunks_;        // kChunked
  bool decode_ = false;
  std::string decoded_;
  Status status_ = Status::kDone;
};

}  // namespace rsp
