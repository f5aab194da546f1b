// part9-keepalive/chunked.cpp — part 9: where a chunked body ends, found as its bytes pass by.
#include "chunked.h"

#include <algorithm>

#include "http_syntax.h"

namespace rsp {

namespace {

void skipBws(std::string_view& s) {
  while (!s.empty() && isOws(s.front())) s.remove_prefix(1);
}

std::size_t tokenLength(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && isTchar(static_cast<unsigned char>(s[n]))) ++n;
  return n;
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 5.6.4). Returns its
// length, or 0 when `s` does not start with a whole one.
std::size_t quotedLength(std::string_view s) {
  for (std::size_t i = 1; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') return i + 1;
    if (c == '\\') ++i;  // quoted-pair: the next byte is checked below, whatever it is
    if (i >= s.size() || !isFieldByte(static_cast<unsigned char>(s[i]))) return 0;
  }
  return 0;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (RFC 9112 7.1.1),
// chunk-ext-val = token / quoted-string. True when `ext` is exactly that.
bool isValidExtension(std::string_view ext) {
  while (!ext.empty()) {
    skipBws(ext);
    if (ext.empty() || ext.front() != ';') return false;
    ext.remove_prefix(1);
    skipBws(ext);
    const std::size_t name = tokenLength(ext);
    if (name == 0) return false;
    ext.remove_prefix(name);
    std::string_view rest = ext;
    skipBws(rest);
    if (rest.empty() || rest.front() != '=') continue;  // no value: the BWS is the next's
    rest.remove_prefix(1);
    skipBws(rest);
    const std::size_t value =
        !rest.empty() && rest.front() == '"' ? quotedLength(rest) : tokenLength(rest);
    if (value == 0) return false;
    ext = rest.substr(value);
  }
  return true;
}

}  // namespace

ChunkedScanner::Status ChunkedScanner::scan(std::string_view bytes, std::size_t& used,
                                            std::string* data) {
  used = 0;
  while (used < bytes.size() && state_ != State::kDone && state_ != State::kError) {
    if (state_ == State::kData) {  // the data is skipped over (or copied, decoding), not parsed
      const auto take = std::min<std::uint64_t>(remaining_, bytes.size() - used);
      if (data != nullptr) data->append(bytes.substr(used, take));
      used += take;
      remaining_ -= take;
      if (remaining_ == 0) state_ = State::kDataCr;
      continue;
    }
    step(bytes[used++]);
  }
  if (state_ == State::kDone) return Status::kDone;
  return state_ == State::kError ? Status::kError : Status::kNeedMore;
}

void ChunkedScanner::step(char c) {
  if (state_ == State::kDataCr || state_ == State::kDataLf) {  // RFC 9112 7.1: data CRLF
    const char expected = state_ == State::kDataCr ? '\r' : '\n';
    if (c != expected) return fail("chunk data not followed by CRLF");
    state_ = state_ == State::kDataCr ? State::kDataLf : State::kSizeLine;
    return;
  }
  lineByte(c);
}

void ChunkedScanner::lineByte(char c) {
  const bool afterCr = !line_.empty() && line_.back() == '\r';
  if (afterCr && c != '\n') return fail("bare CR in a chunk line");  // RFC 9112 2.2
  if (state_ == State::kTrailerLine && ++trailerBytes_ > limits_.maxTrailer)
    return fail("trailer section too large");
  if (c != '\n') {
    if (line_.size() >= limits_.maxLine) return fail("chunk line too long");
    line_.push_back(c);
    return;
  }
  if (!afterCr) return fail("bare LF in a chunk line");  // chunked lines end in CRLF (7.1)
  line_.pop_back();
  const std::string line = std::move(line_);
  line_.clear();
  if (state_ == State::kSizeLine) return onSizeLine(line);
  onTrailerLine(line);
}

// chunk-size = 1*HEXDIG (RFC 9112 7.1): no sign, no 0x, no space before the extensions' BWS.
void ChunkedScanner::onSizeLine(std::string_view line) {
  std::uint64_t size = 0;
  std::size_t digits = 0;
  for (; digits < line.size() && isHexDigit(line[digits]); ++digits) {
    const char c = line[digits];
    const std::uint64_t digit = isDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    if (size > (limits_.maxChunkSize - digit) / 16) return fail("chunk size too large");
    size = size * 16 + digit;  // ^ the check comes before the shift: no overflow ever happens
  }
  if (digits == 0) return fail("chunk size is not hex");
  if (!isValidExtension(line.substr(digits))) return fail("malformed chunk extension");
  remaining_ = size;
  state_ = size == 0 ? State::kTrailerLine : State::kData;  // 0: the last-chunk
}

// trailer-section = *( field-line CRLF ) (RFC 9112 7.1.2); the empty line ends the body.
void ChunkedScanner::onTrailerLine(std::string_view line) {
  if (line.empty()) {
    state_ = State::kDone;
    return;
  }
  std::string_view name;
  std::string_view value;
  if (isOws(line.front())) return fail("obs-fold in the trailer section");  // RFC 9112 5.2
  if (splitFieldLine(line, name, value) != nullptr) return fail("malformed trailer field");
}

void ChunkedScanner::fail(const char* reason) {
  state_ = State::kError;
  error_ = reason;
}

}  // namespace rsp
