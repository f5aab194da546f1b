// part9-keepalive/framing.cpp — part 9: where the request's body ends, decided once.
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
bool transferCodings(const RequestHead& head, std::vector<std::string>& codings) {
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

Framing lengthFraming(const RequestHead& head) {
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

}  // namespace rsp
