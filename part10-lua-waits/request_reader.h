// part10-lua-waits/request_reader.h — part 10: the request head, read before anything is connected.
//
// Same as part8-http/request_reader.h except: a reader may start with bytes already read (what
// came after the previous request: the next one, pipelined), and what it read after this
// request's body is kept for the next one (leftover()), not dropped.
//
// A Connection's first phase, for each request. The client's bytes go into one bounded buffer
// and the parser (http_parser.h) looks at them as they come; nothing reaches a backend until
// the head is complete and valid:
//
//   recv ──▶ buffer (at most maxHeadSize bytes) ──▶ parser ──▶ need more: recv again
//                                                     ├──▶ error: refuse (400, 501, 505)
//                                                     ├──▶ still need more at maxHeadSize: 431
//                                                     └──▶ complete: decide the framing
//                                                          (framing.h; an error: 400 or 501)
//
// The bytes after the head that came with it are the body's start. A chunked body among them
// is scanned at once (body.h), so that a broken one that came with its head is refused before
// any backend is chosen, as nginx and HAProxy do. The deadline (headerTimeout, 408) is the
// Connection's.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "body.h"
#include "framing.h"
#include "http_parser.h"

namespace rsp {

class RequestReader {
 public:
  enum class Status {
    kNeedMore,  // keep reading
    kComplete,  // head() and framing() are known; bodyStart() is what came after the head
    kRefused,   // answer refusal() (answers.h) and read no more
    kClosed,    // the client left (FIN or error) before its head was whole
  };

  // `pending`: bytes of this request read already, with the previous one.
  explicit RequestReader(std::size_t maxHeadSize, std::string_view pending = {});

  // Reads what the client sent, at most up to maxHeadSize bytes in all, and parses it.
  Status readFrom(int fd);
  // Parses what is buffered already (the pending bytes), without reading.
  Status parseBuffered() { return size_ == 0 ? Status::kNeedMore : parse(); }
  std::size_t buffered() const { return size_; }

  int refusal() const { return refusal_; }  // once kRefused: 400, 431, 501 or 505
  const std::string& reason() const { return reason_; }
  const RequestHead& head() const { return parser_.head(); }  // once kComplete
  const Framing& framing() const { return framing_; }
  // Once kComplete: the bytes of the body that came with the head, up to the body's end, and
  // the counter that goes on from there.
  std::string_view bodyStart() const { return bodyStart_; }
  MessageBody& body() { return body_; }
  // Once kComplete: what came after the body's end among those bytes (the next request).
  std::string takeLeftover() { return std::exchange(leftover_, std::string()); }
  // Gives the buffer's memory back (up to maxHeadSize bytes) once the head is dealt with: the
  // parsed head() is kept, bodyStart() is no longer valid. A pair that is relaying, or
  // answering, holds no head buffer.
  void release() {
    buffer_.reset();
    size_ = 0;
    bodyStart_ = {};
  }

 private:
  Status parse();
  Status complete();
  Status refuse(int status, std::string reason);

  std::string_view received() const { return {buffer_.get(), size_}; }

  std::size_t maxHeadSize_;
  // maxHeadSize bytes (or more, for pending bytes), allocated at the first read and never
  // zeroed: a std::string resized to maxHeadSize for each recv() zeroed 16 KiB a request, which
  // cost three times the parsing.
  std::unique_ptr<char[]> buffer_;
  std::size_t size_ = 0;  // bytes received into buffer_
  RequestParser parser_;
  Framing framing_;
  MessageBody body_;
  std::string_view bodyStart_;
  std::string leftover_;
  int refusal_ = 0;
  std::string reason_;
};

}  // namespace rsp
