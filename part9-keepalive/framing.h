// part9-keepalive/framing.h — part 9: where the request's body ends, decided once.
//
// RFC 9112 6.3 lists, in order, how a message's length is found. A proxy that finds it one way
// while its backend finds it another has let a second request hide inside the first one's body
// (request smuggling, RFC 9112 11.2). So every framing decision is made here, in one function,
// with the rule cited beside each branch, and whatever is doubtful is refused, not guessed.
//
// Part 9 adds the response side (HEAD, 1xx, 204, 304, close-delimited) beside this one.
#pragma once

#include <cstdint>
#include <string>

#include "http_parser.h"

namespace rsp {

struct Framing {
  enum class Kind { kNone, kLength, kChunked, kError };
  Kind kind = Kind::kNone;
  std::uint64_t length = 0;  // kLength: the body's bytes
  int status = 0;            // kError: 400 or 501
  std::string reason;        // kError: one short line
};

// How the body of a request with this (complete, valid) head is delimited.
Framing decideFraming(const RequestHead& head);

}  // namespace rsp
