// part10-lua-waits/framing.h — part 10: where a request's or a response's body ends, decided once.
//
// Same as part8-http/framing.h except: the response side too. A proxy that keeps connections
// open must know where each response ends, or the next response on that connection would be
// read as the tail of this one. RFC 9112 6.3 gives the order, for a response:
//
//   the request was HEAD, or the status is 1xx, 204 or 304    no body, whatever the fields say
//   Transfer-Encoding: chunked                                 chunked (anything else: 502)
//   Content-Length: N                                          N bytes (invalid: 502)
//   neither                                                    until the backend closes
//
// RFC 9112 6.3 lists, in order, how a message's length is found. A proxy that finds it one way
// while its backend finds it another has let a second request hide inside the first one's body
// (request smuggling, RFC 9112 11.2). So every framing decision is made here, in one function,
// with the rule cited beside each branch, and whatever is doubtful is refused, not guessed.
//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http_parser.h"

namespace rsp {

struct Framing {
  enum class Kind { kNone, kLength, kChunked, kUntilClose, kError };
  Kind kind = Kind::kNone;
  std::uint64_t length = 0;  // kLength: the body's bytes
  int status = 0;            // kError: 400 or 501 for a request, 502 for a response
  std::string reason;        // kError: one short line
};

// How the body of a request with this (complete, valid) head is delimited.
Framing decideFraming(const RequestHead& head);

// How the body of this (complete, valid) response to a `method` request is delimited.
Framing decideResponseFraming(std::string_view method, const ResponseHead& head);

}  // namespace rsp
