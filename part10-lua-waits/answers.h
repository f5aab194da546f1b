// part10-lua-waits/answers.h — part 10: the responses the proxy writes itself, and the access log.
//
// When the proxy cannot or must not pass a request on, it answers for itself, with a whole
// HTTP/1.1 response that closes the connection, as nginx does with the static pages of
// ngx_http_special_response.c:
//
//   HTTP/1.1 421 Misdirected Request\r\n
//   Content-Type: text/plain\r\n
//   Content-Length: 37\r\n
//   Connection: close\r\n
//   \r\n
//   No site here answers for this host.\n
//
//   400 Bad Request          the head breaks HTTP's grammar or its framing rules (framing.h)
//   408 Request Timeout      the head did not arrive within headerTimeout (the slowloris)
//   421 Misdirected Request  no site for this Host, and no default site (sites.h)
//   431 Request Header Fields Too Large   the head is over maxHeadSize (RFC 6585 5)
//   501 Not Implemented      a transfer coding rsp does not know, or CONNECT
//   502 Bad Gateway          no backend of the site accepted, or it closed before a byte of answer
//   504 Gateway Timeout      no connect within connectTimeout, or no byte of answer in idleTimeout
//   505 HTTP Version Not Supported   HTTP/0.9 or HTTP/2.0 in the request line
//
// Each is made once, the first time it is asked for, and never changes.
//
// With --verbose, one access-log line per request says who asked what and how it went:
//
//   127.0.0.1:53012 GET a.test /x?y 200 1234 127.0.0.1:8001 12ms
//   client          method host target status bytes backend time
//
// A field that is not known is "-" (no backend for a 400; no host for an HTTP/1.0 request
// without one). Every field is one word: a byte outside visible ASCII, or a space, is written
// as \xHH, and a field is cut at kLoggedFieldBytes, so a request cannot forge or flood a line.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rsp {

// True for the statuses listed above.
bool isOwnAnswer(int status);

// The whole response for one of those statuses; throws std::invalid_argument for another.
std::string_view ownAnswer(int status);

// The status code in a response's first bytes ("HTTP/1.1 200 OK\r\n..." -> 200), for the access
// log; 0 while they do not hold a status line's first 12 bytes, or do not look like one.
int responseStatus(std::string_view received);

struct AccessRecord {
  std::string_view clientAddress;  // "127.0.0.1", "::1"
  int clientPort = 0;
  std::string_view method;   // empty: not known (the head was broken or never complete)
  std::string_view host;     // normalised (sites.h); empty: none
  std::string_view target;   // as received
  int status = 0;            // ours or the backend's; 0: none (the backend sent no status line)
  std::uint64_t bytes = 0;   // bytes of response sent to the client, head included
  std::string_view backend;  // "127.0.0.1:8001"; empty: no backend was chosen
  std::chrono::milliseconds time{0};  // from accept to the last byte sent
};

constexpr std::size_t kLoggedFieldBytes = 256;

// The access-log line for one request, without the timestamp that log() puts first.
std::string accessLogLine(const AccessRecord& record);

}  // namespace rsp
