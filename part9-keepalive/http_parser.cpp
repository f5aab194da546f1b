// part9-keepalive/http_parser.cpp — part 9: the request head, parsed as its bytes arrive.
#include "http_parser.h"

#include "http_syntax.h"

namespace rsp {

const std::string* RequestHead::find(std::string_view lowerName) const {
  for (const auto& field : fields)
    if (field.name == lowerName) return &field.value;
  return nullptr;
}

std::size_t RequestHead::count(std::string_view lowerName) const {
  std::size_t n = 0;
  for (const auto& field : fields) n += field.name == lowerName;
  return n;
}

ParseStatus RequestParser::parse(std::string_view buffered) {
  if (phase_ == Phase::kComplete) return ParseStatus::kComplete;
  if (phase_ == Phase::kError) return ParseStatus::kError;
  for (; scan_ < buffered.size(); ++scan_) {
    const char c = buffered[scan_];
    const bool afterCr = scan_ > lineStart_ && buffered[scan_ - 1] == '\r';
    if (afterCr && c != '\n') return fail(400, "bare CR");  // RFC 9112 2.2: CR only before LF
    if (c != '\n') continue;
    if (!afterCr) return fail(400, "bare LF");  // RFC 9112 2.2 lets us accept it; we do not
    const std::string_view line = buffered.substr(lineStart_, scan_ - 1 - lineStart_);
    lineStart_ = scan_ + 1;
    const ParseStatus status = onLine(line);
    if (status != ParseStatus::kNeedMore) {
      if (status == ParseStatus::kComplete) scan_ = lineStart_;  // the head ends after this LF
      return status;
    }
  }
  return ParseStatus::kNeedMore;
}

ParseStatus RequestParser::fail(int status, std::string reason) {
  phase_ = Phase::kError;
  errorStatus_ = status;
  errorReason_ = std::move(reason);
  return ParseStatus::kError;
}

ParseStatus RequestParser::onLine(std::string_view line) {
  if (phase_ == Phase::kStartLine) {
    if (line.empty()) return ParseStatus::kNeedMore;  // RFC 9112 2.2: empty lines before it
    return onRequestLine(line);
  }
  if (line.empty()) return onEndOfHead();
  if (isOws(line.front())) return fail(400, "obs-fold or a line starting with whitespace");
  return onFieldLine(line);  // ^ RFC 9112 5.2 (and 2.2 right after the request line): reject
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 3), single SPs.
ParseStatus RequestParser::onRequestLine(std::string_view line) {
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return fail(400, "request line without a version");
  head_.method = line.substr(0, sp1);
  head_.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!isToken(head_.method)) return fail(400, "invalid method");  // RFC 9110 9.1: a token
  if (head_.target.empty()) return fail(400, "two spaces in the request line");  // RFC 9112 3
  for (const char c : head_.target)  // RFC 9112 3.2 and RFC 3986: visible ASCII only
    if (c <= 0x20 || c >= 0x7f) return fail(400, "invalid byte in the request target");
  // HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive (RFC 9112 2.3).
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !isDigit(version[5]) ||
      version[6] != '.' || !isDigit(version[7]))
    return fail(400, "malformed HTTP version");
  if (version[5] != '1') return fail(505, "HTTP major version not supported");  // RFC 9110 15.6.6
  head_.minorVersion = version[7] == '0' ? 0 : 1;  // RFC 9110 6.2: 1.2 and up are taken as 1.1
  phase_ = Phase::kFields;
  return onTarget();
}

// Which of the four forms the target has, and the site and path it names (RFC 9112 3.2).
ParseStatus RequestParser::onTarget() {
  const std::string& target = head_.target;
  if (head_.method == "CONNECT") {  // RFC 9112 3.2.3: authority-form, and only for CONNECT
    if (!isValidHost(target, true)) return fail(400, "CONNECT needs host:port");
    head_.form = TargetForm::kAuthority;
    head_.authority = target;
  } else if (target == "*") {  // RFC 9112 3.2.4: asterisk-form, and only for OPTIONS
    if (head_.method != "OPTIONS") return fail(400, "* is a target for OPTIONS only");
    head_.form = TargetForm::kAsterisk;
  } else if (target.front() == '/') {  // RFC 9112 3.2.1: origin-form
    head_.pathAndQuery = target;
  } else {
    return onAbsoluteTarget();
  }
  head_.path = head_.pathAndQuery.substr(0, head_.pathAndQuery.find('?'));
  return ParseStatus::kNeedMore;
}

// absolute-form (RFC 9112 3.2.2): a server must accept it. We take http and https URIs only.
ParseStatus RequestParser::onAbsoluteTarget() {
  const std::string lower = lowerCase(head_.target);
  std::size_t start = 0;
  if (lower.starts_with("http://")) start = 7;
  if (lower.starts_with("https://")) start = 8;
  if (start == 0) return fail(400, "target is neither a path nor an http(s) URI");
  const auto end = head_.target.find_first_of("/?", start);
  const std::string_view authority = std::string_view(head_.target).substr(start, end - start);
  if (authority.find('@') != std::string_view::npos)  // RFC 9110 4.2.4: userinfo is an error
    return fail(400, "userinfo in the target URI");
  if (authority.empty() || authority.front() == ':')  // RFC 9110 4.2.1: MUST reject empty host
    return fail(400, "empty host in the target URI");
  if (!isValidHost(authority)) return fail(400, "invalid host in the target URI");
  head_.form = TargetForm::kAbsolute;
  head_.authority = authority;
  head_.pathAndQuery = end == std::string::npos ? "" : head_.target.substr(end);
  head_.path = head_.pathAndQuery.substr(0, head_.pathAndQuery.find('?'));
  return ParseStatus::kNeedMore;
}

ParseStatus RequestParser::onFieldLine(std::string_view line) {
  std::string_view name;
  std::string_view value;
  if (const char* error = splitFieldLine(line, name, value)) return fail(400, error);
  head_.fields.push_back({lowerCase(name), std::string(value)});
  return ParseStatus::kNeedMore;
}

// The empty line: the head is complete. RFC 9112 3.2: a server MUST answer 400 to an HTTP/1.1
// request without Host, to any request with more than one, and to an invalid Host value.
ParseStatus RequestParser::onEndOfHead() {
  const std::size_t hosts = head_.count("host");
  if (hosts > 1) return fail(400, "more than one Host");
  if (hosts == 0 && head_.minorVersion == 1) return fail(400, "HTTP/1.1 request without Host");
  const std::string* host = head_.find("host");
  if (host != nullptr && !isValidHost(*host)) return fail(400, "invalid Host");
  const bool targetNamesHost =
      head_.form == TargetForm::kAbsolute || head_.form == TargetForm::kAuthority;
  if (host != nullptr && !targetNamesHost) head_.authority = *host;  // else the target's (3.2.2)
  phase_ = Phase::kComplete;
  return ParseStatus::kComplete;
}

}  // namespace rsp
