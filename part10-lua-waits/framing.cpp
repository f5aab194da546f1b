// part10-lua-waits/framing.cpp — part 10: where a request's or a response's body ends, decided
// once. See framing.h.
#include "framing.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "http_syntax.h"

namespace rsp {

namespace {

Framing refuse(int status, std::string reason) {
  return {Framing::Kind::kError, 0, status, std::move(reason)};
}

// Every Transfer-Encoding field line, in order, as one list (RFC 9110 5.3: repeated lines of a
// list field combine, in order). Empty elements are ignored (RFC 9110 5.6.1.2). Returns false
// when an element is not a bare token (a parameter or a quoted string: nothing rsp knows).
bool transferCodings(const MessageHead& head, std::vector<std::string>& codings) {
  for (const auto& field : head.fields) {
    if (field.name != "transfer-encoding") continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view element = trimOws(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (element.empty()) continue;
      if (!isToken(element)) return false;
      codings.push_back(lowerCase(element));  // RFC 9112 7: coding names are case-insensitive
    }
  }
  return true;
}

Framing chunkedFraming(const RequestHead& head) {
  // RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
  if (head.minorVersion == 0) return refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
  // RFC 9112 6.1 and 6.3 point 3: both at once may be smuggling; a server MAY reject it, and
  // a proxy must not forward both. We reject.
  if (head.count("content-length") > 0)
    return refuse(400, "both Transfer-Encoding and Content-Length");
  std::vector<std::string> codings;
  if (!transferCodings(head, codings)) return refuse(400, "malformed Transfer-Encoding");
  // RFC 9112 6.3 point 4: in a request, chunked must be the final coding, else 400.
  if (codings.empty() || codings.back() != "chunked")
    return refuse(400, "Transfer-Encoding does not end in chunked");
  // RFC 9112 7.1 (and 6.1): a sender MUST NOT apply chunked more than once.
  if (std::count(codings.begin(), codings.end(), "chunked") > 1)
    return refuse(400, "chunked applied more than once");
  // RFC 9112 6.1: a coding the server does not understand SHOULD get 501. rsp decodes no
  // coding but chunked, and will not hand "gzip, chunked" to a backend that may frame it
  // otherwise (nginx answers 501, HAProxy 422): only chunked alone is taken.
  if (codings.size() > 1) return refuse(501, "transfer coding other than chunked");
  return {Framing::Kind::kChunked, 0, 0, {}};
}

Framing lengthFraming(const MessageHead& head) {
  // RFC 9110 8.6 lets a recipient either reject repeated values ("5, 5", or two lines of 5)
  // or reduce them to one. We reject: one value, one reading, for us and for the backend.
  if (head.count("content-length") > 1) return refuse(400, "more than one Content-Length");
  const std::string& value = *head.find("content-length");
  // Content-Length = 1*DIGIT (RFC 9110 8.6): no sign, no space, no list, not empty.
  if (value.empty()) return refuse(400, "empty Content-Length");
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t length = 0;
  for (const char c : value) {
    if (!isDigit(c)) return refuse(400, "malformed Content-Length");
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (length > (kMax - digit) / 10) return refuse(400, "Content-Length too large");
    length = length * 10 + digit;
  }  // ^ RFC 9112 6.3 point 5: an invalid Content-Length in a request is a 400
  return {Framing::Kind::kLength, length, 0, {}};
}

}  // namespace

Framing decideFraming(const RequestHead& head) {
  // RFC 9110 9.3.6: CONNECT has no content; it makes a tunnel. rsp is a gateway and does not
  // tunnel: 501 (RFC 9110 15.6.2), before any body is looked for.
  if (head.method == "CONNECT") return refuse(501, "CONNECT is not supported");
  // RFC 9112 6.3 point 3 and 4: Transfer-Encoding, when present, decides (or is refused).
  if (head.count("transfer-encoding") > 0) return chunkedFraming(head);
  // RFC 9112 6.3 point 5 and 6: else a valid Content-Length gives the length.
  if (head.count("content-length") > 0) return lengthFraming(head);
  // RFC 9112 6.3 point 7: a request with neither has no body.
  return {Framing::Kind::kNone, 0, 0, {}};
}

// A response whose length rsp cannot be sure of is the backend's error (502): passing it on
// would let the client, or the next response on a kept-alive connection, read it otherwise.
Framing decideResponseFraming(std::string_view method, const ResponseHead& head) {
  // RFC 9112 6.3 point 1: these have no body, whatever Content-Length or Transfer-Encoding say
  // (a response to HEAD carries the length the GET would have had).
  if (method == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304)
    return {Framing::Kind::kNone, 0, 0, {}};
  if (head.count("transfer-encoding") > 0) {
    // RFC 9112 6.1: in an HTTP/1.0 message, Transfer-Encoding means faulty framing. And both
    // fields at once (6.3 point 3) is what smuggling is made of: nginx refuses it too.
    if (head.minorVersion == 0) return refuse(502, "Transfer-Encoding in an HTTP/1.0 response");
    if (head.count("content-length") > 0)
      return refuse(502, "both Transfer-Encoding and Content-Length in the response");
    std::vector<std::string> codings;
    // RFC 9112 6.3 point 3 would read a response whose final coding is not chunked until the
    // close; rsp decodes nothing but chunked and refuses the rest, as nginx does.
    if (!transferCodings(head, codings) || codings.size() != 1 || codings.front() != "chunked")
      return refuse(502, "a response transfer coding other than chunked");
    return {Framing::Kind::kChunked, 0, 0, {}};
  }
  if (head.count("content-length") > 0) {  // RFC 9112 6.3 point 5: invalid is an error
    Framing framing = lengthFraming(head);
    if (framing.kind == Framing::Kind::kError) framing.status = 502;
    return framing;
  }
  return {Framing::Kind::kUntilClose, 0, 0, {}};  // RFC 9112 6.3 point 8
}

}  // namespace rsp
