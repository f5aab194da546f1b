// part10-lua-waits/response_reader.h — part 10: the response head, read before any of it goes on.
//
// Part 8 passed the backend's bytes to the client as they came, and the backend's close ended
// the response. Part 9 keeps the backend's connection for the next request, so it must know
// where each response ends: it reads the response's head first, as the request's
// (request_reader.h), into one bounded buffer, and decides the body's framing (framing.h) before
// a byte goes on:
//
//   recv ──▶ buffer (at most maxHeadSize bytes) ──▶ parser ──▶ need more: recv again
//                                                     ├──▶ broken, or too large: 502
//                                                     ├──▶ 1xx (100 Continue, 103): the
//                                                     │    Connection passes it on; next()
//                                                     └──▶ complete: head(), then rest()
//
// A backend that closes (or resets) before its head is whole is kClosed; received() then says
// whether it sent any byte at all, which decides whether the request may be retried.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "http_parser.h"

namespace rsp {

class ResponseReader {
 public:
  enum class Status {
    kNeedMore,  // keep reading
    kComplete,  // head() is known; rest() is what came after it
    kBroken,    // not a valid head, or larger than maxHeadSize: reason() says which
    kClosed,    // the backend closed or failed (error()) before the head was whole
  };

  explicit ResponseReader(std::size_t maxHeadSize = 16384) : maxHeadSize_(maxHeadSize) {}

  // Reads what the backend sent, at most up to maxHeadSize bytes in all, and parses it.
  Status readFrom(int fd);
  // After an interim (1xx) head: forgets it and parses the next one from what is buffered.
  Status next();

  const ResponseHead& head() const { return parser_.head(); }  // once kComplete
  std::string_view rest() const { return bytes().substr(parser_.headLength()); }
  std::size_t received() const { return received_; }  // bytes of answer, interim heads included
  int error() const { return error_; }                // once kClosed: the errno, or 0 for a FIN
  const std::string& reason() const { return reason_; }  // once kBroken
  // Gives the buffer back once the head is passed on and rest() has been taken.
  void release() {
    buffer_.reset();
    size_ = 0;
  }

 private:
  Status parse();
  std::string_view bytes() const { return {buffer_.get(), size_}; }

  std::size_t maxHeadSize_;
  // maxHeadSize bytes, allocated at the first read and never zeroed (as request_reader.h's).
  std::unique_ptr<char[]> buffer_;
  std::size_t size_ = 0;
  ResponseParser parser_;
  std::size_t received_ = 0;
  int error_ = 0;
  std::string reason_;
};

}  // namespace rsp
