// part10-lua-waits/http_parser.cpp — part 10: request and response heads, parsed as their bytes
// arrive. See http_parser.h.
#include "http_parser.h"

#include "http_syntax.h"

namespace rsp {

namespace {

enum class Line { kNone, kFound, kBareCr, kBareLf };

// The next whole line of `buffered`, from lineStart; scanning resumes at `scan`, the first byte
// not looked at yet. A line ends with CRLF (RFC 9112 2.2); a CR anywhere else, or an LF alone,
// is an error. Once found, `line` is without its CRLF and both positions are after it.
Line nextLine(std::string_view buffered, std::size_t& lineStart, std::size_t& scan,
              std::string_view& line) {
  for (; scan < buffered.size(); ++scan) {
    const char c = buffered[scan];
    const bool afterCr = scan > lineStart && buffered[scan - 1] == '\r';
    if (afterCr && c != '\n') return Line::kBareCr;  // RFC 9112 2.2: CR only before LF
    if (c != '\n') continue;
    if (!afterCr) return Line::kBareLf;  // RFC 9112 2.2 lets us accept it; we do not
    line = buffered.substr(lineStart, scan - 1 - lineStart);
    lineStart = ++scan;
    return Line::kFound;
  }
  return Line::kNone;
}

// A field line after the start line: nullptr, or why it is refused. RFC 9112 5.2 (and 2.2 right
// after the start line): a line starting with whitespace is obs-fold or worse; we reject it.
const char* addFieldLine(std::string_view line, std::vector<HeaderField>& fields,
                         bool keepSpelling) {
  if (isOws(line.front())) return "obs-fold or a line starting with whitespace";
  std::string_view name;
  std::string_view value;
  if (const char* error = splitFieldLine(line, name, value)) return error;
  fields.push_back({lowerCase(name), std::string(value), keepSpelling ? std::string(name) : ""});
  return nullptr;
}

}  // namespace

const std::string* MessageHead::find(std::string_view lowerName) const {
  for (const auto& field : fields)
    if (field.name == lowerName) return &field.value;
  return nullptr;
}

std::size_t MessageHead::count(std::string_view lowerName) const {
  std::size_t n = 0;
  for (const auto& field : fields) n += field.name == lowerName;
  return n;
}

bool MessageHead::hasToken(std::string_view lowerName, std::string_view lowerToken) const {
  for (const auto& field : fields) {
    if (field.name != lowerName) continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (lowerCase(trimOws(rest.substr(0, comma))) == lowerToken) return true;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return false;
}

ParseStatus RequestParser::parse(std::string_view buffered) {
  if (phase_ == Phase::kComplete) return ParseStatus::kComplete;
  if (phase_ == Phase::kError) return ParseStatus::kError;
  for (std::string_view line;;) {
    switch (nextLine(buffered, lineStart_, scan_, line)) {
      case Line::kNone:
        return ParseStatus::kNeedMore;
      case Line::kBareCr:
        return fail(400, "bare CR");
      case Line::kBareLf:
        return fail(400, "bare LF");
      case Line::kFound:
        break;
    }
    if (const ParseStatus status = onLine(line); status != ParseStatus::kNeedMore) return status;
  }
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
  if (const char* error = addFieldLine(line, head_.fields, false)) return fail(400, error);
  return ParseStatus::kNeedMore;
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

// The response head (RFC 9112 4): status-line = HTTP-version SP status-code SP [reason-phrase].
ParseStatus ResponseParser::parse(std::string_view buffered) {
  if (phase_ == Phase::kComplete) return ParseStatus::kComplete;
  if (phase_ == Phase::kError) return ParseStatus::kError;
  for (std::string_view line;;) {
    switch (nextLine(buffered, lineStart_, scan_, line)) {
      case Line::kNone:
        return ParseStatus::kNeedMore;
      case Line::kBareCr:
        return fail("bare CR in the response head");
      case Line::kBareLf:
        return fail("bare LF in the response head");
      case Line::kFound:
        break;
    }
    if (const ParseStatus status = onLine(line); status != ParseStatus::kNeedMore) return status;
  }
}

ParseStatus ResponseParser::fail(std::string reason) {
  phase_ = Phase::kError;
  errorReason_ = std::move(reason);
  return ParseStatus::kError;
}

ParseStatus ResponseParser::onLine(std::string_view line) {
  if (phase_ == Phase::kStatusLine) return onStatusLine(line);
  if (line.empty()) {
    phase_ = Phase::kComplete;
    return ParseStatus::kComplete;
  }
  if (const char* error = addFieldLine(line, head_.fields, true)) return fail(error);
  return ParseStatus::kNeedMore;
}

ParseStatus ResponseParser::onStatusLine(std::string_view line) {
  // "HTTP/1.1 200 OK": the version as in a request (RFC 9112 2.3), a space, three digits
  // (RFC 9110 15), then a space and the reason, which may be empty or, as nginx lets it be,
  // missing with its space.
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || line[5] != '1' || line[6] != '.' ||
      !isDigit(line[7]) || line[8] != ' ' || !isDigit(line[9]) || !isDigit(line[10]) ||
      !isDigit(line[11]) || line[9] == '0' || (line.size() > 12 && line[12] != ' '))
    return fail("malformed status line");
  head_.minorVersion = line[7] == '0' ? 0 : 1;
  head_.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (line.size() > 13) head_.reason = line.substr(13);
  for (const char c : head_.reason)  // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
    if (!isFieldByte(static_cast<unsigned char>(c))) return fail("control byte in the reason");
  phase_ = Phase::kFields;
  return ParseStatus::kNeedMore;
}

}  // namespace rsp
