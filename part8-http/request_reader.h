// part8-http/request_reader.h — part 8: the request head, read before anything is connected.
//
// A Connection's first phase. The client's bytes go into one bounded buffer and the parser
// (http_parser.h) looks at them as they come; nothing reaches a backend until the head is
// complete and valid:
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

  explicit RequestReader(std::size_t maxHeadSize) : maxHeadSize_(maxHeadSize) {}

  // Reads what the client sent, at most up to maxHeadSize bytes in all, and parses it.
  Status readFrom(int fd);

  int refusal() const { return refusal_; }  // once kRefused: 400, 431, 501 or 505
  const std::string& reason() const { return reason_; }
  const RequestHead& head() const { return parser_.head(); }  // once kComplete
  const Framing& framing() const { return framing_; }
  // Once kComplete: the bytes of the body that came with the head, up to the body's end
  // (what comes after the end is dropped), and the counter that goes on from there.
  std::string_view bodyStart() const { return bodyStart_; }
  RequestBody& body() { return body_; }
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

  std::string_view buffered() const { return {buffer_.get(), size_}; }

  const std::size_t maxHeadSize_;
  // maxHeadSize bytes, allocated at the first read and never zeroed: a std::string resized to
  // maxHeadSize for each recv() zeroed 16 KiB a request, which cost three times the parsing.
  std::unique_ptr<char[]> buffer_;
  std::size_t size_ = 0;  // bytes received into buffer_
  RequestParser parser_;
  Framing framing_;
  RequestBody body_;
  std::string_view bodyStart_;
  int refusal_ = 0;
  std::string reason_;
};

}  // namespace rsp
