// part10-lua-waits/http_parser.h — part 10: request and response heads, parsed as their bytes
// arrive.
//
// Same as part8-http/http_parser.h except: the response head too (ResponseParser), which the
// proxy now reads from the backend to find where each response ends. The two share the line
// scanning and the field lines; only the first line differs (status-line, RFC 9112 4). A
// response the parser refuses is the backend's fault: the client gets 502.
//
// A pure function over bytes, in the manner of picohttpparser and nginx's request-line state
// machine: it knows nothing of sockets. The caller appends what recv() returned to its buffer
// and hands the whole buffer to parse() again; the parser resumes where it stopped, so each
// byte is looked at once to find its line's end and once more when its line is complete:
//
//   buffered:  GET /a HTTP/1.1\r\nHost: a.test\r\nAcc|ept: */*\r\n\r\n   (more arrives later)
//              ^ accepted lines (never looked at again) ^ lineStart_  ^ scan_
//
// The answer is one of: need more bytes, complete (the head is headLength() bytes), or an
// error with the status to answer (400, 501 or 505) and a short reason. Strict where RFC 9112
// says a recipient must be, and where it lets us choose (a bare LF, obs-fold), strict too: a
// proxy that accepts what its backend reads differently is how requests get smuggled.
//
// The size limit is the caller's: pass at most maxHeadSize bytes; if the answer is still "need
// more" with that many bytes given, the head is too large (431, RFC 6585 5).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rsp {

// The four forms of request-target (RFC 9112 3.2).
enum class TargetForm { kOrigin, kAbsolute, kAuthority, kAsterisk };

struct HeaderField {
  std::string name;   // lower-cased: field names are case-insensitive (RFC 9110 5.1)
  std::string value;  // without the OWS around it (RFC 9112 5)
  // A response's field: its name as the backend spelled it, which goes on to the client (some
  // clients still look for "Content-Type", not "content-type"). Empty in a request.
  std::string spelling;
};

// What requests and responses share: the version and the field lines.
struct MessageHead {
  int minorVersion = 1;  // HTTP/1.0 or HTTP/1.1 (a higher 1.x is taken as 1.1: RFC 9110 6.2)
  std::vector<HeaderField> fields;  // in the order received, repeated names kept apart

  // The value of the first field named `lowerName`, or nullptr.
  const std::string* find(std::string_view lowerName) const;
  std::size_t count(std::string_view lowerName) const;
  // True when a list field (e.g. Connection) names `lowerToken` in any of its lines, in any
  // case: "Connection: Keep-Alive, X-Foo" has "keep-alive" (RFC 9110 5.6.1, 7.6.1).
  bool hasToken(std::string_view lowerName, std::string_view lowerToken) const;
};

struct RequestHead : MessageHead {
  std::string method;  // a token, case-sensitive (RFC 9110 9.1): "get" is not "GET"
  std::string target;  // the request-target as received
  TargetForm form = TargetForm::kOrigin;
  // The target in origin-form ("/path?query"): the target itself for origin-form, the part
  // after the authority for absolute-form (maybe empty), empty for the other two forms.
  std::string pathAndQuery;
  std::string path;       // pathAndQuery up to its '?'
  std::string authority;  // what names the site: the absolute-form's (RFC 9112 3.2.2), else Host
};

struct ResponseHead : MessageHead {
  int status = 0;      // 100 to 999 (RFC 9110 15: three digits)
  std::string reason;  // the reason-phrase, maybe empty
};

enum class ParseStatus { kNeedMore, kComplete, kError };

class RequestParser {
 public:
  // `buffered` holds every byte received so far: what an earlier call saw, and maybe more.
  ParseStatus parse(std::string_view buffered);

  std::size_t headLength() const { return scan_; }  // once complete: bytes up to the body
  int errorStatus() const { return errorStatus_; }  // once an error: 400, 501 or 505
  const std::string& errorReason() const { return errorReason_; }
  const RequestHead& head() const { return head_; }  // once complete

 private:
  enum class Phase { kStartLine, kFields, kComplete, kError };

  ParseStatus fail(int status, std::string reason);
  ParseStatus onLine(std::string_view line);
  ParseStatus onRequestLine(std::string_view line);
  ParseStatus onTarget();
  ParseStatus onAbsoluteTarget();
  ParseStatus onEndOfHead();

  Phase phase_ = Phase::kStartLine;
  std::size_t lineStart_ = 0;  // where the line being looked for begins
  std::size_t scan_ = 0;       // the first byte not looked at yet
  RequestHead head_;
  int errorStatus_ = 0;
  std::string errorReason_;
};

// The same for a response head from a backend. An error is always the backend's (502).
class ResponseParser {
 public:
  ParseStatus parse(std::string_view buffered);

  std::size_t headLength() const { return scan_; }
  const std::string& errorReason() const { return errorReason_; }
  const ResponseHead& head() const { return head_; }

 private:
  enum class Phase { kStatusLine, kFields, kComplete, kError };

  ParseStatus fail(std::string reason);
  ParseStatus onLine(std::string_view line);
  ParseStatus onStatusLine(std::string_view line);

  Phase phase_ = Phase::kStatusLine;
  std::size_t lineStart_ = 0;
  std::size_t scan_ = 0;
  ResponseHead head_;
  std::string errorReason_;
};

}  // namespace rsp
